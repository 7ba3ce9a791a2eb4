"""Request body limit: a pure ASGI middleware, so it costs nothing on GETs.

A declared `Content-Length` over the limit is refused before reading a byte;
a chunked body is counted as it arrives and refused once it passes the limit.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimitMiddleware:
    """`max_bytes` for every request but the uploads (`upload_path` by POST), which get
    `upload_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_path: str = "",
                 upload_bytes: int = 0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_path = upload_path
        self.upload_bytes = upload_bytes

    @staticmethod
    def _message(size: int | None, limit: int) -> str:
        got = f"{size} bytes" if size is not None else "more"
        return f"request body too large: {got}; the limit is {limit} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = bool(self.upload_path) and scope["method"] == "POST" and \
            scope["path"].rstrip("/") == self.upload_path
        limit = self.upload_bytes if upload else self.max_bytes
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            response = JSONResponse({"detail": self._message(int(declared), limit)},
                                    status_code=413)
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Raised inside the route's body read, so FastAPI's exception
                    # handling turns it into the 413 response.
                    raise HTTPException(413, detail=self._message(None, limit))
            return message

        await self.app(scope, counted, send)


# Headers every response carries. JSON and files get a policy that runs nothing;
# the chat page and /docs set their own (the page's is in api.app).
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
NOTHING_RUNS = b"default-src 'none'; frame-ancestors 'none'"
DOCS_POLICY = b"frame-ancestors 'none'"


class SecurityMiddleware:
    """Security headers on every response, and only the allowed Host names served.

    Checking Host closes DNS rebinding: a page on evil.example whose name is made to
    resolve to 127.0.0.1 sends `Host: evil.example`, and gets 400, not the API."""

    def __init__(self, app: ASGIApp, allowed_hosts: list[str]) -> None:
        self.app = app
        self.any_host = "*" in allowed_hosts
        self.hosts = frozenset(h.lower().strip("[]") for h in allowed_hosts)

    def _host_allowed(self, scope: Scope) -> tuple[bool, str]:
        if self.any_host:
            return True, ""
        host = Headers(scope=scope).get("host", "")
        name = host.rsplit("]", 1)[0].lstrip("[") if host.startswith("[") else host.split(":", 1)[0]
        return name.lower() in self.hosts, host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        policy = DOCS_POLICY if path.startswith("/docs") else NOTHING_RUNS

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", policy))
                message = {**message, "headers": headers}
            await send(message)

        allowed, host = self._host_allowed(scope)
        if not allowed:
            shown = host.encode("ascii", "replace").decode()[:100]
            response = JSONResponse(
                {"detail": f"this service does not answer for the host {shown!r}: "
                           "add it to REPORTQA_ALLOWED_HOSTS"}, status_code=400)
            await response(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)


class AdmissionMiddleware:
    """At most `limit` answering requests at once; the rest get 503 at once.

    Past what the cores can answer, a queue only makes every answer late: a refused
    request costs nothing and says when to retry (`Retry-After`), so admitted ones
    keep their latency. Health, readiness and the page's files are never refused."""

    GUARDED = ("/api/ask", "/api/search", "/v1/")

    def __init__(self, app: ASGIApp, limit: int, retry_after: int = 1) -> None:
        self.app = app
        self.limit = limit
        self.retry_after = str(retry_after)
        self.inflight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(self.GUARDED):
            await self.app(scope, receive, send)
            return
        if self.inflight >= self.limit:
            response = JSONResponse(
                {"detail": f"the service is answering {self.inflight} requests, its limit: "
                           f"retry in {self.retry_after} s"},
                status_code=503, headers={"Retry-After": self.retry_after})
            await response(scope, receive, send)
            return
        self.inflight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.inflight -= 1
