"""The files an evaluation leaves behind, and the printed table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.gold import parse_item
from eval.metrics import ItemResult
from eval.report import render_table, write_reports
from eval.runner import InProcess, run_eval

from .fakes import GOLD, FakeAssistant

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture()
def run() -> tuple[list[ItemResult], dict]:
    assistant = FakeAssistant()
    return run_eval([parse_item(g) for g in GOLD], InProcess(assistant), clock=assistant.clock)


def test_files_written(tmp_path: Path, run: tuple[list[ItemResult], dict]) -> None:
    results, metrics = run
    paths = write_reports(tmp_path / "out", results, metrics)
    out = tmp_path / "out"
    assert {p.name for p in paths.values()} == {
        "metrics.json",
        "answers.jsonl",
        "report.md",
        "accuracy.png",
    }

    saved = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert set(saved) == {"n", "top_k", "zh", "en", "all", "by_kind", "by_lang_kind", "by_file"}
    assert saved == json.loads(json.dumps(metrics))
    assert saved["zh"]["answer_acc"] == pytest.approx(2 / 3)

    rows = [json.loads(line) for line in (out / "answers.jsonl").read_text("utf-8").splitlines()]
    assert [r["gold"]["id"] for r in rows] == ["z1", "e1", "z2", "z3", "e2"]
    assert rows[1]["scores"]["evidence_rank"] == 2 and rows[1]["scores"]["accurate"]
    assert rows[3]["answer"]["abstained"] is True
    assert "地区生产总值" in (out / "answers.jsonl").read_text("utf-8")  # not \u-escaped

    assert (out / "accuracy.png").read_bytes()[:8] == PNG_MAGIC


def test_report_lists_every_failure(tmp_path: Path, run: tuple[list[ItemResult], dict]) -> None:
    results, metrics = run
    write_reports(tmp_path, results, metrics)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## Failures (2 of 5)" in md
    # z2: evidence not retrieved and a wrong number, with what was expected
    # and what came back.
    assert "### z2 (zh, target): retrieval miss, wrong answer" in md
    assert "2023年地区生产总值增长目标是多少？" in md
    assert "- expected evidence: `增长7%以上`" in md
    assert "- expected answer: `7%以上`" in md
    assert "- returned answer: 地区生产总值增长3.5%。" in md
    assert "  > 全年地区生产总值达到1202.8亿元，增长3.5%。" in md
    assert "### e2 (en, unanswerable): missed abstention" in md
    # The questions that passed are not listed.
    assert "### z1" not in md and "### e1" not in md and "### z3" not in md


def test_table(run: tuple[list[ItemResult], dict]) -> None:
    _, metrics = run
    lines = render_table(metrics).splitlines()
    assert lines[0].split() == [
        "n",
        "hit@1",
        "hit@5",
        "MRR",
        "acc",
        "strict",
        "wrong_rep",
        "abst_recall",
        "false_abst",
        "faithful",
        "p50",
        "ms",
    ]
    # strict: z1 is right only in its text (no stated figure), so zh is z3 alone (1/3);
    # en is e1 (1/2); all 2/5. No item names its documents: no wrong-report answers.
    assert [line.split() for line in lines[1:]] == [
        ["zh", "3", "0.500", "0.500", "0.500", "0.667", "0.333", "0.000", "1.000", "0.000",
         "0.000", "30"],
        ["en", "2", "0.000", "1.000", "0.500", "0.500", "0.500", "0.000", "0.000", "0.000",
         "1.000", "35"],
        ["all", "5", "0.333", "0.667", "0.500", "0.600", "0.400", "0.000", "0.500", "0.000",
         "0.500", "30"],
    ]
    # Columns line up: every line has the same width.
    assert len({len(line) for line in lines}) == 1
