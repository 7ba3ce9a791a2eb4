"""An index is a folder of plain files, built atomically and checked on load.

    DIR/manifest.json     model, vector size, normalisation, checksums, format
    DIR/faiss.index       FAISS index over L2-normalised vectors (inner product)
    DIR/passages.jsonl    one Passage per line, in FAISS id order
    DIR/documents.jsonl   the source documents' text (citations are checked against it)
    DIR/bm25/             bm25s arrays (.npy) and vocabulary (.json), jieba tokens

A build writes everything into a temporary sibling folder, syncs it to disk and
renames it into place, so a failed or interrupted build leaves the previous
index untouched. One build at a time writes a folder (`.DIR.lock` beside it);
a build killed between its two renames is finished by the next build or load
(`recover`), and what dead builds left behind is removed. No pickle anywhere.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.embed import Embedder
from index import termbase
from index.segment import INDEX_TOKENS, Segmenter, userdict_checksum
from reportqa import __version__
from reportqa.lang import checksum as lang_checksum
from reportqa.paths import ROOT, model_label
from reportqa.types import Document, Passage

# 2: documents carry their profile (place, kind, years); periods are any year's.
FORMAT_VERSION = 2
FILES = ("manifest.json", "faiss.index", "passages.jsonl", "documents.jsonl", "bm25")
FAISS_KINDS = ("flat", "hnsw", "ivf")
log = logging.getLogger(__name__)


class IndexStoreError(RuntimeError):
    """The index cannot be used; the message is one line that says what to run."""


def import_bm25s():  # noqa: ANN201 - the bm25s module
    """bm25s sets its logger to DEBUG at import; put it back under the app's config."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.NOTSET)
    return bm25s


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def corpus_checksum(docs: Sequence[Document]) -> str:
    h = hashlib.sha256()
    for d in sorted(docs, key=lambda d: d.id):
        h.update(d.id.encode() + b"\0" + hashlib.sha256(d.text.encode()).digest())
    return h.hexdigest()


