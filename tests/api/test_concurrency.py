"""Concurrent requests get the same answers as sequential ones (batched embeddings included)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from api.loadtest import QUESTIONS

pytestmark = pytest.mark.model


def essence(answer: dict[str, Any]) -> tuple[Any, ...]:
    """What must not change with load: the text, figures and which passages are cited where.

    Scores are left out: a query embedded in a batch can differ in the 7th decimal.
    """
    return (answer["question"], answer["answer"], answer["abstained"],
            [(f["text"], f["start"], f["citation"]) for f in answer["figures"]],
            [(c["passage_id"], c["quote_start"], c["quote_end"]) for c in answer["citations"]])


def test_eight_clients_at_once_get_the_sequential_answers(live_server: str, assistant) -> None:  # noqa: ANN001
    expected = {q: essence(assistant.ask(q).to_dict()) for q in QUESTIONS}
    batches_before = assistant.embedder.batches
    work = list(QUESTIONS) * 4

    def ask(q: str) -> tuple[str, int, dict[str, Any]]:
        with httpx.Client(base_url=live_server, timeout=60) as http:
            r = http.post("/api/ask", json={"question": q})
            return q, r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(ask, work))
    assert [status for _, status, _ in results] == [200] * len(work)
    for q, _, answer in results:
        assert essence(answer) == expected[q]
    # 40 requests took fewer model calls than requests: concurrent queries were batched.
    assert assistant.embedder.batches - batches_before < len(work)
