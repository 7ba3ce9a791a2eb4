"""The HTTP server: uvicorn with a deadline for reading each request.

uvicorn times out idle keep-alive connections, but not a client that sends half
its headers or half its body and stalls: each such client holds a connection
for ever. `TimedH11Protocol` gives every request a deadline (`request_timeout`)
from the moment the server waits for it until its body is read; a request not
read by then gets 408 and its connection is closed. A request being answered is
not limited (its body is read; what follows is the server's own time).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

# What a stalled client gets, then the connection closes.
_BODY = json.dumps({"detail": "the request was not received in time: send the headers and "
                              "body without pausing"}).encode()
TIMEOUT_RESPONSE = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
                    b"connection: close\r\ncontent-length: " + str(len(_BODY)).encode()
                    + b"\r\nx-content-type-options: nosniff\r\n\r\n" + _BODY)


class TimedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a read deadline per request."""

    request_timeout = 15.0
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.request_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR):
            self._disarm()  # the request is read: answering it is not the client's time

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request on this connection

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        started = self.cycle is not None and self.cycle.response_started
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not started:
            self.transport.write(TIMEOUT_RESPONSE)
        self.transport.close()


def timed_protocol(request_timeout: float) -> type[TimedH11Protocol]:
    """The protocol class `reportqa serve` gives uvicorn (`http=`)."""
    return type("TimedH11Protocol", (TimedH11Protocol,), {"request_timeout": request_timeout})


def server_config(app: Any, host: str, port: int, request_timeout: float = 15.0,
                  **kwargs: Any):  # noqa: ANN201 - uvicorn.Config
    """A uvicorn configuration as `reportqa serve` runs it (the tests' live servers)."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, http=timed_protocol(request_timeout),
                          **kwargs)
