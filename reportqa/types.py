"""The small dataclasses the stages exchange.

Every object that points into a document carries `start`/`end` character
offsets into that document's text, so that any claim can be checked against
the source: ``document.text[start:end] == text``.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from reportqa import periods as _periods

if TYPE_CHECKING:
    from corpus.profile import Profile

# A passage's or figure's `period` is a label of `reportqa.periods`
# ("2022-actual", "2024-target", "2023-estimate", "2016-2020-actual"), or ""
# when the report ties it to no year (its title, a closing remark).

Lang = Literal["zh", "en"]


@dataclass(frozen=True)
class Document:
    """A source document, decoded to text once; offsets index into `text`."""

    id: str
    title: str
    path: str  # relative to the repository root when inside it
    text: str
    encoding: str = "utf-8"
    profile: Profile | None = None  # derived at index time (corpus.profile)

    @property
    def chars(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class TableCell:
    """One cell of a table row, with the column header it sits under."""

    header: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """A retrievable slice of a document: ``document.text[start:end] == text``.

    `context` is what is put in front of `text` when indexing (the section
    path, and for table rows the table title and column headers); it is never
    part of a citation.
    """

    id: str
    doc_id: str
    section: str
    period: str
    start: int
    end: int
    text: str
    kind: str = "paragraph"  # paragraph | table_row | list_item | heading
    context: str = ""
    cells: tuple[TableCell, ...] = ()

    def indexed_text(self) -> str:
        """The text that the retrievers see: context first, then the slice."""
        return f"{self.context}\n{self.text}" if self.context else self.text

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "doc_id": self.doc_id,
            "section": self.section,
            "period": self.period,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "context": self.context,
            "cells": [asdict(c) for c in self.cells],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Passage:
        cells = tuple(TableCell(**c) for c in d.get("cells", ()))
        return cls(
            id=d["id"],
            doc_id=d["doc_id"],
            section=d["section"],
            period=d["period"],
            start=d["start"],
            end=d["end"],
            text=d["text"],
            kind=d.get("kind", "paragraph"),
            context=d.get("context", ""),
            cells=cells,
        )


def passage_id(doc_id: str, start: int, end: int, text: str) -> str:
    """A stable id: the hash of the source and the content (and where it is)."""
    h = hashlib.sha1(f"{doc_id}\x00{start}\x00{end}\x00{text}".encode()).hexdigest()
    return f"{doc_id}:{h[:12]}"


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its score from one retriever (or a fusion)."""

    passage: Passage
    score: float
    source: str = ""  # "bm25", "dense", "hybrid", ...


@dataclass(frozen=True)
class Figure:
    """A number as the report states it, and what it measures.

    `text` is verbatim: ``document.text[start:end] == text``.
    """

    text: str
    value: float
    unit: str
    label: str
    label_en: str
    period: str
    kind: str  # total | growth | target | count | share | ratio | rank | other
    start: int
    end: int
    citation: int = -1  # index into Answer.citations
    qualifier: str = ""  # 以上 / 左右 / 余 / 超 / 突破 / 近 ...
    text_en: str = ""  # the figure rendered for English readers

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["period_info"] = _periods.info(self.period)
        return d


@dataclass(frozen=True)
class Citation:
    """A passage that supports an answer; `quote_*` delimit the sentence."""

    doc_id: str
    section: str
    text: str
    start: int
    end: int
    quote_start: int
    quote_end: int
    score: float
    passage_id: str = ""
    period: str = ""
    doc_title: str = ""  # the report's title (or its place and year when it has none)
    # Whether the answer rests on it (its sentence quoted, or a figure in it), or it is
    # one more passage the retrieval found on the topic.
    supports: bool = True
    # A table row's cells under their column headers ({header, text, start, end};
    # offsets in the document, like the citation's), and its table's title.
    cells: list[dict[str, Any]] = field(default_factory=list)
    table: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["period_info"] = _periods.info(self.period)
        return d


@dataclass
class Answer:
    """What a person gets back. `to_dict()` is the public JSON contract."""

    question: str
    lang: str
    answer: str
    abstained: bool
    figures: list[Figure] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    timing_ms: dict[str, float] = field(default_factory=dict)
    id: str | None = None
    # The report(s) the answer comes from: {doc_id, title, place, year, kind}.
    reports: list[dict[str, Any]] = field(default_factory=list)
    # What the assistant assumed to answer (no place named: the best report).
    assumed: str = ""
    # The question as it was read, when that differs from `question` (the words as
    # asked): traditional characters in simplified ones, markup taken off.
    understood: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        if self.id is not None:
            d["id"] = self.id
        d.update(
            question=self.question,
            lang=self.lang,
            answer=self.answer,
            abstained=self.abstained,
            figures=[f.to_dict() for f in self.figures],
            citations=[c.to_dict() for c in self.citations],
            timing_ms={k: round(v, 3) for k, v in self.timing_ms.items()},
            reports=self.reports,
            assumed=self.assumed,
            understood=self.understood or self.question,
        )
        return d
