"""Clients that stall or crowd the server, against a real uvicorn on loopback.

A stalled client (half its headers, half its body, or nothing at all) gets 408
and loses its connection once the read deadline passes; requests past the
admission limit get 503 with Retry-After at once, while admitted ones are
answered.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from api.app import create_app
from tests.api.conftest import ZH_QUESTION, running, settings

DEADLINE = 1.0


@pytest.fixture(scope="module")
def timed_server(assistant) -> Iterator[str]:  # noqa: ANN001
    with running(create_app(settings(), loader=lambda: assistant), request_timeout=DEADLINE) as url:
        yield url


def _exchange(url: str, data: bytes, wait: float = DEADLINE + 3) -> tuple[bytes, float]:
    """Send `data`, then read until the server closes; what came back and when."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as s:
        t0 = time.monotonic()
        if data:
            s.sendall(data)
        got = b""
        while True:
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                return got + b"<still open>", time.monotonic() - t0
            if not chunk:
                return got, time.monotonic() - t0
            got += chunk


@pytest.mark.parametrize("data", [
    b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n",  # headers never end
    b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n"
    b"content-length: 200\r\n\r\n{\"question\": \"GDP",  # body cut short
    b"",  # connects, says nothing
], ids=["half-headers", "half-body", "silent"])
def test_a_stalled_client_gets_408_and_is_disconnected(timed_server: str, data: bytes) -> None:
    got, took = _exchange(timed_server, data)
    assert b"<still open>" not in got
    assert DEADLINE * 0.8 <= took <= DEADLINE + 2
    assert got.startswith(b"HTTP/1.1 408 ") and b"without pausing" in got


def test_a_prompt_client_is_not_cut_off_between_requests(timed_server: str) -> None:
    with httpx.Client(base_url=timed_server, timeout=30) as c:
        assert c.get("/api/health").status_code == 200
        time.sleep(DEADLINE / 2)
        r = c.post("/api/ask", json={"question": ZH_QUESTION})  # a slower answer is not cut
        assert r.status_code == 200 and r.json()["abstained"] is False


class _Gate:
    """The real assistant, but `ask` waits until the test opens the gate."""

    def __init__(self, assistant: Any) -> None:
        self._assistant = assistant
        self.entered = threading.Semaphore(0)
        self.open = threading.Event()

    def ask(self, *args: Any, **kwargs: Any) -> Any:
        self.entered.release()
        self.open.wait(30)
        return self._assistant.ask(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._assistant, name)


def test_past_the_admission_limit_requests_get_503_with_retry_after(assistant) -> None:  # noqa: ANN001
    gate = _Gate(assistant)
    app = create_app(settings(max_inflight=2), loader=lambda: gate)
    with running(app) as url, ThreadPoolExecutor(4) as pool:
        def ask() -> httpx.Response:
            return httpx.post(f"{url}/api/ask", json={"question": ZH_QUESTION}, timeout=30)

        admitted = [pool.submit(ask) for _ in range(2)]
        for _ in admitted:
            assert gate.entered.acquire(timeout=10)  # both are inside, holding the limit
        t0 = time.monotonic()
        refused = ask()
        assert time.monotonic() - t0 < 1.0  # refused at once, not queued
        assert refused.status_code == 503 and refused.headers["retry-after"] == "1"
        assert "retry" in refused.json()["detail"]
        assert httpx.get(f"{url}/api/health").status_code == 200  # health is never refused
        gate.open.set()
        assert [f.result().status_code for f in admitted] == [200, 200]
        assert ask().status_code == 200  # the limit is free again


def test_sixty_four_clients_at_once_are_answered_or_told_when_to_retry(timed_server: str) -> None:
    """More clients than the admission limit (32) at once: each is answered or gets
    503 with Retry-After; the server neither crashes nor stays crowded."""
    barrier = threading.Barrier(64)

    def ask(i: int) -> httpx.Response:
        barrier.wait(10)
        return httpx.post(f"{timed_server}/api/ask", timeout=60,
                          json={"question": ZH_QUESTION if i % 2 else "2023年的增长目标是多少？"})

    with ThreadPoolExecutor(64) as pool:
        replies = list(pool.map(ask, range(64)))
    codes = sorted({r.status_code for r in replies})
    assert set(codes) <= {200, 503} and 200 in codes
    assert all(r.headers.get("retry-after") for r in replies if r.status_code == 503)
    after = httpx.post(f"{timed_server}/api/ask", json={"question": ZH_QUESTION}, timeout=30)
    assert after.status_code == 200 and after.json()["abstained"] is False


def test_a_client_gone_mid_request_frees_its_slot(assistant) -> None:  # noqa: ANN001
    gate = _Gate(assistant)
    app = create_app(settings(max_inflight=1), loader=lambda: gate)
    body = ('{"question": "%s"}' % ZH_QUESTION).encode()
    with running(app) as url:
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall(b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: "
                      b"application/json\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))
            assert gate.entered.acquire(timeout=10)  # admitted, holding the only slot
        # The client is gone; its answer finishes and the slot is given back.
        gate.open.set()
        deadline, status = time.monotonic() + 10, None
        while time.monotonic() < deadline:
            status = httpx.post(f"{url}/api/ask", json={"question": ZH_QUESTION}, timeout=30).status_code
            if status == 200:
                break
            time.sleep(0.1)
        assert status == 200
