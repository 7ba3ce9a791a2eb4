"""Gold loading: good files load, bad lines are named by file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.gold import GoldError, load_gold

from .fakes import GOLD

ROOT = Path(__file__).resolve().parents[2]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_loads_dev_set() -> None:
    items = load_gold([ROOT / "eval" / "dev.jsonl"])
    assert len(items) == 34
    assert items[0].id == "d01" and items[0].evidence == ("1202.8",)
    assert items[0].source.endswith("dev.jsonl:1")
    assert sum(not i.answerable for i in items) == 6


def test_blank_lines_are_skipped_and_line_numbers_kept(tmp_path: Path) -> None:
    lines = [json.dumps(GOLD[0], ensure_ascii=False), "", json.dumps(GOLD[1])]
    items = load_gold([write(tmp_path / "g.jsonl", lines)])
    assert [(i.id, i.source.rsplit(":", 1)[1]) for i in items] == [("z1", "1"), ("e1", "3")]


def _with(**changes: object) -> str:
    obj = {**GOLD[0], **changes}
    return json.dumps({k: v for k, v in obj.items() if v is not ...}, ensure_ascii=False)


@pytest.mark.parametrize(
    ("bad_line", "problem"),
    [
        ('{"id": "x", "lang": "zh",', "bad JSON"),
        ('["not", "an", "object"]', "expected a JSON object, got list"),
        (_with(answer=...), "missing key(s) answer"),
        (_with(id=""), "id must be a non-empty string"),
        (_with(lang="fr"), "lang must be one of zh|en, got 'fr'"),
        (_with(kind="trivia"), "kind must be one of"),
        (_with(evidence="1202.8"), "evidence must be a list of strings, got '1202.8'"),
        (_with(answer=[12]), "answer must be a list of strings"),
        (_with(answer=[" "]), "answer contains an empty string"),
        (_with(kind="unanswerable"), "unanswerable item must have empty evidence"),
        (_with(evidence=[]), "figure item needs at least one evidence string"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path: Path, bad_line: str, problem: str) -> None:
    path = write(tmp_path / "g.jsonl", [json.dumps(GOLD[1]), "", bad_line])
    with pytest.raises(GoldError) as err:
        load_gold([path])
    msg = str(err.value)
    assert msg.startswith(f"{path}:3: ")
    assert problem in msg
    assert "\n" not in msg


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    a = write(tmp_path / "a.jsonl", [json.dumps(GOLD[0], ensure_ascii=False)])
    b = write(tmp_path / "b.jsonl", [json.dumps(GOLD[1]), json.dumps(GOLD[0], ensure_ascii=False)])
    with pytest.raises(GoldError, match="duplicate id 'z1'") as err:
        load_gold([a, b])
    assert str(err.value) == f"{b}:2: duplicate id 'z1' (first at {a}:1)"


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(GoldError, match="cannot read gold file"):
        load_gold([tmp_path / "missing.jsonl"])
    with pytest.raises(GoldError, match="no gold items"):
        load_gold([write(tmp_path / "empty.jsonl", [""])])


CONVERSATION = {"id": "c1", "lang": "zh", "turns": [
    {"question": "2022年芜湖市地区生产总值是多少？", "kind": "figure",
     "evidence": ["生产总值4502.13亿元"], "answer": ["4502.13亿元"], "docs": ["wuhu-2022-bulletin"]},
    {"question": "增长了多少？", "whole": "2022年芜湖市地区生产总值增长了多少？", "kind": "figure",
     "evidence": ["比上年增长4.1%"], "answer": ["4.1%"]},
    {"question": "望江呢？", "whole": "2022年望江县地区生产总值增长了多少？", "kind": "figure",
     "evidence": ["同比增长0.6%"], "answer": ["0.6%"]},
]}


def test_a_conversation_is_its_first_turn_its_follow_ups_and_their_whole_forms(
        tmp_path: Path) -> None:
    from eval.metrics import gold_file

    items = load_gold([write(tmp_path / "conv.jsonl", [json.dumps(CONVERSATION, ensure_ascii=False)])])
    parts = [(i.id, gold_file(i), i.history) for i in items]
    assert parts == [
        ("c1/1", "conv#first", ()),
        ("c1/2", "conv#followup", ("2022年芜湖市地区生产总值是多少？",)),
        ("c1/2/whole", "conv#whole", ()),
        ("c1/3", "conv#followup", ("2022年芜湖市地区生产总值是多少？", "增长了多少？")),
        ("c1/3/whole", "conv#whole", ()),
    ]
    assert items[2].question == "2022年芜湖市地区生产总值增长了多少？"
    assert all(i.lang == "zh" for i in items)


@pytest.mark.parametrize("turns", [[], [CONVERSATION["turns"][0]],
                                   [CONVERSATION["turns"][0], {**CONVERSATION["turns"][1],
                                                               "whole": ""}]])
def test_a_broken_conversation_names_its_line(tmp_path: Path, turns: list) -> None:
    line = json.dumps({**CONVERSATION, "turns": turns}, ensure_ascii=False)
    with pytest.raises(GoldError, match=r"conv\.jsonl:1"):
        load_gold([write(tmp_path / "conv.jsonl", [line])])
