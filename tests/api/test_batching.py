"""BatchingEmbedder: worker threads, concurrent callers batched, each gets its own rows."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest

from api.batching import BatchingEmbedder


class FakeEncoder:
    """Row i is [len(text), code of its first char]; records each call's batch."""

    dim = 2

    def __init__(self, delay: float = 0.0, fail_on: str | None = None) -> None:
        self.delay = delay
        self.fail_on = fail_on
        self.calls: list[list[str]] = []

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        time.sleep(self.delay)
        if self.fail_on in texts:
            raise RuntimeError(f"cannot encode {self.fail_on!r}")
        return np.array([[len(t), ord(t[0])] for t in texts], dtype=np.float32)


def row(text: str) -> list[float]:
    return [float(len(text)), float(ord(text[0]))]


def test_a_lone_call_is_a_batch_of_one() -> None:
    fake = FakeEncoder()
    b = BatchingEmbedder(fake)
    try:
        out = b.encode_query(["粮食", "GDP 2022"])
        assert out.tolist() == [row("粮食"), row("GDP 2022")]
        assert fake.calls == [["粮食", "GDP 2022"]]
        assert (b.batches, b.texts) == (1, 2)
    finally:
        b.close()


TEXTS = [chr(ord("a") + i) * (i + 1) for i in range(12)]  # "a", "bb", "ccc", …


def _twelve_callers_at_once(b: BatchingEmbedder) -> dict[str, list[list[float]]]:
    """Each of TEXTS asked from a thread of its own, all at once; the embedder closed."""
    results: dict[str, list[list[float]]] = {}

    def call(t: str) -> None:
        results[t] = b.encode_query([t]).tolist()

    threads = [threading.Thread(target=call, args=(t,)) for t in TEXTS]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    b.close()
    return results


def test_concurrent_callers_share_model_calls_and_get_their_own_rows() -> None:
    fake = FakeEncoder(delay=0.05)  # while one batch runs, the others queue up
    results = _twelve_callers_at_once(BatchingEmbedder(fake))
    assert results == {t: [row(t)] for t in TEXTS}
    assert sorted(t for batch in fake.calls for t in batch) == sorted(TEXTS)
    # 12 callers, 50 ms per model call: the first call runs alone, the rest pile up.
    assert len(fake.calls) < len(TEXTS)


def test_max_batch_caps_a_model_call() -> None:
    fake = FakeEncoder(delay=0.05)
    b = BatchingEmbedder(fake, max_batch=3)
    threads = [threading.Thread(target=b.encode_query, args=([c],)) for c in "abcdefgh"]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    b.close()
    assert max(len(batch) for batch in fake.calls) <= 3


def test_an_error_reaches_its_callers_and_the_worker_goes_on() -> None:
    b = BatchingEmbedder(FakeEncoder(fail_on="bad"))
    with pytest.raises(RuntimeError, match="cannot encode 'bad'"):
        b.encode_query(["bad"])
    assert b.encode_query(["ok"]).tolist() == [row("ok")]
    b.close()


def test_closed_embedder_refuses_and_other_attributes_pass_through() -> None:
    b = BatchingEmbedder(FakeEncoder())
    assert b.dim == 2
    b.close()
    b.close()  # idempotent
    with pytest.raises(RuntimeError, match="stopped"):
        b.encode_query(["x"])


def test_max_batch_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_batch must be >= 1, got 0"):
        BatchingEmbedder(FakeEncoder(), max_batch=0)


class Overlap(FakeEncoder):
    """Counts how many model calls run at once; a call waits (up to a while) for
    `expected` calls to be running, so that a loaded machine, which may queue all
    callers before the first call starts, still shows the overlap the workers allow."""

    def __init__(self, delay: float, expected: int = 1) -> None:
        super().__init__(delay)
        self._cond = threading.Condition()
        self.expected = expected
        self.now = self.most = 0

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        with self._cond:
            self.now += 1
            self.most = max(self.most, self.now)
            self._cond.notify_all()
            self._cond.wait_for(lambda: self.now >= self.expected, timeout=5)
        try:
            return super().encode_query(texts)
        finally:
            with self._cond:
                self.now -= 1


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_workers_run_model_calls_side_by_side(workers: int) -> None:
    fake = Overlap(delay=0.05, expected=workers)
    # batches of at most 12 / workers texts: there are always calls for every worker
    b = BatchingEmbedder(fake, workers=workers, max_batch=len(TEXTS) // workers)
    results = _twelve_callers_at_once(b)
    assert results == {t: [row(t)] for t in TEXTS}  # each caller its own rows
    assert fake.most == workers  # never more model calls at once than workers
    assert sum(len(c) for c in fake.calls) == b.texts == len(TEXTS)
    assert not any(w.is_alive() for w in b._workers)  # close stops every worker


def test_workers_must_be_positive() -> None:
    with pytest.raises(ValueError, match="workers must be >= 1, got 0"):
        BatchingEmbedder(FakeEncoder(), workers=0)
