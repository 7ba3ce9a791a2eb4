"""A route class for strict JSON bodies: UTF-8, finite numbers, no unpaired surrogates;
anything else is a 422.

Python's `json` accepts `NaN`, `Infinity` and `1e400` (→ inf); FastAPI would then
echo that value in its 422 and fail to encode it (a 500). Here they are JSON
errors, like any other text that is not JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


class UTF8JSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                # FastAPI reports a JSONDecodeError as a 422 `json_invalid` with this message.
                raise json.JSONDecodeError(
                    f"request body is not valid UTF-8 ({exc.reason} at byte {exc.start})",
                    "", 0) from exc
            value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
            _valid_unicode(value)
            self._json = value
        return self._json


def _valid_unicode(value: Any) -> None:
    """A JSON string may escape a lone surrogate ("\\ud800"); no text holds one, and
    echoing it back in a 422 would fail to encode (a 500). Refuse it as bad JSON."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if any("\ud800" <= ch <= "\udfff" for ch in v):
                raise json.JSONDecodeError(
                    "request body holds an unpaired surrogate escape (\\ud800-\\udfff); "
                    "send valid Unicode", "", 0)
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def _no_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not valid JSON", name, 0)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise json.JSONDecodeError(f"number {text} is out of range", text, 0)
    return value


class UTF8JSONRoute(APIRoute):
    """FastAPI's documented way to swap the Request class of a router's routes."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            return await handler(UTF8JSONRequest(request.scope, request.receive))

        return route_handler
