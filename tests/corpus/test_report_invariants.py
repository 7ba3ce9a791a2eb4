"""Properties every passage of the real report must have."""

from __future__ import annotations

import re
import statistics
import time

from corpus import parse_document
from corpus.chunking import MAX_CHARS
from corpus.structure import heading_level, is_box_title, is_table_title
from reportqa import periods
from reportqa.types import Document, Passage

# Table rows are not cut (a row is one fact); the longest, 表2 row 3, has 334
# characters. With the context in front that stays under the embedding
# model's 512 tokens.
MAX_ROW_CHARS = 400


def test_every_passage_is_an_exact_slice(
    report_doc: Document, report_passages: list[Passage]
) -> None:
    for p in report_passages:
        assert report_doc.text[p.start : p.end] == p.text
        assert p.text == p.text.strip()
        assert p.doc_id == report_doc.id
        assert p.period == "" or periods.parse(p.period) is not None


def test_every_cell_is_an_exact_slice_inside_its_row(
    report_doc: Document, report_passages: list[Passage]
) -> None:
    cells = [(p, c) for p in report_passages for c in p.cells]
    # 表1: 6 rows of 5 cells, 1 of 4, 2 of 3 (blank cells omitted) = 40;
    # 表2: 18 x 4 = 72; 表3: 合计 4 + 16 x 5 = 84.
    assert len(cells) == 40 + 72 + 84
    for p, c in cells:
        assert report_doc.text[c.start : c.end] == c.text
        assert c.text and c.header
        assert p.start <= c.start < c.end <= p.end


def test_passages_are_in_order_and_disjoint(report_passages: list[Passage]) -> None:
    for a, b in zip(report_passages, report_passages[1:], strict=False):
        assert a.end <= b.start


def test_no_text_is_lost(report_doc: Document, report_passages: list[Passage]) -> None:
    """Every non-blank line outside the passages is a title, heading, box or
    table title, a table header or a table's group label."""
    covered = bytearray(len(report_doc.text))
    for p in report_passages:
        covered[p.start : p.end] = b"\x01" * (p.end - p.start)
    headers = {
        "序号",
        "主要指标",
        "预期目标",
        "完成情况",
        "总量",
        "增速（%）",
        "项目名称",
        "计划任务",
        "类别",
        "个数",
        "总投资",
        "（亿元）",
        "年度计划投资",
        "按投资来源分类",
        "按投资用途分类",
    }
    title = {"关于重庆市永川区2022年国民经济和社会", "发展计划执行情况及2023年计划草案的报告"}
    uncovered: list[str] = []
    pos = 0
    for line in report_doc.text.split("\n"):
        if line.strip() and not any(covered[pos : pos + len(line)]):
            uncovered.append(line.strip())
        pos += len(line) + 1
    for line in uncovered:
        structural = heading_level(line) is not None or is_box_title(line) or is_table_title(line)
        assert structural or line in headers or line in title, line
    # 3 parts, 18 （N） headings, 3 table titles, 11 boxes, 2 title lines, and
    # header lines 表1 6 + 表2 4 + 表3 7 ("（亿元）" twice) + 2 group labels.
    assert len(uncovered) == 3 + 18 + 3 + 11 + 2 + 6 + 4 + 7 + 2


def test_no_passage_is_a_bare_heading(report_passages: list[Passage]) -> None:
    for p in report_passages:
        first_line = p.text.split("\n")[0]
        assert heading_level(first_line) is None, p.text
        assert not is_box_title(first_line) and not is_table_title(first_line), p.text


def test_passage_lengths(report_passages: list[Passage]) -> None:
    prose = [len(p.text) for p in report_passages if p.kind != "table_row"]
    rows = [len(p.text) for p in report_passages if p.kind == "table_row"]
    assert max(prose) <= MAX_CHARS
    assert max(rows) <= MAX_ROW_CHARS
    # The 700-character paragraphs are cut: half the prose passages lie in
    # 100..200 characters.
    assert 100 <= statistics.median(prose) <= 200


def test_numbers_and_quotes_are_never_cut(
    report_doc: Document, report_passages: list[Passage]
) -> None:
    bounds = {p.start for p in report_passages} | {p.end for p in report_passages}
    for m in re.finditer(r"\d+(?:\.\d+)?%?", report_doc.text):
        assert not any(m.start() < b < m.end() for b in bounds), m.group(0)
    for m in re.finditer(r"“[^”\n]*”|（[^）\n]*）|《[^》\n]*》", report_doc.text):
        assert not any(m.start() < b < m.end() for b in bounds), m.group(0)
    # The GDP growth figure stays whole, in one passage.
    assert any("全年地区生产总值增长3.5%" in p.text for p in report_passages)


def test_long_paragraphs_are_cut_at_sentence_ends(report_passages: list[Passage]) -> None:
    chunks = [p for p in report_passages if p.kind != "table_row"]
    # All prose passages end a sentence, except one clause of the 390-character
    # single sentence of （二）总体要求, cut at a comma.
    not_sentence_end = [p.text for p in chunks if p.text[-1] not in "。！；"]
    assert len(not_sentence_end) == 1
    assert not_sentence_end[0].startswith("2023年，要坚持以习近平新时代中国特色社会主义思想为指导")
    assert not_sentence_end[0].endswith("完整、准确、全面贯彻新发展理念，")


def test_ids_stable_unique_and_deterministic(
    report_doc: Document, report_passages: list[Passage]
) -> None:
    again = parse_document(report_doc)
    assert again == report_passages
    ids = [p.id for p in report_passages]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("yongchuan-2022-2023:") for i in ids)


def test_parsing_is_fast(report_doc: Document) -> None:
    t0 = time.perf_counter()
    parse_document(report_doc)
    assert time.perf_counter() - t0 < 0.5
