"""The FastAPI application: `create_app(settings)`; the model loads in its lifespan.

    uvicorn --factory api.app:create_app     # or: reportqa serve
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from api.deps import API_KEY_HEADER
from api.middleware import AdmissionMiddleware, BodyLimitMiddleware, SecurityMiddleware
from api.openapi import install_openapi
from api.library import Library
from api.messages import localise, request_lang
from api.routers import ask, chat, documents, health, library, search
from api.settings import ServeSettings
from api.state import Loader, ModelState, load_assistant
from reportqa import __version__

if TYPE_CHECKING:
    from index.store import IndexBundle

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"

# The chat page runs only its own script and talks only to its own origin: even a
# bug that put report or user text into HTML could not run injected code.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

DESCRIPTION = """Questions and answers over the Yongchuan District 2022/2023 development
plan report, in Chinese or English. Every answer carries verbatim figures and
citations with character offsets into the document text (`GET /api/documents/{id}`),
so any client can check them.
"""


def create_app(settings: ServeSettings | None = None, loader: Loader | None = None,
               bundle: IndexBundle | None = None) -> FastAPI:
    """The app; `loader` (tests) hands in an already loaded assistant, not owned by the
    app; `bundle` is the index of `settings` when already read (`reportqa serve` checks
    it before starting), so that it is not read twice."""
    settings = settings or ServeSettings()
    state = ModelState(loader or (lambda: load_assistant(settings, bundle)), owned=loader is None)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        log.info("reportqa: serving %s (chat page; API under /api/, docs at /docs)", settings.url)
        if settings.background_load:
            state.start()
        else:
            await run_in_threadpool(state.load)  # a failure stops start-up
        try:
            yield
        finally:
            state.close()

    app = FastAPI(title="reportqa", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.model = state
    app.state.library = _library(settings, state)
    for r in (ask.router, search.router, documents.router, library.router, health.router,
              chat.router):
        app.include_router(r)
    _add_openai_errors(app)
    _add_middleware(app, settings)
    _add_pages(app)
    install_openapi(app)
    return app


def _library(settings: ServeSettings, state: ModelState) -> Library:
    """The library of the served index: changed through the API, rebuilt in the
    background, swapped in when complete (`api.library`)."""
    index = Path(settings.index)
    folder = Path(settings.library) if settings.library else index.parent / "library"

    def current() -> Any:
        assert state.assistant is not None  # the routes wait for the model first
        return state.assistant

    def swap(fresh: Any) -> None:
        state.assistant = fresh  # one reference: a request sees the old or the new

    return Library(index, folder, current, swap)


def _add_openai_errors(app: FastAPI) -> None:
    """Errors of /v1/ in OpenAI's shape ({"error": {message, type, code}}), which its
    client libraries read; the rest of the API keeps FastAPI's {"detail": ...}."""
    from fastapi.exception_handlers import (
        http_exception_handler,
        request_validation_exception_handler,
    )
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException
    from starlette.requests import Request

    def openai(request: Request) -> bool:
        return request.url.path.startswith("/v1/")

    async def on_chat_error(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, chat.ChatError)
        return exc.response()

    async def on_http(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, StarletteHTTPException)
        if not openai(request):
            if isinstance(exc.detail, str):  # a reader whose browser asks for Chinese
                language = request_lang(None, request.headers.get("accept-language"))
                exc = StarletteHTTPException(exc.status_code, localise(exc.detail, language),
                                             headers=exc.headers)
            return await http_exception_handler(request, exc)
        kind = "authentication_error" if exc.status_code == 401 else (
            "server_error" if exc.status_code >= 500 else "invalid_request_error")
        return chat.ChatError(exc.status_code, str(exc.detail), kind,
                              headers=dict(exc.headers or {})).response()

    async def on_invalid(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, RequestValidationError)
        if not openai(request):
            body = exc.body if isinstance(exc.body, dict) else {}
            language = request_lang(body.get("question"), request.headers.get("accept-language"))
            if language != "en":
                errors = [{**e, "msg": localise(str(e.get("msg", "")), language)}
                          for e in exc.errors()]
                exc = RequestValidationError(errors, body=exc.body)
            return await request_validation_exception_handler(request, exc)
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        return chat.ChatError(400, f"{where}: {first.get('msg', 'invalid request')}",
                              code="invalid_request").response()

    app.add_exception_handler(chat.ChatError, on_chat_error)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_invalid)


def _add_middleware(app: FastAPI, settings: ServeSettings) -> None:
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes,
                       upload_path="/api/documents", upload_bytes=settings.max_upload_bytes)
    app.add_middleware(AdmissionMiddleware, limit=settings.max_inflight)
    if settings.cors_origins:
        # Added last, so outermost: a 413 or 401 still carries CORS headers and a
        # browser client on another origin can read its message.
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", API_KEY_HEADER], max_age=600)
    # Outermost of all: a refused host gets no further, every response its headers.
    app.add_middleware(SecurityMiddleware, allowed_hosts=settings.hosts)


def _add_pages(app: FastAPI) -> None:
    app.mount("/static", PageAssets(directory=STATIC_DIR), name="static")

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def chat_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers=PAGE_HEADERS)

    swagger = _swagger_assets()
    if swagger is not None:
        app.mount("/docs-static", StaticFiles(directory=swagger), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        # Served from the swagger-ui-bundle package when installed: no CDN needed.
        kw: dict[str, Any] = {} if swagger is None else {
            "swagger_js_url": "/docs-static/swagger-ui-bundle.js",
            "swagger_css_url": "/docs-static/swagger-ui.css",
            "swagger_favicon_url": "/docs-static/favicon-32x32.png",
        }
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json",
                                   title="reportqa API", **kw)


class PageAssets(StaticFiles):
    """The chat page's own files (html, css, js) and nothing else of its folder."""

    SERVED = frozenset({".html", ".css", ".js", ".svg", ".png", ".ico", ".woff2"})

    def lookup_path(self, path: str) -> tuple[str, Any]:
        if Path(path).suffix.lower() not in self.SERVED:
            return "", None  # a 404, as for a file that is not there
        return super().lookup_path(path)


def _swagger_assets() -> Path | None:
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    path = Path(str(swagger_ui_path))
    return path if (path / "swagger-ui-bundle.js").is_file() else None
