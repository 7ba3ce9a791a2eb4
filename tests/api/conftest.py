"""Fixtures for the API tests: the real model and index, loaded once per session.

`assistant` loads them the way `reportqa serve` does (query embeddings batched
on one worker thread); every app built here shares it, so a test that needs
other settings (an API key, CORS origins) costs a new app, not a new model.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServeSettings

ALLOWED_ORIGIN = "http://allowed.example"

# The service serves the library of reports: questions name their place.
ZH_QUESTION = "2022年永川区粮食产量是多少？"
EN_QUESTION = "How many 5G base stations were added in Yongchuan in 2022?"


def settings(**overrides: Any) -> ServeSettings:
    """Test settings: explicit values for everything a developer's environment might set."""
    base: dict[str, Any] = dict(api_key=None, cors_origins=[ALLOWED_ORIGIN], max_body_bytes=16384,
                                allowed_hosts=["testserver", "127.0.0.1", "localhost"],
                                background_load=False, batch_embed=True, torch_threads=1)
    return ServeSettings(**{**base, **overrides})


@pytest.fixture(scope="session")
def assistant():  # noqa: ANN201 - qa.Assistant
    import torch

    from api.state import load_assistant

    threads = torch.get_num_threads()
    a = load_assistant(settings())  # torch_threads=1, as `reportqa serve` runs it
    yield a
    a.embedder.close()
    torch.set_num_threads(threads)  # process-wide: give other stages' tests theirs back


@pytest.fixture(scope="session")
def make_client(assistant) -> Callable[..., Any]:  # noqa: ANN001
    """`with make_client(api_key="k") as client:` — an app over the shared assistant."""

    @contextmanager
    def make(**overrides: Any) -> Iterator[TestClient]:
        app = create_app(settings(**overrides), loader=lambda: assistant)
        with TestClient(app) as client:
            yield client

    return make


@pytest.fixture(scope="session")
def client(make_client) -> Iterator[TestClient]:  # noqa: ANN001
    with make_client() as c:
        yield c


@pytest.fixture(scope="session")
def document_texts(client: TestClient) -> dict[str, str]:
    """Every document's text, fetched through the API as any client would."""
    ids = [d["id"] for d in client.get("/api/documents").json()["documents"]]
    return {i: client.get(f"/api/documents/{i}").json()["text"] for i in ids}


def parse_sse(body: str) -> list[tuple[str, dict[str, Any]]]:
    """[(event, data)] from a text/event-stream body; keep-alive comments skipped."""
    events = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        if data:
            events.append((name, json.loads("\n".join(data))))
    return events


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(app: Any, request_timeout: float = 15.0) -> Iterator[str]:
    """`app` under a real uvicorn server on a free loopback port, in a thread; its base URL."""
    import uvicorn

    from api.server import server_config

    port = free_port()
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, request_timeout,
                                          log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(assistant) -> Iterator[str]:  # noqa: ANN001
    with running(create_app(settings(), loader=lambda: assistant)) as url:
        yield url
