"""Shared fixtures: the real report, loaded and parsed once per session."""

from __future__ import annotations

import pytest

from corpus import load_document, parse_document
from reportqa.types import Document, Passage
from tests.corpus.helpers import REPORT


@pytest.fixture(scope="session")
def report_doc() -> Document:
    return load_document(REPORT)


@pytest.fixture(scope="session")
def report_passages(report_doc: Document) -> list[Passage]:
    return parse_document(report_doc)
