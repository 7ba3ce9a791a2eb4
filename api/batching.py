"""Model threads that embed the queries of concurrent requests together.

On a 2-core machine, eight request threads each calling the model would
oversubscribe the cores (every torch call wants all of them) and pay the
per-call overhead eight times. Here request threads put their texts on a queue;
a worker takes everything waiting, embeds it in one `encode_query` call, and
hands each caller its rows. With one request in flight it is a plain call
(batch of one, no waiting); under load the batches grow by themselves.

The model call releases the interpreter, so with one worker per core (each
model call on one thread) the model runs on every core while requests wait,
where one worker kept it on one: measured on 2 cores, 8 clients, one worker
~99 req/s with that worker busy ~90% of the time; see README "Speed".
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Any, Protocol

import numpy as np

log = logging.getLogger(__name__)


class QueryEncoder(Protocol):
    def encode_query(self, texts: Sequence[str]) -> np.ndarray: ...


_Job = tuple[list[str], "Future[np.ndarray]"]


class BatchingEmbedder:
    """Wraps an `Embedder`: same `encode_query`, served by one worker thread.

    Every other attribute (`dim`, `name`, `encode_passages`, …) is the wrapped
    embedder's own.
    """

    def __init__(self, embedder: QueryEncoder, max_batch: int = 32, workers: int = 1) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be >= 1, got {max_batch}")
        if workers < 1:
            raise ValueError(f"workers must be >= 1, got {workers}")
        self._inner = embedder
        self.max_batch = max_batch
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = False
        self._count = threading.Lock()
        self.batches = 0  # model calls made, for tests and the load report
        self.texts = 0
        self._workers = [threading.Thread(target=self._run, name=f"reportqa-embed-{i}", daemon=True)
                         for i in range(workers)]
        for w in self._workers:
            w.start()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32 rows for `texts`, computed on the worker thread."""
        if self._closed:
            raise RuntimeError("the embedding worker has been stopped")
        fut: Future[np.ndarray] = Future()
        self._jobs.put((list(texts), fut))
        return fut.result()

    def close(self) -> None:
        """Stop the workers after the jobs already queued; idempotent."""
        if not self._closed:
            self._closed = True
            for _ in self._workers:
                self._jobs.put(None)  # one stop for each worker
            for w in self._workers:
                w.join(timeout=10)

    # ------------------------------------------------------------------ worker

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            batch = [job]
            stop = self._drain(batch)
            self._encode(batch)
            if stop:
                return

    def _drain(self, batch: list[_Job]) -> bool:
        """Add whatever else is already waiting (no waiting for more)."""
        n = len(batch[0][0])
        while n < self.max_batch:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return False
            if job is None:  # a stop: this worker's, after the batch it holds
                return True
            batch.append(job)
            n += len(job[0])
        return False

    def _encode(self, batch: list[_Job]) -> None:
        texts = [t for ts, _ in batch for t in ts]
        try:
            vecs = self._inner.encode_query(texts)
        except BaseException as exc:  # noqa: BLE001 - each waiting caller must get the error
            for _, fut in batch:
                fut.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        with self._count:
            self.batches += 1
            self.texts += len(texts)
        row = 0
        for ts, fut in batch:
            fut.set_result(vecs[row:row + len(ts)])
            row += len(ts)
