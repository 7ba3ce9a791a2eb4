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
