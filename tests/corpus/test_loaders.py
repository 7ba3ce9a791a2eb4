"""Loading .txt (any encoding), .md, .docx and .pdf files, and refusing bad ones."""

from __future__ import annotations

import codecs
from pathlib import Path

import docx
import pytest

from corpus import CorpusError, iter_corpus_files, load_corpus, load_document, parse_document
from corpus.loaders import doc_id_from_stem
from tests.corpus.helpers import REPORT, minimal_pdf

SNIPPET = (
    "关于重庆市永川区2022年国民经济和社会\n\n"
    "发展计划执行情况及2023年计划草案的报告\n"
    "全年地区生产总值增长3.5%；粮食产量达到47.6万吨。\n"
)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- text files ----------------------------------------------------------------


def test_report_loads_as_utf8(report_doc) -> None:  # type: ignore[no-untyped-def]
    assert report_doc.text == REPORT.read_text(encoding="utf-8")
    assert report_doc.chars == len(report_doc.text)


def test_gb18030_copy_decodes_identically(tmp_path: Path) -> None:
    utf8 = load_document(write(tmp_path / "a.txt", SNIPPET.encode("utf-8")))
    gb = load_document(write(tmp_path / "b.txt", SNIPPET.encode("gb18030")))
    assert gb.text == utf8.text == SNIPPET
    assert gb.encoding == "gb18030"
    assert (
        gb.title
        == utf8.title
        == "关于重庆市永川区2022年国民经济和社会发展计划执行情况及2023年计划草案的报告"
    )


def test_gbk_copy_decodes(tmp_path: Path) -> None:
    gbk = load_document(write(tmp_path / "gbk.txt", SNIPPET.encode("gbk")))
    assert gbk.text == SNIPPET


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    d = load_document(write(tmp_path / "bom.txt", codecs.BOM_UTF8 + SNIPPET.encode("utf-8")))
    assert d.text == SNIPPET
    assert d.encoding == "utf-8-sig"


def test_utf16_with_bom(tmp_path: Path) -> None:
    d = load_document(write(tmp_path / "u16.txt", SNIPPET.encode("utf-16")))
    assert d.text == SNIPPET


def test_crlf_and_cr_become_lf(tmp_path: Path) -> None:
    d = load_document(write(tmp_path / "crlf.txt", "标题\r\n第一段。\r第二段。\r\n".encode()))
    assert d.text == "标题\n第一段。\n第二段。\n"
    # Offsets stay exact after normalisation.
    for p in parse_document(d):
        assert d.text[p.start : p.end] == p.text


def test_markdown(tmp_path: Path) -> None:
    md = "# Yongchuan Report\n\n## 2022 results\n\nGDP grew 3.5% in 2022.\n"
    d = load_document(write(tmp_path / "Yongchuan Report.md", md.encode()))
    assert (d.id, d.title, d.encoding) == ("yongchuan-report", "Yongchuan Report", "utf-8")
    [p] = parse_document(d)
    assert (p.text, p.section, p.period) == (
        "GDP grew 3.5% in 2022.",
        "2022 results",
        "2022-actual",
    )


def test_path_outside_repository_is_absolute(tmp_path: Path) -> None:
    d = load_document(write(tmp_path / "a.txt", SNIPPET.encode()))
    assert d.path == str((tmp_path / "a.txt").resolve())


@pytest.mark.parametrize(
    ("stem", "slug"),
    [
        ("yongchuan-2022-2023", "yongchuan-2022-2023"),
        ("Yongchuan 2022_2023 (final)", "yongchuan-2022-2023-final"),
        ("永川区报告", "永川区报告"),
    ],
)
def test_doc_id_slug(stem: str, slug: str) -> None:
    assert doc_id_from_stem(stem) == slug


def test_doc_id_of_punctuation_only_name_is_a_hash() -> None:
    assert doc_id_from_stem("---").startswith("doc-")
    assert doc_id_from_stem("---") == doc_id_from_stem("---")


