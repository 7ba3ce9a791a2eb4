"""Loading documents (.txt, .md, .docx, .pdf, .html, .xlsx) as `Document`s.

All text is returned with ``\\n`` newlines so that offsets are the same on
every platform. A .docx is flattened in reading order: one paragraph per line,
and tables one cell per line with a tab in front, a blank line between rows
and two after the table (the layout `corpus.tables` reads, the same as the
report's .txt). A .pdf is read from its text layer; scanned PDFs are refused.
An .html page is parsed by lxml: its scripts, styles, navigation, header and
footer dropped, one line per block element, its tables laid out like a .docx's.
An .xlsx workbook is read by openpyxl: each sheet a heading line, then its rows
in the same table layout.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.decoding import decode_bytes
from corpus.errors import CorpusError
from corpus.structure import find_title, split_lines
from reportqa.paths import relative_to_root
from reportqa.types import Document

if TYPE_CHECKING:
    from docx.table import Table

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf", *HTML_SUFFIXES, ".xlsx")
MAX_ID_CHARS = 64
# Notes that sit beside the documents of a folder (where they came from, how to
# read them) are not documents; named on the command line, they still are.
NOTE_FILES = frozenset({"sources.md", "readme.md", "license.md", "notice.md"})


def iter_corpus_files(paths: list[Path]) -> list[Path]:
    """The supported files named by `paths`, directories expanded (recursively,
    sorted, hidden entries skipped), each file once, in the order given."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise CorpusError(f"{path}: no such file or directory; check the path")
        if path.is_dir():
            inside = _supported_in(path)
            if not inside:
                raise CorpusError(
                    f"{path}: directory has no {'/'.join(SUPPORTED_SUFFIXES)} files; "
                    "point at a folder with documents"
                )
            found.extend(inside)
        else:
            _check_suffix(path)
            found.append(path)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def load_document(path: Path) -> Document:
    """Read one file into a `Document` (id from the file name, title from its
    first line or lines, text with ``\\n`` newlines)."""
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise CorpusError(f"{path}: is a directory, not a document; use iter_corpus_files")
    suffix = _check_suffix(path)
    if path.stat().st_size == 0:
        raise CorpusError(f"{path}: is empty (0 bytes); add content or remove it from the corpus")
    if suffix in TEXT_SUFFIXES:
        text, encoding = decode_bytes(path.read_bytes(), str(path))
    elif suffix == ".docx":
        text, encoding = _read_docx(path), "docx"
    elif suffix in HTML_SUFFIXES:
        text, encoding = _read_html(path), "html"
    elif suffix == ".xlsx":
        text, encoding = _read_xlsx(path), "xlsx"
    else:
        text, encoding = _read_pdf(path), "pdf"
    text = normalise_newlines(text).removeprefix("\ufeff")
    if not text.strip():
        raise CorpusError(f"{path}: is empty (no text); add content or remove it from the corpus")
    title = find_title(split_lines(text)).text
    return Document(
        id=doc_id_from_stem(path.stem),
        title=title,
        path=relative_to_root(path),
        text=text,
        encoding=encoding,
    )


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def doc_id_from_stem(stem: str) -> str:
    """A short stable slug: "Yongchuan 2022_2023" -> "yongchuan-2022-2023".

    Letters of any script are kept (a Chinese file name stays readable); a
    name with none gets a hash.
    """
    slug = re.sub(r"[\W_]+", "-", stem.lower()).strip("-")[:MAX_ID_CHARS].strip("-")
    if slug:
        return slug
    return "doc-" + hashlib.sha1(stem.encode()).hexdigest()[:8]


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CorpusError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; "
            f"use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    return suffix


def _supported_in(folder: Path) -> list[Path]:
    files = (
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUPPORTED_SUFFIXES
        and p.name.lower() not in NOTE_FILES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix())


def _read_docx(path: Path) -> str:
    import docx  # python-docx; imported here so text-only use does not pay for it
    from docx.opc.exceptions import OpcError
    from docx.table import Table as DocxTable

    try:
        document = docx.Document(str(path))
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CorpusError(f"{path}: not a readable .docx ({exc}); re-save it from Word") from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, DocxTable):
            lines.extend(_table_lines(block))
        else:
            # A leading tab would read as a table cell.
            lines.append(block.text.lstrip("\t"))
    return "\n".join(lines)


