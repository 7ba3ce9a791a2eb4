"""Parsing a document into passages: the retrieval units, with provenance.

Rules:

- A passage's `text` is always ``doc.text[start:end]``; whitespace is dropped
  by moving the offsets, never by editing the text.
- Headings (``一、`` ``（一）`` ``1.`` ``专栏N：`` ``表N：`` and markdown ``#``) are
  never passages; they make up `section`, which goes into `context`.
- A paragraph longer than `MAX_CHARS` is cut at sentence ends (see
  `corpus.chunking`); its lead sentence or label goes into the context of
  every later chunk.
- Every paragraph inside a ``专栏`` box is a "list_item". A box ends at two
  blank lines in a row or at the next heading.
- A table row is one "table_row" passage with its cells (see `corpus.tables`).
  A "备注"/"注：" line right after a table belongs to the table's section.
- A short line that does not end like a sentence (an author line, "各位代表：")
  is joined to the paragraph after it rather than left as a near-empty passage.
- Page chrome, date and source lines (`reportqa/lang/metadata_lines.tsv`) are
  not passages.
- `period` comes from the innermost heading that names a year ("一、2022年……
  执行情况" -> "2022-actual", "表3：2023年……" -> "2023-target"); lines
  addressed to the delegates ("各位代表……") and the front matter have period
  "" and section "", and the document title as context.
- `context` is the section path (the title when there is none), then, joined
  by " | ", the paragraph's lead for later chunks, or a table's column headers.
"""

from __future__ import annotations

from corpus.chunking import Span, chunk_spans, lead_of, trim
from corpus.structure import (
    Line,
    ends_like_sentence,
    find_title,
    heading_level,
    heading_text,
    is_box_title,
    is_structural,
    is_table_title,
    period_of_heading,
    split_lines,
)
from corpus.tables import Table, build_table, read_column_table, read_table
from reportqa.lang import is_metadata_line
from reportqa.types import Document, Passage, TableCell, passage_id

SECTION_SEP = " / "
CONTEXT_SEP = " | "
# A line shorter than this that does not end like a sentence is joined to the
# next paragraph ("重庆市永川区发展和改革委员会", "各位代表：").
SHORT_LINE_CHARS = 20
# An untitled run of tab-indented lines is a table only if its header cells
# are this short on average (headers are words; indented paragraphs are not).
MAX_HEADER_CELL_CHARS = 30
ADDRESS_PREFIX = "各位代表"
NOTE_PREFIXES = ("备注", "注：", "注:")


def parse_document(doc: Document) -> list[Passage]:
    """The passages of `doc`, in document order. Deterministic."""
    return _Parser(doc).run()


