"""Loading documents (.txt, .md, .docx, .pdf) as `Document`s.

All text is returned with ``\\n`` newlines so that offsets are the same on
every platform. A .docx is flattened in reading order: one paragraph per line,
and tables one cell per line with a tab in front, a blank line between rows
and two after the table (the layout `corpus.tables` reads, the same as the
report's .txt). A .pdf is read from its text layer; scanned PDFs are refused.
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
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf")
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
