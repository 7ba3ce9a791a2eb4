"""The corpus stage: documents in, passages out.

- `load_document(path)` reads a .txt/.md (encoding detected), .docx or .pdf.
- `parse_document(doc)` cuts it into `Passage`s: paragraphs chunked at
  sentence ends, 专栏 list items, and one passage per table row with its
  cells; every passage is an exact slice ``doc.text[start:end]``.
- `load_corpus(paths)` does both for every supported file under `paths`, and
  derives each document's `Profile` (place, kind, years; `corpus.profile`).

Table cells carry their column header; `cell_period(header, row_period)`
tells a target column ("预期目标") in a row of results from the results.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from corpus.errors import CorpusError
from corpus.loaders import SUPPORTED_SUFFIXES, iter_corpus_files, load_document
from corpus.parse import parse_document
from corpus.profile import Profile, profile_document
from corpus.structure import find_title, split_lines
from corpus.tables import cell_period, is_target_header
from reportqa.types import Document, Passage

__all__ = [
    "SUPPORTED_SUFFIXES",
    "CorpusError",
    "Profile",
    "cell_period",
    "is_target_header",
    "iter_corpus_files",
    "load_corpus",
    "load_document",
    "parse_document",
]


def load_corpus(paths: list[Path]) -> list[tuple[Document, list[Passage]]]:
    """Load and parse every supported file under `paths`.

    Raises CorpusError if two files would get the same document id.
    """
    corpus: list[tuple[Document, list[Passage]]] = []
    seen: dict[str, str] = {}
    for path in iter_corpus_files(list(paths)):
        doc = load_document(path)
        if doc.id in seen:
            raise CorpusError(
                f"{doc.path}: document id {doc.id!r} is already used by {seen[doc.id]}; "
                "rename one of the files"
            )
        seen[doc.id] = doc.path
        corpus.append(parse_with_profile(doc, path))
    return corpus


def parse_with_profile(doc: Document, source: Path | None = None) -> tuple[Document, list[Passage]]:
    """Parse `doc` and derive its profile (corrected by ``<name>.profile.json``
    beside `source`); the document carries the profile, the passages its periods."""
    passages = parse_document(doc)
    title = find_title(split_lines(doc.text)).text
    profile, passages = profile_document(doc, passages, title, source)
    return replace(doc, profile=profile), passages
