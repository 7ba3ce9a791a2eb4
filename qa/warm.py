"""What an assistant computes from its index once, kept beside the index for the next
start: the passages' tokens, sentences, figures and periods, the router's place
names, the glossary, the segmenter's part-of-speech table.

Computing it takes seconds (figures are extracted from every passage, the
gazetteer's places get their English forms); reading it back takes milliseconds.
The file is keyed by everything it was computed from: the loaded index's manifest
(every build writes a new one), the override glossaries' bytes, the settings, and the
code and language data of the packages that compute it (and jieba's and pypinyin's
versions). Any change there and it
is computed again, never used stale. Writing is best effort and atomic: an index
folder that cannot be written still answers, only its start is slower.

The file is a pickle, so it is trusted exactly as the index folder beside it is
(FAISS reads its file from there the same way): never load an index folder from
someone you would not run code from.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

WARM_FILE = "assistant.warm"
# Source folders whose code or data decide what is computed.
_PACKAGES = ("qa", "corpus", "index", "reportqa")
_SUFFIXES = (".py", ".tsv", ".txt", ".json", ".csv")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over the computing packages' source and data files (names and bytes)."""
    from importlib.metadata import version

    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    # jieba's dictionary gives the part-of-speech table, pypinyin the places' English.
    for package in ("jieba", "pypinyin"):
        h.update(f"{package} {version(package)}".encode())
    for pkg in _PACKAGES:
        for path in sorted((root / pkg).rglob("*")):
            if path.suffix in _SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(root)).encode())
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def key(manifest: dict[str, Any], overrides: tuple[str, ...], settings: Any) -> str:
    """The key of what was computed from the index whose (loaded) `manifest` is given:
    never the folder's file, which a build may have replaced since it was loaded."""
    h = hashlib.sha256()
    h.update(code_fingerprint().encode())
    h.update(json.dumps(manifest, sort_keys=True, ensure_ascii=False).encode())
    for path in overrides:
        h.update(path.encode())
        h.update(hashlib.sha256(Path(path).read_bytes()).digest())
    h.update(repr(settings).encode())
    return h.hexdigest()


def read(index_dir: Path, want: str) -> dict[str, Any] | None:
    """The state saved under `want`, or None (missing, another key, unreadable)."""
    path = Path(index_dir) / WARM_FILE
    try:
        with path.open("rb") as f:
            saved = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - a broken cache is recomputed, never fatal
        log.info("ignoring %s (%s): computing it again", path, type(exc).__name__)
        return None
    if not isinstance(saved, dict) or saved.get("key") != want:
        return None
    state = saved.get("state")
    return state if isinstance(state, dict) else None


def write(index_dir: Path, want: str, state: dict[str, Any]) -> bool:
    """Save `state` under `want`, atomically; False when the folder cannot be written."""
    index_dir = Path(index_dir)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".warm.", dir=index_dir)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump({"key": want, "state": state}, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(tmp, 0o644)
        os.replace(tmp, index_dir / WARM_FILE)
        return True
    except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
        log.info("could not save %s (%s): the next start computes it again",
                 index_dir / WARM_FILE, exc)
        Path(tmp).unlink(missing_ok=True)
        return False