def make_faiss_index(vectors: np.ndarray, kind: str = "flat"):  # noqa: ANN201
    """Inner product over normalised vectors; HNSW or IVF for large corpora."""
    import faiss

    n, dim = vectors.shape
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 64
    elif kind == "ivf":
        nlist = max(1, min(4096, int(np.sqrt(max(n, 1)))))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.nprobe = max(1, nlist // 8)
    else:
        raise ValueError(f"faiss kind must be one of {FAISS_KINDS}, got {kind!r}")
    index.add(vectors)
    return index


@dataclass
class IndexBundle:
    """Everything a retriever needs, loaded from one index folder."""

    path: Path
    manifest: dict[str, Any]
    passages: list[Passage]
    documents: dict[str, Document]
    faiss: Any
    bm25: Any
    # The saved term base (index/termbase.py); None for an index built before it.
    termbase: termbase.TermBase | None = None

    @property
    def model(self) -> str:
        return str(self.manifest["model"])


def _write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def build_index(
    corpus: Sequence[tuple[Document, list[Passage]]],
    embedder: Embedder,
    out: Path,
    faiss_kind: str = "flat",
    progress: bool = False,
    segmenter: Segmenter | None = None,
    reuse: Sequence[Path] = (),
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Embed, index and write `corpus` to `out` atomically; returns the manifest.

    `settings`: the answering settings this index is to be read with, what differs
    from the defaults (qa.settings.Settings.changed); kept in the manifest.

    A passage whose text the index at `out` (or one in `reuse`) already holds,
    embedded by the same model files and backend, keeps that vector: adding one
    report to a library embeds that report's passages, not the library's."""
    if faiss_kind not in FAISS_KINDS:
        raise ValueError(f"faiss kind must be one of {FAISS_KINDS}, got {faiss_kind!r}")
    docs = [d for d, _ in corpus]
    passages = [p for _, ps in corpus for p in ps]
    if not passages:
        raise IndexStoreError("the corpus has no passages to index: add a document with text")
    out = Path(out).resolve()
    # Where the index goes is checked, locked and cleared of dead builds' leftovers
    # before the minutes of embedding, not after them.
    with build_lock(out):
        recover(out, locked=True)
        tmp = _writable_tmp(out)
        try:
            return _build_into(tmp, out, docs, passages, embedder, faiss_kind, progress,
                               segmenter or Segmenter(), [out, *map(Path, reuse)],
                               dict(settings or {}))
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def _build_into(tmp: Path, out: Path, docs: Sequence[Document], passages: Sequence[Passage],
                embedder: Embedder, faiss_kind: str, progress: bool,
                segmenter: Segmenter, reuse: Sequence[Path],
                settings: dict[str, Any]) -> dict[str, Any]:
    import faiss

    bm25s = import_bm25s()
    t0 = time.perf_counter()
    embedder.warm_up()
    # A stand-in embedder (tests, other backends) without one never reuses vectors.
    fingerprint = getattr(embedder, "fingerprint", lambda: None)()
    texts = [p.indexed_text() for p in passages]
    known = _known_vectors(reuse, embedder, fingerprint)
    keys = [_text_key(t) for t in texts]
    todo = [i for i, k in enumerate(keys) if k not in known]
    fresh = embedder.encode_passages([texts[i] for i in todo], progress=progress) if todo else None
    dim = fresh.shape[1] if fresh is not None else next(iter(known.values())).shape[0]
    vectors = np.empty((len(texts), dim), dtype=np.float32)
    for i, k in enumerate(keys):
        if k in known:
            vectors[i] = known[k]
    if fresh is not None:
        vectors[todo] = fresh
    t_embed = time.perf_counter() - t0
    bm25 = bm25s.BM25()
    bm25.index([segmenter.for_search(p.indexed_text()) or ["\u2205"] for p in passages], show_progress=False)
    faiss.write_index(make_faiss_index(vectors, faiss_kind), str(tmp / "faiss.index"))
    bm25.save(str(tmp / "bm25"), show_progress=False)
    t_terms = time.perf_counter()
    terms = termbase.for_corpus(passages, docs, segmenter)
    terms.save(tmp / termbase.FILE)
    t_terms = time.perf_counter() - t_terms
    _write_jsonl(tmp / "passages.jsonl", [p.to_dict() for p in passages])
    _write_jsonl(tmp / "documents.jsonl", [
        {"id": d.id, "title": d.title, "path": d.path, "encoding": d.encoding, "text": d.text,
         "profile": d.profile.to_dict() if d.profile else None}
        for d in docs
    ])
    manifest = {
        "format_version": FORMAT_VERSION,
        "reportqa_version": __version__,
        "model": embedder.name,
        # Passages and queries of one index are embedded by one backend (see load_index).
        "backend": getattr(embedder, "backend", "torch"),
        "dim": int(vectors.shape[1]),
        # The model files and backend the vectors came from (Embedder.fingerprint): a
        # later build reuses a passage's vector only under the same one.
        "model_fingerprint": fingerprint,
        "normalized": True,
        "metric": "inner_product",
        "faiss": faiss_kind,
        "passages": len(passages),
        "bm25": {"tokenizer": INDEX_TOKENS, "userdict_sha256": userdict_checksum()},
        # profiles, periods, tables and the term base are derived with the genre's data
        "lang_sha256": lang_checksum(),
        # English for the corpus's own words (index/termbase.py), by where it came from.
        "termbase": {"file": termbase.FILE, "terms": len(terms), "sources": terms.counts(),
                     "dictionary": termbase.CEDICT_CREDIT, "seconds": round(t_terms, 3)},
        "corpus_checksum": corpus_checksum(docs),
        "documents": [
            {"id": d.id, "title": d.title, "path": d.path, "chars": d.chars,
             "sha256": _source_checksum(d), **_profile_summary(d)}
            for d in docs
        ],
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": {"embed": round(t_embed, 3),
                          "total": round(time.perf_counter() - t0, 3)},
        "embedded": {"passages": len(todo), "reused": len(texts) - len(todo)},
        # What the index is answered with where it differs from the defaults (qa.settings).
        "settings": settings,
    }
    manifest["files"] = file_table(tmp)
    # The manifest goes last: a folder with one is complete (see `recover`).
    _sync_tree(tmp)
    (tmp / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _fsync(tmp / "manifest.json")
    _fsync(tmp)
    _swap_into_place(tmp, out)
    return manifest


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _known_vectors(folders: Sequence[Path], embedder: Embedder,
                   fingerprint: str | None) -> dict[str, np.ndarray]:
    """The vectors of the passages of the index folders in `folders` that were
    embedded under `fingerprint`, by their text's hash; a folder that is missing,
    unreadable, corrupt or of other model files gives none (its passages are
    embedded again, never trusted)."""
    known: dict[str, np.ndarray] = {}
    if fingerprint is None:
        return known
    for folder in folders:
        try:
            if read_manifest(folder).get("model_fingerprint") != fingerprint:
                continue
            old = load_index(folder, verify_corpus=False,
                             backend=getattr(embedder, "backend", "torch"))
            vectors = all_vectors(old.faiss)
        except (IndexStoreError, OSError, RuntimeError, ValueError) as exc:
            log.info("not reusing the vectors of %s (%s)", folder, exc)
            continue
        for p, v in zip(old.passages, vectors):
            known.setdefault(_text_key(p.indexed_text()), v)
    return known


def all_vectors(index: Any) -> np.ndarray:
    """Every vector of a FAISS index, in id order (an IVF index gets its direct map)."""
    try:
        return index.reconstruct_n(0, index.ntotal)
    except RuntimeError:  # an IVF index keeps no direct map until asked
        import faiss

        faiss.extract_index_ivf(index).make_direct_map()
        return index.reconstruct_n(0, index.ntotal)


def _profile_summary(doc: Document) -> dict[str, Any]:
    """What `reportqa info` shows of a document's profile."""
    p = doc.profile
    if p is None:
        return {}
    return {"place": p.place.name if p.place else "", "kind": p.kind,
            "result_year": p.result_year, "target_year": p.target_year,
            "periods": list(p.periods)}


def _source_checksum(doc: Document) -> str:
    """Checksum of the source file's bytes, so a changed file is noticed on load."""
    path = Path(doc.path) if os.path.isabs(doc.path) else ROOT / doc.path
    return sha256_file(path) if path.is_file() else ""


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Replace `out` by `tmp` with renames only; the old index goes last.

    Killed between the two renames, both complete copies are left beside `out`
    and `recover` puts the newer one in place."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}-{time.time_ns()}")
        out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        if old is not None:
            old.rename(out)
        raise
    _fsync(out.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold the one lock that lets a process write the index folder `out`.

    The lock is `flock` on `.OUT.lock` beside the folder: the kernel drops it when
    the holder dies, so a killed build never leaves the folder locked."""
    lock = out.with_name(f".{out.name}.lock")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _unwritable(out, exc) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            raise IndexStoreError(f"another build is writing {out}: wait for it to finish, "
                                  "or choose another --out") from exc
        yield
    finally:
        os.close(fd)


def recover(out: Path, locked: bool = False) -> None:
    """Finish what a killed build left: put the newest complete copy in place when
    `out` is missing, and remove dead builds' folders.

    A copy is complete when it has a manifest (written last, after every other file
    is on disk). Without `locked`, it runs only when `out` is missing and no build
    holds the lock (a reader never races a running build)."""
    out = Path(out).resolve()
    if not locked:
        if out.exists() or not out.parent.is_dir():
            return
        try:
            with build_lock(out):
                recover(out, locked=True)
        except IndexStoreError:
            pass  # a build is running, or the folder is read-only: nothing to finish here
        return
    leftovers = sorted(out.parent.glob(f".{out.name}.building-*")) + \
        sorted(out.parent.glob(f".{out.name}.old-*"))
    if not out.exists():
        complete = [d for d in leftovers if (d / "manifest.json").is_file()]
        if complete:
            newest = max(complete, key=lambda d: (d / "manifest.json").stat().st_mtime_ns)
            newest.rename(out)
            _fsync(out.parent)
            log.warning("restored the index at %s from an interrupted build", out)
    for d in leftovers:
        if d.exists():
            shutil.rmtree(d, ignore_errors=True)


def _writable_tmp(out: Path) -> Path:
    """The build's temporary sibling folder; a folder we cannot write is one line."""
    try:
        return Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    except OSError as exc:
        raise _unwritable(out, exc) from exc


def _unwritable(out: Path, exc: OSError) -> IndexStoreError:
    return IndexStoreError(f"cannot write beside {out} ({exc.strerror or exc}): "
                           "choose a writable folder with --out")


def _fsync(path: Path) -> None:
    """Flush a file's or a folder's entries to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_tree(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            _fsync(Path(folder) / name)
        _fsync(Path(folder))


def read_manifest(path: Path) -> dict[str, Any]:
    mf = path / "manifest.json"
    if not path.is_dir() or not mf.is_file():
        raise IndexStoreError(f"no index at {path}: run `reportqa index`")
    try:
        manifest = json.loads(mf.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise IndexStoreError(f"{mf} is unreadable ({exc}): run `reportqa index`") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("dim"), int):
        raise IndexStoreError(f"{mf} is not an index manifest: run `reportqa index`")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexStoreError(
            f"index at {path} has format {manifest.get('format_version')}, this version reads "
            f"{FORMAT_VERSION}: run `reportqa index` to rebuild it")
    return manifest


def check_corpus(manifest: dict[str, Any], path: Path) -> None:
    """A source file that changed since the build makes the index stale."""
    for doc in manifest.get("documents", []):
        src = Path(doc["path"]) if os.path.isabs(doc["path"]) else ROOT / doc["path"]
        if doc.get("sha256") and src.is_file() and sha256_file(src) != doc["sha256"]:
            raise IndexStoreError(
                f"{doc['path']} changed since the index at {path} was built: run `reportqa index`")


def check_model(path: Path, manifest: dict[str, Any], model: str) -> None:
    """Queries must be embedded by the model that embedded the index's passages."""
    if not _same_model(model, manifest["model"]):
        raise IndexStoreError(
            f"index at {path} was built with model {manifest['model']}, not {model}: "
            f"run `reportqa index --model {model}`")


def check_backend(path: Path, manifest: dict[str, Any], backend: str) -> None:
    """Queries must be embedded by the backend that embedded the index's passages."""
    built_by = manifest.get("backend", "torch")  # indexes before the onnx backend: torch
    if backend != built_by:
        raise IndexStoreError(
            f"index at {path} was embedded by the {built_by} backend, not {backend}: run "
            f"`reportqa index` with REPORTQA_BACKEND={backend}, or set REPORTQA_BACKEND={built_by}")


def load_index(path: Path, model: str | None = None, dim: int | None = None,
               verify_corpus: bool = True, backend: str | None = None) -> IndexBundle:
    """Load and check an index folder; every problem is one `IndexStoreError` line."""
    import faiss

    bm25s = import_bm25s()
    path = Path(path)
    recover(path)
    manifest = read_manifest(path)
    for name in FILES:
        if not (path / name).exists():
            raise IndexStoreError(f"index at {path} is missing {name}: run `reportqa index`")
    _check_sizes(path, manifest)
    if model is not None:
        check_model(path, manifest, model)
    if backend is not None:
        check_backend(path, manifest, backend)
    if dim is not None and dim != manifest["dim"]:
        raise IndexStoreError(
            f"index at {path} has {manifest['dim']}-d vectors but the model gives {dim}: "
            "run `reportqa index` with this model")
    if verify_corpus:
        check_corpus(manifest, path)
        # BM25 tokens depend on the jieba dictionary: a changed one makes them stale.
        bm25_info = manifest.get("bm25", {})
        if bm25_info.get("tokenizer", INDEX_TOKENS) != INDEX_TOKENS:
            raise IndexStoreError(
                f"the index at {path} holds {bm25_info['tokenizer']} tokens, this version "
                f"indexes {INDEX_TOKENS}: run `reportqa index`")
        lang_sum = manifest.get("lang_sha256")
        if lang_sum is not None and lang_sum != lang_checksum():
            raise IndexStoreError(
                f"the genre's data files (reportqa/lang) changed since the index at {path} was "
                "built: run `reportqa setup` (or `reportqa index`) to derive it again")
        built_with = bm25_info.get("userdict_sha256")
        if built_with is not None and built_with != userdict_checksum():
            raise IndexStoreError(
                f"the jieba user dictionary changed since the index at {path} was built: "
                "run `reportqa index`")
    from corpus.profile import Profile

    index = _reading(path / "faiss.index", lambda p: faiss.read_index(str(p)))
    passages = _reading(path / "passages.jsonl",
                        lambda p: [Passage.from_dict(d) for d in _read_jsonl(p)])
    if index.d != manifest["dim"] or index.ntotal != len(passages):
        raise IndexStoreError(
            f"index at {path} is inconsistent ({index.ntotal} vectors of {index.d}-d, "
            f"{len(passages)} passages): run `reportqa index`")
    documents = _reading(path / "documents.jsonl", lambda p: {
        d["id"]: Document(id=d["id"], title=d["title"], path=d["path"], text=d["text"],
                          encoding=d.get("encoding", "utf-8"),
                          profile=Profile.from_dict(d["profile"]) if d.get("profile") else None)
        for d in _read_jsonl(p)
    })
    _check_slices(path, passages, documents)
    bm25 = _reading(path / "bm25", lambda p: bm25s.BM25.load(str(p), show_progress=False))
    terms = (_reading(path / termbase.FILE, termbase.TermBase.load)
             if (path / termbase.FILE).is_file() else None)
    return IndexBundle(path, manifest, passages, documents, index, bm25, terms)


def file_table(folder: Path) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of every file of an index folder but its manifest."""
    return {
        f.relative_to(folder).as_posix(): {"bytes": f.stat().st_size, "sha256": sha256_file(f)}
        for f in sorted(folder.rglob("*")) if f.is_file() and f.name != "manifest.json"
    }


def _recorded_files(path: Path, manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    files = manifest.get("files", {})  # indexes built before files were recorded have none
    if not isinstance(files, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("bytes"), int) for v in files.values()):
        raise IndexStoreError(f"{path / 'manifest.json'} lists its files wrongly: "
                              "run `reportqa index` to rebuild it")
    return files


def _check_sizes(path: Path, manifest: dict[str, Any]) -> None:
    """Every recorded file is there with its recorded size: cheap, on every load."""
    for rel, rec in _recorded_files(path, manifest).items():
        f = path / rel
        if not f.is_file():
            raise IndexStoreError(f"index at {path} is missing {rel}: run `reportqa index`")
        if f.stat().st_size != rec["bytes"]:
            raise IndexStoreError(f"{f} is {f.stat().st_size} bytes, the build wrote "
                                  f"{rec['bytes']}: run `reportqa index` to rebuild it")


def verify_index(path: Path) -> IndexBundle:
    """Load `path` and check every file's SHA-256 against the manifest (`reportqa verify`)."""
    bundle = load_index(path)
    for rel, rec in _recorded_files(bundle.path, bundle.manifest).items():
        if rec.get("sha256") and sha256_file(bundle.path / rel) != rec["sha256"]:
            raise IndexStoreError(f"{bundle.path / rel} differs from what the build wrote: "
                                  "run `reportqa index` to rebuild it")
    return bundle


def _reading(file: Path, read):  # noqa: ANN001, ANN202 - any reader, its result
    """`read(file)`, with any failure of a corrupt or unreadable file as one line."""
    try:
        return read(file)
    except (OSError, RuntimeError, ValueError, KeyError, TypeError, AttributeError,
            IndexError) as exc:  # faiss, json, bm25s and the dataclasses' own errors
        reason = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        raise IndexStoreError(f"{file} is corrupt or unreadable ({reason}): "
                              "run `reportqa index` to rebuild it") from exc


def _check_slices(path: Path, passages: Sequence[Passage], documents: dict[str, Document]) -> None:
    """Every passage must be its document's slice: a citation is checked before it
    is ever returned, so an index whose offsets drifted is refused here."""
    for p in passages:
        doc = documents.get(p.doc_id)
        if doc is None or doc.text[p.start:p.end] != p.text:
            raise IndexStoreError(
                f"{path / 'passages.jsonl'}: passage {p.id} is not the text of "
                f"{p.doc_id}[{p.start}:{p.end}]: run `reportqa index` to rebuild the index")


def _same_model(a: str, b: str) -> bool:
    return model_label(a) == model_label(b)