class _Parser:
    """One pass over the lines, keeping the heading path it is under."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.lines: list[Line] = split_lines(doc.text)
        self.title = find_title(self.lines)
        self.headings: list[tuple[int, str]] = []
        self.box = ""  # the 专栏/表 title the current lines sit in
        self.table_outline: list[str] = []  # outline of the table just ended, for its 备注
        self.glue: tuple[int, int] | None = None  # short lines waiting for a paragraph
        self.passages: list[Passage] = []

    def run(self) -> list[Passage]:
        skip = set(self.title.line_indexes)
        i, blank_run = 0, 0
        while i < len(self.lines):
            line = self.lines[i]
            if i in skip or is_metadata_line(line.text):
                i += 1
            elif line.is_blank and self._table_at(i) is None:
                blank_run += 1
                if blank_run == 2:
                    self._close_box()
                i += 1
            else:
                blank_run = 0
                i = self._line(i)
        self._flush_glue()
        return self.passages

    def _line(self, i: int) -> int:
        """Handle the non-blank line `i`; return the index of the next line."""
        line = self.lines[i]
        text = line.stripped
        table = self._table_at(i)
        if table is not None:
            self._flush_glue()
            self._table(build_table(self.text, table[0]))
            return table[1]
        column_table = read_column_table(self.text, self.lines, i) \
            if is_table_title(self.box) else None
        if column_table is not None:
            self._flush_glue()
            self._table(column_table[0])
            return column_table[1]
        if is_box_title(text) or is_table_title(text):
            self._flush_glue()
            self.box, self.table_outline = text, []
            return i + 1
        level = heading_level(text)
        if level is not None:
            self._flush_glue()
            while self.headings and self.headings[-1][0] >= level:
                self.headings.pop()
            self.headings.append((level, heading_text(text)))
            self.box, self.table_outline = "", []
            return i + 1
        return self._paragraph(i)

    # -- outline ---------------------------------------------------------

    def _outline(self) -> list[str]:
        return [h for _, h in self.headings] + ([self.box] if self.box else [])

    def _close_box(self) -> None:
        self._flush_glue()
        self.box = ""

    # -- tables ----------------------------------------------------------

    def _table_at(self, i: int) -> tuple[list[list[Span]], int] | None:
        """The raw rows of a table starting on line `i` and the line after it,
        or None. After a "表N：" title any tab-indented run is a table;
        without one, only a run whose first row looks like column headers."""
        line = self.lines[i]
        if not line.is_indented_cell or is_box_title(line.text):
            return None
        raw_rows, after = read_table(self.text, self.lines, i)
        if not raw_rows or not any(e > s for s, e in raw_rows[0]):
            return None
        if is_table_title(self.box):
            return raw_rows, after
        header = raw_rows[0]
        chars = sum(e - s for s, e in header)
        if len(header) >= 2 and chars / len(header) <= MAX_HEADER_CELL_CHARS:
            return raw_rows, after
        return None

    def _table(self, table: Table) -> None:
        outline = self._outline()
        period = _period_of(outline)
        for row in table.rows:
            row_section = SECTION_SEP.join(outline + ([row.group] if row.group else []))
            context = CONTEXT_SEP.join([row_section or self.title.text, *table.headers])
            self._add(row.start, row.end, "table_row", row_section, period, context, row.cells)
        self.table_outline = outline
        if is_table_title(self.box):
            self.box = ""

    # -- paragraphs ------------------------------------------------------

    def _paragraph(self, i: int) -> int:
        """One paragraph: this line, plus the lines it wraps onto (a line that
        does not end like a sentence continues on the next one)."""
        j = i
        while j + 1 < len(self.lines) and self._continues(self.lines[j], self.lines[j + 1]):
            j += 1
        start, end = trim(self.text, self.lines[i].start, self.lines[j].end)
        block = self.text[start:end]
        if len(block) < SHORT_LINE_CHARS and not ends_like_sentence(block):
            self.glue = (self.glue[0] if self.glue else start, end)
            return j + 1
        if self.glue is not None:
            start, self.glue = self.glue[0], None
        self._emit_paragraph(start, end)
        return j + 1

    def _continues(self, line: Line, nxt: Line) -> bool:
        return not (
            nxt.is_blank
            or nxt.is_indented_cell
            or is_structural(nxt.text)
            or ends_like_sentence(line.text)
            or line.text.rstrip().endswith(("：", ":"))
        )

    def _emit_paragraph(self, start: int, end: int) -> None:
        block = self.text[start:end]
        if self.table_outline and block.startswith(NOTE_PREFIXES):
            outline = self.table_outline
        elif block.startswith(ADDRESS_PREFIX):
            outline = []
        else:
            outline = self._outline()
        section, period = SECTION_SEP.join(outline), _period_of(outline)
        self.table_outline = []
        kind = "list_item" if is_box_title(self.box) else "paragraph"
        lead = lead_of(self.text[start:end])
        base = section or self.title.text
        for k, (s, e) in enumerate(chunk_spans(self.text, start, end)):
            context = CONTEXT_SEP.join([base, lead]) if k and lead else base
            self._add(s, e, kind, section, period, context)

    def _flush_glue(self) -> None:
        """A short line with no paragraph after it stands alone after all."""
        if self.glue is not None:
            glue, self.glue = self.glue, None
            self._emit_paragraph(*glue)

    def _add(
        self,
        start: int,
        end: int,
        kind: str,
        section: str,
        period: str,
        context: str,
        cells: tuple[TableCell, ...] = (),
    ) -> None:
        text = self.text[start:end]
        self.passages.append(
            Passage(
                id=passage_id(self.doc.id, start, end, text),
                doc_id=self.doc.id,
                section=section,
                period=period,
                start=start,
                end=end,
                text=text,
                kind=kind,
                context=context,
                cells=cells,
            )
        )


def _period_of(outline: list[str]) -> str:
    """The period named by the innermost heading that names one, else ""."""
    for heading in reversed(outline):
        period = period_of_heading(heading)
        if period is not None:
            return period
    return ""
