"""Where things live by default, relative to the repository root."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus"
DATA_DIR = ROOT / "data"  # built artefacts (model folder, index); not committed
DEFAULT_MODEL_DIR = DATA_DIR / "models" / "multilingual-e5-small"
DEFAULT_INDEX_DIR = DATA_DIR / "index"


def default_index_dir() -> Path:
    return Path(os.environ.get("REPORTQA_INDEX", DEFAULT_INDEX_DIR))


def default_model() -> str:
    return os.environ.get("REPORTQA_MODEL", str(DEFAULT_MODEL_DIR))


def relative_to_root(path: Path) -> str:
    """`path` relative to the repository root when inside it, else absolute."""
    p = path.resolve()
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(p)


def resolve_model(ref: str) -> str:
    """A model reference to load: a folder (relative refs are tried from the
    repository root too) or a sentence-transformers model name."""
    p = Path(ref)
    if not p.is_absolute() and not p.exists() and (ROOT / p).exists():
        return str(ROOT / p)
    return ref


def model_label(ref: str) -> str:
    """How a model is recorded in a manifest: folders relative to the root."""
    p = Path(resolve_model(ref))
    return relative_to_root(p) if p.exists() else ref