def _table_lines(table: Table) -> list[str]:
    """A docx table as tab-indented cell lines. A merged cell is written once:
    a horizontal span is one ``<w:tc>``; the rows below a vertical span get an
    empty cell, as a blank cell of the .txt layout."""
    from docx.table import _Cell

    lines: list[str] = [""]
    for row in table.rows:
        for tc in row._tr.tc_lst:
            continued = tc.vMerge is not None and tc.vMerge != "restart"
            cell = _Cell(tc, table)
            paragraphs = [] if continued else [p.text.strip() for p in cell.paragraphs]
            lines.append("\t" + "\n".join(p for p in paragraphs if p))
        lines.append("")
    lines.append("")
    return lines


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise CorpusError(f"{path}: not a readable PDF ({exc}); re-export it as PDF") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise CorpusError(
            f"{path}: PDF has no text layer (scanned image?); run OCR or supply a .txt version"
        )
    return text


# Elements of a page that are not its text, and those that end a line.
_HTML_DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside",
              "form", "button", "select", "iframe", "svg", "head")
_HTML_BLOCKS = frozenset({"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4",
                          "h5", "h6", "li", "dt", "dd", "blockquote", "pre", "br", "hr", "tr",
                          "title", "center", "figcaption", "caption"})


def _read_html(path: Path) -> str:
    import lxml.html
    from lxml import etree

    raw = path.read_bytes()
    text = _html_text(raw, path)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise CorpusError(f"{path}: not a readable HTML page ({exc}); save it as .html or .txt") from exc
    title = (root.findtext(".//title") or "").strip()
    for bad in root.xpath("|".join(f"//{t}" for t in _HTML_DROP)):
        bad.drop_tree()
    lines: list[str] = []
    body = root.find("body")
    _html_lines(body if body is not None else root, lines)
    lines = _squeeze_blank(lines)
    if title and (not lines or lines[0].strip() != title):
        lines = [title, "", *lines]  # the page's title, unless its text begins with it
    return "\n".join(lines)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _html_text(raw: bytes, path: Path) -> str:
    """The page decoded by the charset it declares, else as any text file is."""
    m = _META_CHARSET.search(raw[:4096])
    if m:
        try:
            return _XML_DECLARATION.sub("", raw.decode(m.group(1).decode("ascii")))
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: detect instead
    text, _ = decode_bytes(raw, str(path))
    return _XML_DECLARATION.sub("", text)


def _html_lines(el, lines: list[str]) -> None:  # noqa: ANN001 - an lxml element
    """The text of `el` in reading order: a line per block, a table as cell lines."""
    if el.tag == "table":
        lines.append("")
        for tr in el.iter("tr"):
            for cell in tr:
                if cell.tag in ("td", "th"):
                    lines.append("\t" + " ".join(cell.text_content().split()))
            lines.append("")
        lines.append("")
        return
    block = el.tag in _HTML_BLOCKS
    if block:
        lines.append("")
    if el.text:
        _add_inline(lines, el.text)
    for child in el:
        if not isinstance(child.tag, str):  # a comment or processing instruction
            if child.tail:
                _add_inline(lines, child.tail)
            continue
        _html_lines(child, lines)
        if child.tail:
            _add_inline(lines, child.tail)
    if block:
        lines.append("")


def _add_inline(lines: list[str], text: str) -> None:
    text = re.sub(r"[ \t\r\n\u00a0\u3000]+", " ", text)
    if not text.strip():
        return
    if not lines or lines[-1] == "":
        lines.append(text.lstrip())
    else:
        lines[-1] += text


def _squeeze_blank(lines: list[str]) -> list[str]:
    """Lines stripped at the end, runs of blank lines kept only around tables."""
    out: list[str] = []
    for ln in lines:
        ln = ln.rstrip() if not ln.startswith("\t") else ln
        if ln == "" and out and out[-1] == "" and not (len(out) > 1 and out[-2].startswith("\t")):
            continue
        out.append(ln if ln.startswith("\t") else ln.strip())
    while out and out[0] == "":
        out.pop(0)
    return out


def _read_xlsx(path: Path) -> str:
    from openpyxl import load_workbook

    try:
        book = load_workbook(str(path), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise CorpusError(f"{path}: not a readable .xlsx ({exc}); re-save it from Excel") from exc
    lines: list[str] = []
    try:
        for sheet in book.worksheets:
            rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            rows = [r for r in rows if any(r)]
            if not rows:
                continue
            lines += [sheet.title, ""]
            width = max(len(r) for r in rows)
            keep = [j for j in range(width) if any(j < len(r) and r[j] for r in rows)]
            for r in rows:
                lines += ["\t" + (r[j] if j < len(r) else "") for j in keep]
                lines.append("")
            lines.append("")
    finally:
        book.close()
    return "\n".join(lines)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())
