"""Gold question sets: one JSON object a line, validated where they enter.

A line looks like::

    {"id": "d01", "lang": "zh", "kind": "figure", "question": "…",
     "evidence": ["1202.8"], "answer": ["1202.8"], "docs": ["yongchuan-2022-2023"]}

`docs` is optional: the ids of the documents that hold the answer. When it is
absent and the id starts with a document's id (``suining-2021-plan-03``), the
harness takes that document.

`evidence` are strings that must appear in the retrieved passages, `answer`
strings that must appear in the answer or its figures. Unanswerable items have
neither. Any problem is reported as ``file:line: problem`` so that a person can
go straight to it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

LANGS: tuple[str, ...] = ("zh", "en")
KINDS: tuple[str, ...] = (
    "figure",
    "target",
    "table",
    "compare",
    "list",
    "fact",
    "unanswerable",
)
UNANSWERABLE = "unanswerable"
_REQUIRED = ("id", "lang", "kind", "question", "evidence", "answer")


class GoldError(ValueError):
    """A gold file that cannot be used; the message names ``file:line``."""


@dataclass(frozen=True)
class GoldItem:
    """One question with what a correct run must retrieve and answer."""

    id: str
    lang: str
    kind: str
    question: str
    evidence: tuple[str, ...]
    answer: tuple[str, ...]
    source: str = ""  # "file:line", for error messages and the report
    # The ids of the documents that hold the answer (optional): an answer cited
    # only from other documents is a wrong-report answer.
    docs: tuple[str, ...] = ()
    # A conversation's turn: the questions asked before it, oldest first.
    history: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        return self.kind != UNANSWERABLE

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["evidence"] = list(self.evidence)
        d["answer"] = list(self.answer)
        d["docs"] = list(self.docs)
        d["history"] = list(self.history)
        return d


def load_gold(paths: Iterable[str | Path]) -> list[GoldItem]:
    """Read and validate gold JSONL files; ids must be unique across all of them."""
    items: list[GoldItem] = []
    seen: dict[str, str] = {}  # id -> "file:line" where it first appeared
    for path in paths:
        for item in _load_file(Path(path)):
            if item.id in seen:
                raise GoldError(
                    f"{item.source}: duplicate id {item.id!r} (first at {seen[item.id]})"
                )
            seen[item.id] = item.source
            items.append(item)
    if not items:
        raise GoldError("no gold items in the given files")
    return items


def _load_file(path: Path) -> list[GoldItem]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read gold file: {exc}") from exc
    items = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{where}: bad JSON: {exc}") from exc
        if isinstance(obj, dict) and "turns" in obj:
            items.extend(parse_conversation(obj, f"{path}", lineno))
        else:
            items.append(parse_item(obj, where))
    return items


# The parts of a conversation file, each scored as a gold file of its own:
# first turns, follow-ups asked after them, and the follow-ups asked whole.
FIRST, FOLLOWUP, WHOLE = "#first", "#followup", "#whole"


def parse_conversation(obj: dict[str, Any], path: str, lineno: int) -> list[GoldItem]:
    """A conversation line, ``{"id", "lang", "turns": [{question, kind, evidence,
    answer, docs?, whole?}, …]}``, as gold items: its first turn; each later turn
    asked after the ones before it; and each later turn's `whole` (the follow-up
    written out as a stand-alone question) asked alone."""
    where = f"{path}:{lineno}"
    turns = obj.get("turns")
    if not isinstance(turns, list) or len(turns) < 2:
        raise GoldError(f"{where}: turns must be a list of at least two turns")
    if not isinstance(obj.get("id"), str) or not obj["id"].strip():
        raise GoldError(f"{where}: id must be a non-empty string")
    items: list[GoldItem] = []
    asked: list[str] = []
    for n, turn in enumerate(turns, 1):
        if not isinstance(turn, dict):
            raise GoldError(f"{where}: turn {n} must be an object")
        base = {"lang": obj.get("lang"), **turn, "id": f"{obj['id']}/{n}"}
        if n == 1:
            items.append(parse_item(base, f"{path}{FIRST}:{lineno}"))
        else:
            if not isinstance(turn.get("whole"), str) or not turn["whole"].strip():
                raise GoldError(f"{where}: turn {n} needs \"whole\", the follow-up asked whole")
            item = parse_item(base, f"{path}{FOLLOWUP}:{lineno}")
            items.append(replace(item, history=tuple(asked)))
            items.append(parse_item({**base, "id": f"{obj['id']}/{n}/whole",
                                     "question": turn["whole"]}, f"{path}{WHOLE}:{lineno}"))
        asked.append(turn.get("question", ""))
    return items


def parse_item(obj: Any, where: str = "<gold>") -> GoldItem:
    """Validate one decoded line; `where` prefixes every error message."""
    if not isinstance(obj, dict):
        raise GoldError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    missing = [k for k in _REQUIRED if k not in obj]
    if missing:
        raise GoldError(f"{where}: missing key(s) {', '.join(missing)}")
    for key in ("id", "question"):
        if not isinstance(obj[key], str) or not obj[key].strip():
            raise GoldError(f"{where}: {key} must be a non-empty string, got {obj[key]!r}")
    if obj["lang"] not in LANGS:
        raise GoldError(f"{where}: lang must be one of {'|'.join(LANGS)}, got {obj['lang']!r}")
    if obj["kind"] not in KINDS:
        raise GoldError(f"{where}: kind must be one of {'|'.join(KINDS)}, got {obj['kind']!r}")
    evidence = _strings(obj, "evidence", where)
    answer = _strings(obj, "answer", where)
    docs = _strings(obj, "docs", where) if "docs" in obj else ()
    if obj["kind"] == UNANSWERABLE:
        for key, values in (("evidence", evidence), ("answer", answer)):
            if values:
                raise GoldError(f"{where}: unanswerable item must have empty {key}, got {values}")
    else:
        for key, values in (("evidence", evidence), ("answer", answer)):
            if not values:
                raise GoldError(f"{where}: {obj['kind']} item needs at least one {key} string")
    return GoldItem(
        id=obj["id"],
        lang=obj["lang"],
        kind=obj["kind"],
        question=obj["question"],
        evidence=evidence,
        answer=answer,
        source=where,
        docs=docs,
    )


def _strings(obj: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = obj[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise GoldError(f"{where}: {key} must be a list of strings, got {value!r}")
    # A string that is empty once whitespace is gone would match anything.
    if any(not "".join(v.split()) for v in value):
        raise GoldError(f"{where}: {key} contains an empty string: {value!r}")
    return tuple(value)
