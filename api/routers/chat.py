"""An OpenAI-compatible chat API: `POST /v1/chat/completions` and `GET /v1/models`.

Apps that speak OpenAI's chat-completions protocol (its client libraries, chat front
ends) can ask the library unmodified. The last user message is the question, read
as a follow-up of the earlier user messages ("那2023年呢？" after a question about
2022; `reportqa.understood` says how it was read); the
reply's text is the answer with its sources cited inline (`[1]`, `[2]`) and listed
after it, so the citations survive a client that shows only the text. The full
answer JSON of `/api/ask` — figures, citations with offsets, reports — rides in the
extra field `reportqa` of the response (and of the last chunk of a stream).

The same API key as the rest: `X-API-Key`, or `Authorization: Bearer <key>` as
OpenAI clients send it. Errors have OpenAI's shape, `{"error": {"message", "type",
"code"}}`. Sampling parameters (temperature, top_p, …) are accepted and ignored:
answers are extracted, never sampled.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from api.deps import API_KEY_HEADER, AssistantDep, SettingsDep, key_problem
from api.routing import UTF8JSONRoute
from qa.query import validate_question

MODEL_ID = "reportqa"
MAX_MESSAGES = 100


class ChatError(Exception):
    """An OpenAI-shaped error: HTTP status, message, type and code."""

    def __init__(self, status: int, message: str, type_: str = "invalid_request_error",
                 code: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.code = status, message, type_, code
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        return JSONResponse({"error": {"message": self.message, "type": self.type,
                                       "param": None, "code": self.code}},
                            status_code=self.status, headers=self.headers)


async def require_key(settings: SettingsDep,
                      x_api_key: Annotated[str | None, Header()] = None,
                      authorization: Annotated[str | None, Header()] = None) -> None:
    key = x_api_key
    if key is None and authorization and authorization.lower().startswith("bearer "):
        key = authorization[7:].strip()
    what = key_problem(settings, key)
    if what is not None:
        raise ChatError(401, f"{what} API key: send it as 'Authorization: Bearer <key>' or in "
                             f"the {API_KEY_HEADER} header", "authentication_error",
                        "invalid_api_key", {"WWW-Authenticate": "Bearer"})


router = APIRouter(prefix="/v1", tags=["openai"], dependencies=[Depends(require_key)],
                   route_class=UTF8JSONRoute)


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    # A string, or OpenAI's list of content parts ({"type": "text", "text": ...}).
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "".join(str(p.get("text", "")) for p in self.content or ()
                       if p.get("type") == "text")


class ChatRequest(BaseModel):
    """OpenAI's request body; what reportqa does not use is accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str = Field(default=MODEL_ID, description=f"'{MODEL_ID}' (GET /v1/models)")
    messages: list[Message] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False
    top_k: int = Field(default=5, ge=1, le=50, description="citations at most (reportqa's own)")
    docs: list[str] | None = Field(default=None, max_length=1000,
                                   description="answer only from these documents (reportqa's own)")


@router.get("/models", summary="The model this service answers as (OpenAI's list shape)")
def models() -> dict[str, Any]:
    return {"object": "list", "data": [_model_card()]}


@router.get("/models/{model_id}", summary="One model (OpenAI's shape)")
def model(model_id: str) -> dict[str, Any]:
    if model_id != MODEL_ID:
        raise ChatError(404, f"no model {model_id!r}: this service answers as {MODEL_ID!r}",
                        code="model_not_found")
    return _model_card()


@router.post("/chat/completions", summary="Answer the last user message, OpenAI-compatible",
             response_model=None)
def chat_completions(body: ChatRequest, assistant: AssistantDep,
                     request: Request) -> dict[str, Any] | StreamingResponse:
    if body.model != MODEL_ID:
        raise ChatError(404, f"no model {body.model!r}: this service answers as {MODEL_ID!r} "
                             "(GET /v1/models)", code="model_not_found")
    asked = [m.text() for m in body.messages if m.role == "user"]
    question = asked[-1] if asked else ""
    try:
        validate_question(question)
        d = assistant.ask(question, top_k=body.top_k, docs=body.docs,
                          history=earlier_questions(asked[:-1])).to_dict()
    except ValueError as exc:
        raise ChatError(400, f"the last user message is no question the service can read: "
                             f"{exc}", code="invalid_question") from exc
    reply = {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "created": int(time.time()),
             "model": MODEL_ID}
    content = cited_text(d)
    if not body.stream:
        return {**reply, "object": "chat.completion",
                "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                             "message": {"role": "assistant", "content": content,
                                         "refusal": None}}],
                "usage": _usage(question, content), "reportqa": d}
    return StreamingResponse(_chunks(reply, content, d, question),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def earlier_questions(messages: list[str]) -> list[str]:
    """The conversation's earlier user messages that are questions (a greeting or an
    empty message carries nothing a follow-up could lean on)."""
    out = []
    for text in messages:
        try:
            out.append(validate_question(text))
        except ValueError:
            continue
    return out


def cited_text(d: dict[str, Any]) -> str:
    """The answer with its sources cited inline ([1], [2]) and listed after it: the
    citations that hold its figures (or, without figures, the first), each with its
    report and the sentence quoted."""
    citations = d.get("citations") or []
    used = sorted({f["citation"] for f in d.get("figures") or () if f.get("citation", -1) >= 0})
    if not used and citations and not d.get("abstained"):
        used = [0]
    if not used:
        return d["answer"]
    marks = "".join(f"[{i + 1}]" for i in used)
    zh = d.get("lang") == "zh"
    head, colon = ("来源：", "：") if zh else ("Sources:", ": ")
    lines = []
    for i in used:
        c = citations[i]
        quote = c["text"][c["quote_start"]:c["quote_end"]].strip()
        lines.append(f"[{i + 1}] {c.get('doc_title') or c['doc_id']}{colon}“{quote}”")
    return f"{d['answer']} {marks}\n\n{head}\n" + "\n".join(lines)


def _chunks(reply: dict[str, Any], content: str, d: dict[str, Any],
            question: str) -> Iterator[str]:
    """The answer as OpenAI's stream: the role, the text, then the end with the full
    answer JSON; `data: [DONE]` last."""
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {**reply, "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
                             "logprobs": None}], **extra}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    yield chunk({"content": content})
    yield chunk({}, "stop", usage=_usage(question, content), reportqa=d)
    yield "data: [DONE]\n\n"


def _usage(question: str, content: str) -> dict[str, int]:
    """Characters, not tokens: no language model runs here, nothing is metered."""
    return {"prompt_tokens": len(question), "completion_tokens": len(content),
            "total_tokens": len(question) + len(content)}


def _model_card() -> dict[str, Any]:
    return {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "reportqa"}