# -- .docx and .pdf ------------------------------------------------------------


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("关于某区2022年工作情况的报告")
    document.add_paragraph("一、2022年计划执行情况")
    document.add_paragraph("全年地区生产总值增长3.5%。")
    document.add_paragraph("表1：主要指标")
    table = document.add_table(rows=3, cols=3)
    values = [("指标", "目标", "完成"), ("地区生产总值", "7%", "3.5%"), ("合计", "", "9")]
    for row, row_values in zip(table.rows, values, strict=True):
        for cell, value in zip(row.cells, row_values, strict=True):
            cell.text = value
    table.rows[2].cells[0].merge(table.rows[2].cells[1])  # "合计" spans two columns
    document.add_paragraph("表后的正文段落。")
    document.save(str(path))
    return path


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    d = load_document(make_docx(tmp_path / "report.docx"))
    assert d.encoding == "docx"
    assert d.title == "关于某区2022年工作情况的报告"
    assert d.text == (
        "关于某区2022年工作情况的报告\n一、2022年计划执行情况\n全年地区生产总值增长3.5%。\n表1：主要指标\n"
        "\n\t指标\n\t目标\n\t完成\n\n\t地区生产总值\n\t7%\n\t3.5%\n\n\t合计\n\t9\n\n\n"
        "表后的正文段落。"
    )
    passages = parse_document(d)
    assert [p.kind for p in passages] == ["paragraph", "table_row", "table_row", "paragraph"]
    gdp, total = passages[1], passages[2]
    assert [(c.header, c.text) for c in gdp.cells] == [
        ("指标", "地区生产总值"),
        ("目标", "7%"),
        ("完成", "3.5%"),
    ]
    # The merged cell is written once; the row is right-aligned under the headers.
    assert [(c.header, c.text) for c in total.cells] == [("目标", "合计"), ("完成", "9")]
    assert passages[3].section == "一、2022年计划执行情况"


def test_pdf_text_layer(tmp_path: Path) -> None:
    stream = b"BT /F1 12 Tf 72 720 Td (Annual Report) Tj 0 -20 Td (GDP grew 3.5% in 2022.) Tj ET"
    d = load_document(write(tmp_path / "report.pdf", minimal_pdf(stream)))
    assert d.encoding == "pdf"
    assert d.text == "Annual Report\nGDP grew 3.5% in 2022."
    assert d.title == "Annual Report"
    [p] = parse_document(d)
    assert p.text == "GDP grew 3.5% in 2022."


# -- bad input -------------------------------------------------------------------


def assert_refused(path: Path, words: str) -> None:
    with pytest.raises(CorpusError) as err:
        load_document(path)
    message = str(err.value)
    assert path.name in message
    assert words in message
    assert "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    assert_refused(tmp_path / "nope.txt", "no such file")


def test_unsupported_extension(tmp_path: Path) -> None:
    assert_refused(write(tmp_path / "data.csv", b"a,b\n1,2\n"), "unsupported file type '.csv'")


def test_empty_and_whitespace_only(tmp_path: Path) -> None:
    assert_refused(write(tmp_path / "empty.txt", b""), "is empty")
    assert_refused(write(tmp_path / "blank.md", b"  \n\n\t \r\n"), "is empty")
    assert_refused(write(tmp_path / "empty.pdf", b""), "is empty")


