"""`reportqa ask`: one question or JSON lines; bad input is exit code 2 and one line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from reportqa.cli import main


@pytest.mark.parametrize(("argv", "message"), [
    (["ask", ""], "empty"),
    (["ask", "   "], "empty"),
    (["ask", "问" * 501], "limit is 500"),
    (["ask", "粮食\x07产量"], "control"),
    (["ask", "12345"], "only numbers or punctuation"),
    (["ask", "？！。"], "only numbers or punctuation"),
    (["ask", "粮食产量", "--top-k", "0"], "--top-k must be from 1 to 50"),
    (["ask"], "give a question or --jsonl"),
    (["ask", "--jsonl", "/nonexistent/q.jsonl"], "no such file"),
])
def test_bad_input_exits_2_with_one_line(argv: list[str], message: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and message in err
    assert "Traceback" not in err


@pytest.mark.model
def test_jsonl_echoes_ids_and_keeps_going_past_bad_lines(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps({"id": "a", "question": "2022年永川粮食产量是多少？"}, ensure_ascii=False),
        "not json",
        json.dumps({"id": 7, "question": ""}),
        json.dumps({"question": "How many 5G base stations were added in Yongchuan in 2022?"}),
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    code = main(["ask", "--jsonl", "-", "--index", str(index_dir)])
    out, err = capsys.readouterr()
    rows = [json.loads(r) for r in out.splitlines()]
    assert code == 2  # some lines were bad; the good ones were still answered
    assert [r.get("id") for r in rows] == ["a", None, 7, None]
    assert rows[0]["figures"][0]["text"] == "47.6万吨"
    assert "not JSON" in rows[1]["error"] and "empty" in rows[2]["error"]
    assert rows[3]["lang"] == "en" and rows[3]["figures"][0]["text"] == "1196个"
    assert len(err.strip().splitlines()) == 2
