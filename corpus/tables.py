"""Tables laid out one cell per line, as the report's text (and the .docx
loader) writes them::

    \\t序号            <- first row: the column headers
    \\t完成情况
    (blank)          <- a blank line followed by a tab line starts a new row
    \\t               <- a lone tab is an empty cell
    \\t总量            <- second header row: sub-headers under a spanning header
    ...
    \\t与经济增长
    (blank)
    基本同步           <- a line without a tab continues the cell above it
    (blank)
    (blank)          <- two blank lines end the table

Header scheme: a column's header is its header cell with wrapped lines joined
("总投资\\n\\n（亿元）" -> "总投资（亿元）"); a sub-header is prefixed with the
header it sits under, joined by "·" ("完成情况·总量"). Empty cells are
omitted from a row (the header says which column a cell is in). A row with
fewer cells than columns is right-aligned: its first cell spans the leading
columns and takes the header of the last one it spans (表3's "合计" -> "类别").
A row with a single cell under a multi-column header is a group label
("按投资来源分类") for the rows below it, not a row of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.chunking import Span, trim
from corpus.structure import Line, is_structural, join_wrapped
from reportqa import lang
from reportqa.types import TableCell

SUBHEADER_SEP = "·"
# Column headers whose cells state what was planned rather than achieved.
TARGET_HEADER_WORDS = ("预期", "目标", "计划", "target", "plan", "goal")


@dataclass(frozen=True)
class TableRow:
    """One data row: its non-empty cells and the group label it sits under."""

    group: str
    cells: tuple[TableCell, ...]

    @property
    def start(self) -> int:
        return self.cells[0].start

    @property
    def end(self) -> int:
        return self.cells[-1].end


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[TableRow, ...]


def read_table(text: str, lines: list[Line], first: int) -> tuple[list[list[Span]], int]:
    """The raw rows (cell spans, empty cells as zero-width spans) of the table
    whose first cell is on line `first`, and the index of the line after it."""
    rows: list[list[list[int]]] = []
    blank_run, last = 0, first
    j = first
    while j < len(lines):
        line = lines[j]
        if line.is_indented_cell:  # first: a lone tab is an empty cell, not a blank line
            if not rows or blank_run:
                rows.append([])
            s, e = trim(text, line.start, line.end)
            rows[-1].append([s, e] if e > s else [line.end, line.end])
            blank_run, last = 0, j
        elif line.is_blank:
            blank_run += 1
            if blank_run >= 2:
                break
        elif rows and not is_structural(line.text):
            cell = rows[-1][-1]
            s, e = trim(text, line.start, line.end)
            if cell[0] == cell[1]:
                cell[0] = s
            cell[1] = e
            blank_run, last = 0, j
        else:
            break
        j += 1
    return [[(c[0], c[1]) for c in row] for row in rows], last + 1


# A web page's table, one cell per line without tabs, after its 表N title:
#     单位:万元 / 指标名称 / 按现行价格计算 / 比上年 ±% / 地区生产总值 / 2728738.78 / 4.0 / …
# (each cell a line of its own, blank lines between): the header cells run to the
# first value; then each row is a label and up to one value per value column.
_VALUE_LINE = re.compile(r"^[-+－−]?\d[\d,，]*(?:\.\d+)?\s*[%‰]?$")
_UNIT_LINE = lang.pattern("table_unit_line")  # 单位:万元
MAX_CELL_CHARS = 30  # a longer line is prose: the table has ended
MIN_COLUMN_ROWS = 2


def read_column_table(text: str, lines: list[Line], first: int) -> tuple[Table, int] | None:
    """The table written one cell per line (no tabs) from line `first` — after its
    title — and the index of the line after it; None when the lines are no such
    table (fewer than two header cells, or rows that do not fit them)."""
    cells: list[int] = []  # indexes of the non-blank lines that may be cells
    j, blanks = first, 0
    while j < len(lines):
        line = lines[j]
        if line.is_blank:
            blanks += 1
            if blanks > 2:
                break
        else:
            t = line.stripped
            if line.is_indented_cell or is_structural(t) or len(t) > MAX_CELL_CHARS:
                break
            cells.append(j)
            blanks = 0
        j += 1
    unit = ""
    if cells and (m := _UNIT_LINE.match(lines[cells[0]].stripped)):
        unit, cells = m.group(1), cells[1:]

    def is_value(k: int) -> bool:
        return bool(_VALUE_LINE.match(lines[cells[k]].stripped))

    n_head = next((k for k in range(len(cells)) if is_value(k)), len(cells)) - 1
    if n_head < 2:  # the last non-value before the first value is the first row's label
        return None
    headers = [lines[cells[0]].stripped] + [_column_header(lines[cells[k]].stripped, unit)
                                            for k in range(1, n_head)]
    n_values = n_head - 1
    rows: list[TableRow] = []
    k, end = n_head, None
    while k < len(cells) and not is_value(k):
        values = 0
        while values < n_values and k + 1 + values < len(cells) and is_value(k + 1 + values):
            values += 1
        if not values:
            break
        row = [lines[cells[x]] for x in range(k, k + 1 + values)]
        rows.append(TableRow("", tuple(
            TableCell(h, ln.stripped, *trim(text, ln.start, ln.end))
            for h, ln in zip(headers, row, strict=False))))
        end = cells[k + values]
        k += 1 + values
    if len(rows) < MIN_COLUMN_ROWS or end is None:
        return None
    return Table(tuple(headers), tuple(rows)), end + 1


def _column_header(header: str, unit: str) -> str:
    """A header with its unit in brackets, as the row readers expect: "比上年 ±%" →
    "比上年（%）"; a value column with no unit of its own takes the table's (万元)."""
    if re.search(r"[(（][^)）]*[)）]\s*$", header):
        return header
    if re.search(r"[%‰]\s*$", header):
        mark = header.rstrip()[-1]
        return re.sub(r"[\s±+-]*[%‰]\s*$", "", header) + f"（{mark}）"
    return f"{header}（{unit}）" if unit else header