def test_binary_named_txt(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
    assert_refused(write(tmp_path / "image.txt", png), "binary")
    controls = bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 20 + b"text"
    assert_refused(write(tmp_path / "controls.txt", controls), "binary")


def test_undecodable_bytes(tmp_path: Path) -> None:
    # Invalid UTF-8 and GB18030 (0x80 and 0xFF never start a GB18030
    # character), and too chaotic for charset-normalizer to guess.
    assert_refused(
        write(tmp_path / "garbled.txt", bytes(range(0x80, 0x100)) * 2), "not valid UTF-8"
    )


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    scanned = minimal_pdf(b"0 0 1 rg 100 100 200 200 re f")
    assert_refused(write(tmp_path / "scan.pdf", scanned), "no text layer")


def test_corrupt_pdf_and_docx(tmp_path: Path) -> None:
    assert_refused(write(tmp_path / "broken.pdf", b"%PDF-1.4\n1 0 obj\n<<"), "not a readable PDF")
    assert_refused(write(tmp_path / "broken.docx", b"not a zip archive"), "not a readable .docx")


# -- folders -------------------------------------------------------------------


def test_iter_corpus_files_expands_sorted_supported(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("b.txt", "a.md", "sub/c.pdf", "notes.csv", ".hidden/x.txt", "sub/.d.txt"):
        (tmp_path / name).write_bytes(b"x")
    found = iter_corpus_files([tmp_path, tmp_path / "b.txt"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.md", "b.txt", "sub/c.pdf"]


def test_iter_corpus_files_refuses(tmp_path: Path) -> None:
    (tmp_path / "only.csv").write_bytes(b"x")
    with pytest.raises(CorpusError, match=tmp_path.name + ".*no .txt/.md/.docx/.pdf/.html/.htm/.xlsx files"):
        iter_corpus_files([tmp_path])
    with pytest.raises(CorpusError, match="missing"):
        iter_corpus_files([tmp_path / "missing"])
    with pytest.raises(CorpusError, match=r"only\.csv.*unsupported"):
        iter_corpus_files([tmp_path / "only.csv"])


def test_load_corpus_pairs_documents_with_passages(tmp_path: Path) -> None:
    write(tmp_path / "one.txt", SNIPPET.encode())
    write(tmp_path / "two.txt", SNIPPET.encode("gb18030"))
    corpus = load_corpus([tmp_path])
    assert [d.id for d, _ in corpus] == ["one", "two"]
    assert [[p.text for p in ps] for _, ps in corpus] == [
        ["全年地区生产总值增长3.5%；粮食产量达到47.6万吨。"]
    ] * 2


def test_load_corpus_refuses_duplicate_ids(tmp_path: Path) -> None:
    write(tmp_path / "same.txt", SNIPPET.encode())
    write(tmp_path / "same.md", SNIPPET.encode())
    with pytest.raises(CorpusError, match="already used"):
        load_corpus([tmp_path])


def _page(report: Path, charset: str) -> bytes:
    lines = [ln.strip() for ln in report.read_text(encoding="utf-8").splitlines() if ln.strip()]
    body = "".join(f"<p>{ln}</p>" for ln in lines[1:])
    html = (f'<html><head><meta charset="{charset}"><title>{lines[0]}</title>'
            "<style>p{margin:0}</style></head><body><nav>首页 &gt; 统计数据</nav>"
            f"<h1>{lines[0]}</h1>{body}<table><tr><th>指标</th><th>数值</th></tr>"
            "<tr><td>生产总值（亿元）</td><td>4502.13</td></tr></table>"
            "<footer>主办单位</footer></body></html>")
    return html.encode(charset)


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_an_html_page_reads_as_its_text(tmp_path: Path, charset: str) -> None:
    """A real report as a web page: the text, a line per paragraph, the table's cells as
    a .docx table's, the page's navigation, style and footer gone; the declared charset."""
    report = REPORT.parent / "reports" / "wuhu-2022-bulletin.txt"
    path = write(tmp_path / "wuhu-page.html", _page(report, charset))
    (doc, passages), = load_corpus([path])
    assert doc.title == "2022年芜湖市国民经济和社会发展统计公报"
    assert "全年全市实现生产总值4502.13亿元" in doc.text
    assert "\t生产总值（亿元）\n\t4502.13" in doc.text
    assert not any(w in doc.text for w in ("首页", "主办单位", "margin"))
    assert doc.profile is not None and doc.profile.place.name == "芜湖市"


def test_a_workbook_reads_as_tables(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "主要指标"
    sheet.append(["指标", "2022年", None, "增长%"])
    sheet.append(["粮食产量（万吨）", 47.6, None, 1.2])
    sheet.append([None, None, None, None])
    book.save(tmp_path / "table.xlsx")
    doc = load_document(tmp_path / "table.xlsx")
    assert doc.text.startswith("主要指标\n\n\t指标\n\t2022年\n\t增长%\n\n\t粮食产量（万吨）\n\t47.6\n\t1.2")
    with pytest.raises(CorpusError, match="not a readable .xlsx"):
        load_document(write(tmp_path / "bad.xlsx", b"PK not really"))
