"""Dependencies of the routers, as `Annotated[..., Depends(...)]` aliases.

They are `async def` on purpose: they only read app state, and a sync
dependency would cost each request an extra hop through the threadpool.
"""

from __future__ import annotations

import re
import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader

from api.settings import ServeSettings
from api.state import ModelState
from qa.assistant import Assistant

API_KEY_HEADER = "X-API-Key"
_api_key = APIKeyHeader(name=API_KEY_HEADER, auto_error=False,
                        description="needed when the server was started with REPORTQA_API_KEY")


async def get_settings(request: Request) -> ServeSettings:
    return request.app.state.settings


async def get_model_state(request: Request) -> ModelState:
    return request.app.state.model


SettingsDep = Annotated[ServeSettings, Depends(get_settings)]
ModelStateDep = Annotated[ModelState, Depends(get_model_state)]


_PATH = re.compile(r"(?<![\w.:/])(?:/[^\s/:'\"`()]+)+/?")


def without_paths(message: str) -> str:
    """A message for HTTP clients: a server's folders are not theirs to see
    ("no index at /srv/reportqa/data/index" → "no index at …/index")."""
    return _PATH.sub(lambda m: "…/" + m.group(0).rstrip("/").rsplit("/", 1)[-1], message)


async def get_assistant(state: ModelStateDep) -> Assistant:
    if state.assistant is None:
        detail = (f"the model could not be loaded: {without_paths(state.error)}" if state.error
                  else "the model and index are still loading; try again in a few seconds")
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=detail,
                            headers={"Retry-After": "5"})
    return state.assistant


AssistantDep = Annotated[Assistant, Depends(get_assistant)]


def key_problem(settings: ServeSettings, key: str | None) -> str | None:
    """None when `key` opens the API (or none is needed); else "missing" or "wrong"."""
    expected = settings.api_key
    if expected is None:
        return None
    if key is None:
        return "missing"
    # Constant-time comparison: the key must not leak through response timing.
    if secrets.compare_digest(key.encode(), expected.get_secret_value().encode()):
        return None
    return "wrong"


async def require_api_key(settings: SettingsDep,
                          key: Annotated[str | None, Security(_api_key)] = None) -> None:
    what = key_problem(settings, key)
    if what is not None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED,
                            detail=f"{what} API key: send it in the {API_KEY_HEADER} header",
                            headers={"WWW-Authenticate": "API-Key"})


ApiKey = Depends(require_api_key)
