"""POST /api/ask and POST /api/ask/stream.

`Assistant.ask` is CPU-bound, so both endpoints are plain `def`: FastAPI runs
them in its threadpool and the event loop stays free. The model itself is
shared through `api.batching.BatchingEmbedder`, which serialises (and batches)
model calls on one thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, HTTPException, status
from fastapi.sse import EventSourceResponse, ServerSentEvent

from api.deps import ApiKey, AssistantDep
from api.messages import localise, request_lang
from api.routing import UTF8JSONRoute
from api.schemas import (
    ERROR_RESPONSES,
    AnswerEvent,
    AnswerOut,
    AskRequest,
    CitationEvent,
    DoneEvent,
    ErrorOut,
    FigureEvent,
    QuestionEvent,
)

router = APIRouter(prefix="/api", tags=["ask"], dependencies=[ApiKey], route_class=UTF8JSONRoute)


STREAM_DOC = """Server-Sent Events, in this order:

* `event: question` — at once, before the answer is looked for: `{question,
  understood}`, the question as it is read (a follow-up: the whole question);
* `event: answer` — the answer without figures and citations, with their counts
  (`AnswerEvent`);
* one `event: citation` per citation, `{index, citation}` (`CitationEvent`);
* one `event: figure` per figure, `{index, figure}` (`FigureEvent`);
  `figure.citation` is the index of a citation already sent;
* `event: done` — the counts again (`DoneEvent`), so a client can check that
  nothing was lost.

A question the assistant refuses after the stream has started gives
`event: error` (`{detail}`); invalid requests are refused before it starts,
with the same 4xx responses as `/api/ask`.
"""


def _answer(assistant: AssistantDep, body: AskRequest) -> dict[str, Any]:
    return assistant.ask(body.question, top_k=body.top_k, id=body.id, docs=body.docs,
                         history=body.history_turns()).to_dict()


@router.post("/ask", response_model=AnswerOut, response_model_exclude_none=True,
             responses=ERROR_RESPONSES, summary="Answer a question, with figures and citations")
def ask(body: AskRequest, assistant: AssistantDep) -> dict[str, Any]:
    try:
        return _answer(assistant, body)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            detail=_said(exc, body)) from exc


def _said(exc: ValueError, body: AskRequest) -> str:
    """What is wrong, in the question's language."""
    return localise(str(exc), request_lang(body.question))


@router.post("/ask/stream", response_class=EventSourceResponse, description=STREAM_DOC,
             responses=ERROR_RESPONSES, summary="Answer a question as Server-Sent Events")
def ask_stream(body: AskRequest, assistant: AssistantDep) -> Iterator[ServerSentEvent]:
    try:
        read = assistant.understand(body.question, body.history_turns())
    except ValueError as exc:
        yield ServerSentEvent(event="error", data=ErrorOut(detail=_said(exc, body)))
        return
    yield ServerSentEvent(event="question", data=QuestionEvent(question=body.question,
                                                               understood=read))
    try:
        d = _answer(assistant, body)
    except ValueError as exc:
        yield ServerSentEvent(event="error", data=ErrorOut(detail=_said(exc, body)))
        return
    citations, figures = d.pop("citations"), d.pop("figures")
    head = AnswerEvent.model_validate({**d, "citations": len(citations), "figures": len(figures)})
    yield ServerSentEvent(event="answer", raw_data=head.model_dump_json(exclude_none=True))
    for i, c in enumerate(citations):
        yield ServerSentEvent(event="citation", id=f"c{i}",
                              data=CitationEvent.model_validate({"index": i, "citation": c}))
    for i, f in enumerate(figures):
        yield ServerSentEvent(event="figure", id=f"f{i}",
                              data=FigureEvent.model_validate({"index": i, "figure": f}))
    yield ServerSentEvent(event="done", data=DoneEvent(citations=len(citations),
                                                       figures=len(figures)))
