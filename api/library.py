"""The library, changed from the service: documents added and removed while
questions keep being answered.

A change (an upload, a deletion) is checked at once — an upload is parsed and
profiled before it is accepted — then queued. One worker thread applies what is
queued in one rebuild: `index.store.build_index` writes a sibling folder and
renames it into place (vectors of unchanged passages reused, so a new report
costs its own passages), then the served assistant is swapped for one over the
new index, sharing the loaded model. Until the swap every question is answered
from the old index; a failed build leaves it serving and says why in the status.

Uploaded files are kept in the library folder (`REPORTQA_LIBRARY`, default
``<index>/../library``); the index's manifest is the list of the library's
documents, so they survive a restart (`reportqa setup` rebuilds from it).
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportqa.paths import ROOT

if TYPE_CHECKING:
    from qa import Assistant

log = logging.getLogger(__name__)

_SAFE_NAME = re.compile(r"[^\w.\-\u3400-\u9fff]+")


class LibraryError(ValueError):
    """A change the library refuses; `status` is the HTTP status that says why."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Change:
    kind: str  # "add" | "delete"
    doc_id: str
    path: Path | None = None  # the uploaded file (add)


class Library:
    """The documents of the served index, and the queue of changes to them."""

    def __init__(self, index_dir: Path, folder: Path, current: Callable[[], Assistant],
                 swap: Callable[[Assistant], None]) -> None:
        self.index_dir = Path(index_dir)
        self.folder = Path(folder)
        self._current = current
        self._swap = swap
        self._lock = threading.Lock()
        self._queue: list[Change] = []
        self._wake = threading.Condition(self._lock)
        self._worker: threading.Thread | None = None
        self._state = "idle"
        self._last: dict[str, Any] | None = None
        self._building: list[Change] = []
        self._stopped = False

    # ---------------------------------------------------------------- changes

    def add(self, filename: str, data: bytes, replace: bool = False) -> dict[str, Any]:
        """Check an upload (type, text, profile) and queue it; `LibraryError` says why not."""
        from corpus import CorpusError, load_corpus
        from corpus.loaders import SUPPORTED_SUFFIXES, doc_id_from_stem

        name = _SAFE_NAME.sub("-", Path(filename or "").name).strip("-.")
        suffix = Path(name).suffix.lower()
        if not name or suffix not in SUPPORTED_SUFFIXES:
            raise LibraryError(f"unsupported file type {suffix or '(none)'!r}; upload one of "
                               f"{', '.join(SUPPORTED_SUFFIXES)}", 415)
        if not data:
            raise LibraryError(f"{name} is empty (0 bytes); upload a document with text")
        doc_id = doc_id_from_stem(Path(name).stem)
        with self._lock:
            exists = doc_id in self._documents_after()
        if exists and not replace:
            raise LibraryError(f"the library has a document {doc_id!r} already; send "
                               "replace=true to replace it, or rename the file", 409)
        # One folder per upload: the file keeps its name (its id), and a replacement
        # never overwrites the file the served index was built from.
        home = self.folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9:09d}"
        home.mkdir(parents=True)
        path = home / name
        path.write_bytes(data)
        try:
            (doc, passages), = load_corpus([path])
        except CorpusError as exc:
            shutil.rmtree(home, ignore_errors=True)
            raise LibraryError(str(exc).replace(str(path), name)) from None
        if not passages:
            shutil.rmtree(home, ignore_errors=True)
            raise LibraryError(f"{name} has no text to index; upload a document with text")
        with self._lock:
            self._queue.append(Change("add", doc_id, path))
            self._start()
            status = self._status()
        return {"id": doc_id, "title": doc.title,
                "profile": doc.profile.to_dict() if doc.profile else None, "status": status}

    def delete(self, doc_id: str) -> dict[str, Any]:
        with self._lock:
            if doc_id not in self._documents_after():
                raise LibraryError(f"no document {doc_id!r} in the library", 404)
            if len(self._documents_after()) <= 1:
                raise LibraryError("the library's last document cannot be deleted: add "
                                   "another first", 409)
            self._queue.append(Change("delete", doc_id))
            self._start()
            return {"id": doc_id, "status": self._status()}

    def status(self) -> dict[str, Any]:
        with self._lock:
            return self._status()

    def wait(self, timeout: float = 120.0) -> dict[str, Any]:
        """The status once nothing is queued or building (tests, scripts)."""
        end = time.monotonic() + timeout
        with self._lock:
            while (self._queue or self._state == "building") and time.monotonic() < end:
                self._wake.wait(min(0.2, max(0.0, end - time.monotonic())))
            return self._status()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._wake.notify_all()

    # ---------------------------------------------------------------- worker

    def _documents_after(self) -> dict[str, str]:
        """doc id → source path, as the library will be once the queue is applied."""
        docs = {d.id: d.path for d in self._current().documents.values()}
        for c in [*self._building, *self._queue]:
            if c.kind == "delete":
                docs.pop(c.doc_id, None)
            else:
                docs[c.doc_id] = str(c.path)
        return docs

    def _status(self) -> dict[str, Any]:
        return {"state": self._state, "queued": [{"kind": c.kind, "id": c.doc_id}
                                                 for c in self._queue],
                "building": [{"kind": c.kind, "id": c.doc_id} for c in self._building],
                "documents": len(self._current().documents), "last": self._last}

    def _start(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._run, name="reportqa-library",
                                            daemon=True)
            self._worker.start()
        self._wake.notify_all()

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._stopped or not self._queue:
                    self._wake.notify_all()
                    return
                self._building, self._queue = self._queue, []
                self._state = "building"
                changes = list(self._building)
            t0 = time.perf_counter()
            try:
                count = self._rebuild(changes)
                last = {"ok": True, "finished": time.time(), "documents": count,
                        "seconds": round(time.perf_counter() - t0, 2),
                        "applied": [{"kind": c.kind, "id": c.doc_id} for c in changes]}
            except Exception as exc:  # noqa: BLE001 - a failed build leaves the old index serving
                log.error("library rebuild failed: %s", exc)
                for c in changes:
                    if c.kind == "add" and c.path is not None:
                        shutil.rmtree(c.path.parent, ignore_errors=True)
                last = {"ok": False, "finished": time.time(),
                        "error": f"{type(exc).__name__}: {exc}",
                        "applied": [], "refused": [{"kind": c.kind, "id": c.doc_id}
                                                   for c in changes]}
            with self._lock:
                self._last, self._building = last, []
                self._state = "idle" if last["ok"] else "failed"
                self._wake.notify_all()

    def _rebuild(self, changes: list[Change]) -> int:
        from corpus import load_corpus
        from index.store import build_index, read_manifest
        from qa import Assistant

        current = self._current()
        sources = {d.id: _source(d.path) for d in current.documents.values()}
        for c in changes:
            if c.kind == "delete":
                sources.pop(c.doc_id, None)
            else:
                assert c.path is not None
                sources[c.doc_id] = c.path
        corpus = load_corpus(list(sources.values()))
        manifest = read_manifest(self.index_dir)
        # The served embedder (the model already loaded) embeds the new passages; the
        # build writes a sibling folder and renames it into place.
        build_index(corpus, current.embedder, self.index_dir,
                    faiss_kind=manifest.get("faiss", "flat"), reuse=[self.index_dir],
                    settings=manifest.get("settings"))
        self._swap(Assistant.over(self.index_dir, current.embedder,
                                  settings=getattr(current, "settings", None)))
        # Files of uploads the new index does not hold (deleted or replaced, or an upload
        # deleted again before it was built) go.
        kept = {p.resolve() for p in sources.values()}
        gone = [_source(d.path) for d in current.documents.values()]
        gone += [c.path for c in changes if c.path is not None]
        for old in (p.resolve() for p in gone):
            if old not in kept and self.folder.resolve() in old.parents:
                shutil.rmtree(old.parent, ignore_errors=True)
        return len(corpus)


def _source(path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() else ROOT / p
