"""`reportqa eval` end to end with a fake in-process assistant."""

from __future__ import annotations

import argparse
import json
import sys
import types
from pathlib import Path

import httpx
import pytest

import eval.runner
from eval.cli import add_eval_parser, run_eval_command

from .fakes import GOLD, FakeAssistant


@pytest.fixture()
def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="reportqa")
    add_eval_parser(p.add_subparsers(dest="command"))
    return p


@pytest.fixture()
def gold(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in GOLD), "utf-8")
    return path


class RecordingAssistant(FakeAssistant):
    loaded_from: list[object] = []

    @classmethod
    def load(cls, index_dir: object = None) -> FakeAssistant:
        cls.loaded_from.append(index_dir)
        return cls()


@pytest.fixture(autouse=True)
def fake_qa(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real qa package is someone else's (and may load models): the command
    # must only need `qa.Assistant.load(index_dir=...)`.
    module = types.ModuleType("qa")
    module.Assistant = RecordingAssistant  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "qa", module)
    monkeypatch.setattr(RecordingAssistant, "loaded_from", [])


def run(parser: argparse.ArgumentParser, *argv: str) -> int:
    return run_eval_command(parser.parse_args(["eval", *argv]))


def test_thresholds_met(parser, gold, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    # zh.answer_acc is 2/3, en.hit@5 is 1.0 (see fakes).
    code = run(
        parser,
        "--gold",
        str(gold),
        "--out",
        str(out),
        "--index",
        "idx",
        "--min",
        "zh.answer_acc=0.6",
        "en.hit@5=1",
        "--min",
        "kind:figure.answer_acc=1",
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert RecordingAssistant.loaded_from == ["idx"]
    assert captured.err == ""
    assert [line.split()[0] for line in captured.out.splitlines()[1:4]] == ["zh", "en", "all"]
    assert (out / "metrics.json").exists() and (out / "accuracy.png").exists()


def test_threshold_missed_exits_1(parser, gold, tmp_path, capsys) -> None:
    code = run(
        parser,
        "--gold",
        str(gold),
        "--out",
        str(tmp_path),
        "--min",
        "zh.answer_acc=0.9",
        "en.hit@5=0.85",
        "all.mrr=0.6",
    )
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        "zh.answer_acc 0.67 < 0.90",
        "all.mrr 0.50 < 0.60",
    ]


def test_unknown_threshold_key_is_a_usage_error(parser, gold, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["eval", "--gold", str(gold), "--min", "zh.accuracy=0.9"])
    assert exit_info.value.code == 2
    assert "unknown metric 'accuracy'" in capsys.readouterr().err
    # Given as a plain string by a caller that did not use the parser.
    args = parser.parse_args(["eval", "--gold", str(gold)])
    args.min = ["xx.answer_acc=0.9"]
    assert run_eval_command(args) == 2
    assert "unknown group 'xx'" in capsys.readouterr().err


def test_malformed_gold_exits_2_with_file_and_line(parser, gold, tmp_path, capsys) -> None:
    with gold.open("a", encoding="utf-8") as f:
        f.write('{"id": "x9", "lang": "de"}\n')
    code = run(parser, "--gold", str(gold), "--out", str(tmp_path / "out"))
    err = capsys.readouterr().err
    assert code == 2
    missing = "missing key(s) kind, question, evidence, answer"
    assert err == f"reportqa eval: error: {gold}:6: {missing}\n"
    assert not (tmp_path / "out").exists()


def test_unreachable_server_exits_2(parser, gold, tmp_path, monkeypatch, capsys) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    real = eval.runner.HttpSource

    def offline(base_url: str, timeout: float = 60.0) -> eval.runner.HttpSource:
        return real(base_url, client=httpx.Client(transport=httpx.MockTransport(refuse)))

    monkeypatch.setattr(eval.runner, "HttpSource", offline)
    code = run(parser, "--gold", str(gold), "--out", str(tmp_path), "--api", "http://127.0.0.1:9")
    assert code == 2
    assert "cannot reach the reportqa server at http://127.0.0.1:9" in capsys.readouterr().err


def test_defaults(parser, gold) -> None:
    args = parser.parse_args(["eval", "--gold", str(gold)])
    assert (args.top_k, args.api, args.index, args.out, args.min) == (5, None, None, "out/eval", [])
    with pytest.raises(SystemExit):
        parser.parse_args(["eval", "--gold", str(gold), "--top-k", "0"])
    with pytest.raises(SystemExit):
        parser.parse_args(["eval", "--gold", str(gold), "--timeout", "-1"])
