"""--min gates: parsing (usage errors) and checking (missed lines)."""

from __future__ import annotations

import pytest

from eval.thresholds import Threshold, check_thresholds, parse_threshold

METRICS = {
    "zh": {"answer_acc": 0.82, "hit@5": 0.9, "false_abst": 0.1},
    "en": {"answer_acc": 0.95, "hit@5": 0.8, "abst_precision": None},
    "all": {"answer_acc": 0.88, "latency_p95_ms": 812.3},
    "by_kind": {"table": {"answer_acc": 0.5}},
}


def test_parse() -> None:
    assert parse_threshold("zh.answer_acc=0.9") == Threshold("zh", "answer_acc", 0.9)
    assert parse_threshold("kind:table.hit@5=0.8") == Threshold("kind:table", "hit@5", 0.8)
    assert parse_threshold("all.latency_p95_ms=500").is_ceiling


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("zh.answer_acc", "KEY=VALUE"),
        ("answer_acc=0.9", "<group>.<metric>"),
        ("fr.answer_acc=0.9", "unknown group 'fr'"),
        ("kind:trivia.answer_acc=0.9", "unknown group 'kind:trivia'"),
        ("zh.accuracy=0.9", "unknown metric 'accuracy'"),
        ("zh.n=3", "unknown metric 'n'"),
        ("zh.answer_acc=high", "must be a number, got 'high'"),
    ],
)
def test_parse_errors(spec: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem.replace("<", ".").replace(">", ".")):
        parse_threshold(spec)


def check(*specs: str) -> list[str]:
    return check_thresholds(METRICS, [parse_threshold(s) for s in specs])


def test_all_met() -> None:
    assert check("zh.hit@5=0.9", "en.answer_acc=0.9", "zh.false_abst=0.1") == []


def test_missed_lines() -> None:
    assert check("zh.answer_acc=0.9", "en.hit@5=0.85", "all.answer_acc=0.8") == [
        "zh.answer_acc 0.82 < 0.90",
        "en.hit@5 0.80 < 0.85",
    ]


def test_kind_group_and_close_values_get_more_digits() -> None:
    assert check("kind:table.answer_acc=0.8") == ["kind:table.answer_acc 0.50 < 0.80"]
    # 0.82 vs 0.821 would both print as 0.82: more digits are shown.
    assert check("zh.answer_acc=0.821") == ["zh.answer_acc 0.8200 < 0.8210"]


def test_ceilings() -> None:
    assert check("zh.false_abst=0.05", "all.latency_p95_ms=500") == [
        "zh.false_abst 0.10 > 0.05",
        "all.latency_p95_ms 812.30 > 500.00",
    ]


def test_unmeasured_metric_misses() -> None:
    missed = check("en.abst_precision=0.5", "kind:list.answer_acc=0.5")
    assert [m.split(" ")[:2] for m in missed] == [
        ["en.abst_precision", "n/a"],
        ["kind:list.answer_acc", "n/a"],
    ]