def build_table(text: str, raw_rows: list[list[Span]]) -> Table:
    """Headers from the first row (and a sub-header row), then the data rows."""
    if not raw_rows:
        return Table((), ())
    top = [_label(text, span) for span in raw_rows[0]]
    body = raw_rows[1:]
    headers = top
    if body and _is_subheader_row([_label(text, span) for span in body[0]]):
        headers = _compose_headers(top, [_label(text, span) for span in body[0]])
        body = body[1:]
    rows: list[TableRow] = []
    group = ""
    for raw in body:
        filled = [span for span in raw if span[1] > span[0]]
        if not filled:
            continue
        if len(raw) == 1 and len(headers) > 2:
            group = _label(text, raw[0])
            continue
        names = _headers_for(len(raw), headers)
        cells = tuple(
            TableCell(name, text[s:e], s, e)
            for name, (s, e) in zip(names, raw, strict=True)
            if e > s
        )
        rows.append(TableRow(group, cells))
    return Table(tuple(headers), tuple(rows))


def is_target_header(header: str) -> bool:
    """Does a column hold targets/plans ("预期目标", "计划任务", "年度计划投资")?"""
    lowered = header.lower()
    return any(word in lowered for word in TARGET_HEADER_WORDS)


def cell_period(header: str, row_period: str) -> str:
    """The period a cell speaks of: the row's, except that a target column in
    a row of results holds that year's target (表1 "预期目标" -> "2022-target")."""
    if row_period.endswith("-actual") and is_target_header(header):
        return row_period.replace("-actual", "-target")
    return row_period


def _label(text: str, span: Span) -> str:
    return join_wrapped(text[span[0] : span[1]].split("\n"))


def _is_subheader_row(labels: list[str]) -> bool:
    """A second header row has blank cells (under the headers that span both
    rows) and words, not figures, in the others."""
    filled = [x for x in labels if x]
    return (
        bool(filled)
        and len(filled) < len(labels)
        and not any(ch.isdigit() for x in filled for ch in x)
    )


def _compose_headers(top: list[str], sub: list[str]) -> list[str]:
    """Each blank sub-cell takes the next top header; each run of sub-headers
    sits under the next top header ("完成情况" over "总量", "增速（%）")."""
    headers: list[str] = []
    k, parent, in_run = 0, "", False
    for label in sub:
        if not label or not in_run:
            parent = top[k] if k < len(top) else ""
            k += 1
        if not label:
            headers.append(parent)
            in_run = False
        else:
            headers.append(f"{parent}{SUBHEADER_SEP}{label}" if parent else label)
            in_run = True
    return headers


def _headers_for(n_cells: int, headers: list[str]) -> list[str]:
    n_cols = len(headers)
    if n_cells >= n_cols:
        return headers + [""] * (n_cells - n_cols)
    return headers[n_cols - n_cells :]
