"""The two answer sources give the same numbers; the HTTP one fails clearly.

The HTTP source is pointed at a small FastAPI app through an httpx
MockTransport that hands each request to httpx's ASGITransport, so the app runs
in-process and no socket is opened. (Starlette's TestClient is built on
`httpx2`, not `httpx`, so it is not an `httpx.Client`.)
"""

from __future__ import annotations

import anyio
import httpx
import pytest
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from eval.gold import parse_item
from eval.runner import HttpSource, InProcess, SourceError, run_eval

from .fakes import DOC, DOC_ID, GOLD, FakeAssistant


class AskRequest(BaseModel):
    question: str
    top_k: int = 5


def make_app(assistant: FakeAssistant) -> FastAPI:
    app = FastAPI()

    @app.post("/api/ask")
    def ask(req: AskRequest) -> dict:
        return assistant.ask(req.question, top_k=req.top_k).to_dict()

    @app.get("/api/documents/{doc_id}")
    def document(doc_id: str) -> dict:
        try:
            text = assistant.document_text(doc_id)
        except KeyError:
            raise HTTPException(status_code=404, detail=f"no document {doc_id!r}") from None
        return {"id": doc_id, "title": "永川", "text": text}

    return app


def asgi_client(app: FastAPI) -> httpx.Client:
    """A sync httpx.Client whose requests are served by `app`, in this process."""
    asgi = httpx.ASGITransport(app=app)

    def handle(request: httpx.Request) -> httpx.Response:
        async def call() -> httpx.Response:
            response = await asgi.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return anyio.run(call)

    return httpx.Client(transport=httpx.MockTransport(handle))


def test_in_process_and_http_give_the_same_metrics() -> None:
    items = [parse_item(g) for g in GOLD]
    local = FakeAssistant()
    results_local, m_local = run_eval(items, InProcess(local), top_k=1, clock=local.clock)

    # A second assistant so that both runs see the same (fake) clock readings.
    served = FakeAssistant()
    with HttpSource("http://api.test/", client=asgi_client(make_app(served))) as source:
        results_http, m_http = run_eval(items, source, top_k=1, clock=served.clock)

    assert m_http == m_local
    assert [r.answer for r in results_http] == [r.answer for r in results_local]
    # top_k reached the assistant both ways; with one citation, e1's evidence
    # (2nd citation) is out of reach: MRR = (1 + 0 + 0) / 3.
    assert {k for _, k in local.asked} == {k for _, k in served.asked} == {1}
    assert m_http["all"]["mrr"] == pytest.approx(1 / 3)


def test_http_documents_are_cached_and_unknown_ones_are_none() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.raw_path.decode())
        if request.url.path == f"/api/documents/{DOC_ID}":
            return httpx.Response(200, json={"id": DOC_ID, "title": "", "text": DOC})
        return httpx.Response(404, json={"detail": "not found"})

    client = httpx.Client(transport=httpx.MockTransport(handler))
    source = HttpSource("http://api.test", client=client)
    assert source.document_text(DOC_ID) == DOC
    assert source.document_text(DOC_ID) == DOC
    assert source.document_text("a/b") is None  # quoted: one path segment
    assert calls == [f"/api/documents/{DOC_ID}", "/api/documents/a%2Fb"]


def test_connection_error_is_a_clear_source_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    client = httpx.Client(transport=httpx.MockTransport(refuse))
    source = HttpSource("http://127.0.0.1:9", client=client)
    expected = r"cannot reach the reportqa server at http://127\.0\.0\.1:9 .*reportqa serve"
    with pytest.raises(SourceError, match=expected):
        source.ask("问题", 5)


@pytest.mark.parametrize(
    ("response", "problem"),
    [
        (httpx.Response(500, text="boom"), "returned 500: boom"),
        (httpx.Response(200, text="<html>"), "did not return JSON"),
        (httpx.Response(200, json={"answer": "x"}), "without abstained, figures, citations"),
    ],
)
def test_bad_answers_are_source_errors(response: httpx.Response, problem: str) -> None:
    client = httpx.Client(transport=httpx.MockTransport(lambda request: response))
    with pytest.raises(SourceError, match=problem):
        HttpSource("http://api.test", client=client).ask("q", 5)


def test_run_eval_validates_arguments() -> None:
    with pytest.raises(ValueError, match="top_k must be > 0, got 0"):
        run_eval([parse_item(GOLD[0])], InProcess(FakeAssistant()), top_k=0)
    with pytest.raises(ValueError, match="no gold items"):
        run_eval([], InProcess(FakeAssistant()))


@pytest.mark.parametrize(("setting", "shown"), [("1", True), ("0", False), ("", False)])
def test_progress_shows_on_a_terminal_or_when_asked_and_never_in_a_log(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        setting: str, shown: bool) -> None:
    """CI's stderr is no terminal: no bar there unless REPORTQA_PROGRESS=1 says so."""
    monkeypatch.setenv("REPORTQA_PROGRESS", setting)
    items = [parse_item(g) for g in GOLD]
    results, _ = run_eval(items, InProcess(FakeAssistant()), progress=True)
    assert len(results) == len(items)
    assert ("evaluating" in capsys.readouterr().err) is shown
