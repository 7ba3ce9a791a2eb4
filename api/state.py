"""The assistant every request shares: loaded once at start-up, closed at shutdown."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from api.settings import ServeSettings

if TYPE_CHECKING:
    from index.store import IndexBundle
    from qa import Assistant

log = logging.getLogger(__name__)

Loader = Callable[[], "Assistant"]


def load_assistant(settings: ServeSettings, bundle: IndexBundle | None = None) -> Assistant:
    """The index (`bundle` when already loaded from it) and model of `settings`, with
    query embeddings batched across requests."""
    from qa import Assistant

    # The threads go to the loader (torch's or ONNX Runtime's), which sets them last.
    base = Assistant.load(index_dir=settings.index, model=settings.model,
                          threads=settings.torch_threads, bundle=bundle,
                          settings=settings.settings)
    # What was loaded lives as long as the service: frozen, the collector's full
    # passes no longer walk its ~10^6 objects in the middle of an answer.
    gc.freeze()
    if not settings.batch_embed:
        return base
    from api.batching import BatchingEmbedder
    from index.embed import Embedder

    # Only the embedder is wrapped (duck-typed: the same encode_query, every other
    # attribute delegated); what the assistant computed on load is shared.
    return base.with_embedder(cast(Embedder, BatchingEmbedder(base.embedder,
                                                              workers=settings.embed_workers)))


class ModelState:
    """Holds the assistant once loaded, or why it is not (yet)."""

    def __init__(self, loader: Loader, owned: bool = True) -> None:
        self._loader = loader
        self._owned = owned  # an assistant handed in (tests) is closed by its owner
        self._thread: threading.Thread | None = None
        self._done = threading.Event()
        self.assistant: Assistant | None = None
        self.error: str | None = None
        self.load_seconds: float | None = None

    @property
    def ready(self) -> bool:
        return self.assistant is not None

    def start(self) -> None:
        """Load on a background thread, so liveness answers while the model loads."""
        self._thread = threading.Thread(target=self._load_logged, name="reportqa-load",
                                        daemon=True)
        self._thread.start()

    def load(self) -> None:
        """Load now, in this thread; the loader's errors propagate."""
        t0 = time.perf_counter()
        try:
            self.assistant = self._loader()
            self.load_seconds = round(time.perf_counter() - t0, 2)
        finally:
            self._done.set()
        bundle = self.assistant.bundle
        log.info("model and index loaded in %.1fs (%d passages): ready", self.load_seconds,
                 len(bundle.passages))

    def wait(self, timeout: float | None = None) -> bool:
        """True once loaded; False on timeout or when loading failed."""
        self._done.wait(timeout)
        return self.ready

    def close(self) -> None:
        if not self._owned:
            return
        embedder = getattr(self.assistant, "embedder", None)
        close = getattr(embedder, "close", None)
        if callable(close):
            close()

    def _load_logged(self) -> None:
        try:
            self.load()
        except Exception as exc:  # noqa: BLE001 - a thread's error is otherwise lost; /api/ready reports it
            self.error = f"{type(exc).__name__}: {exc}"
            log.error("could not load the model and index: %s", self.error)
