"""Periods as data: a year (or a span of years) and a kind.

A period travels as its label, ``"2022-actual"``, ``"2024-target"``,
``"2023-estimate"`` or ``"2016-2020-actual"`` (a multi-year review), and ``""``
when a passage is tied to no year. The label is the form the answer JSON has
always had; `Period` is its structure (``period_info`` in the JSON).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

KINDS = ("result", "target", "estimate")
# The label's word for each kind: "actual" is what the JSON has always said.
_LABEL_WORD = {"result": "actual", "target": "target", "estimate": "estimate"}
_KIND_OF_WORD = {v: k for k, v in _LABEL_WORD.items()}
_LABEL = re.compile(r"^(\d{4})(?:-(\d{4}))?-(actual|target|estimate)$")


@dataclass(frozen=True, order=True)
class Period:
    start: int
    end: int
    kind: str  # result | target | estimate

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"period kind must be one of {KINDS}, got {self.kind!r}")
        if self.end < self.start:
            raise ValueError(f"period ends before it starts: {self.start}-{self.end}")

    @property
    def label(self) -> str:
        years = str(self.start) if self.start == self.end else f"{self.start}-{self.end}"
        return f"{years}-{_LABEL_WORD[self.kind]}"

    def covers(self, year: int) -> bool:
        return self.start <= year <= self.end

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "start": self.start, "end": self.end, "kind": self.kind}

    def describe(self, lang: str) -> str:
        """"2022年完成情况" / "2022 result"."""
        if lang == "zh":
            years = f"{self.start}年" if self.start == self.end else f"{self.start}—{self.end}年"
            return years + {"result": "完成情况", "target": "目标", "estimate": "预计"}[self.kind]
        years = str(self.start) if self.start == self.end else f"{self.start}–{self.end}"
        return f"{years} {self.kind}"


def label(year: int, kind: str) -> str:
    return Period(year, year, kind).label


def parse(text: str) -> Period | None:
    """The period a label names, or None for "" and anything else."""
    m = _LABEL.match(text or "")
    if not m:
        return None
    start = int(m.group(1))
    end = int(m.group(2)) if m.group(2) else start
    return Period(start, end, _KIND_OF_WORD[m.group(3)])


def info(text: str) -> dict[str, Any] | None:
    """The structured form of a label for the JSON (None when it names no period)."""
    p = parse(text)
    return p.to_dict() if p else None


def kind_of(text: str) -> str:
    p = parse(text)
    return p.kind if p else ""


def year_of(text: str) -> int | None:
    """The (last) year a label names."""
    p = parse(text)
    return p.end if p else None


def answers(stated: str, asked: str) -> bool:
    """Whether a figure of period `stated` answers a question about `asked`: the same
    period, or an estimate of the result asked for (预计全年… in a report written before
    the year's statistics were out)."""
    if stated == asked:
        return True
    s, a = parse(stated), parse(asked)
    if s is None or a is None or (s.start, s.end) != (a.start, a.end):
        return False
    return {s.kind, a.kind} == {"estimate", "result"}  # an estimate is the year's result


def describe(text: str, lang: str) -> str:
    p = parse(text)
    if p is None:
        return "报告" if lang == "zh" else "report"
    return p.describe(lang)
