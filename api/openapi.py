"""The OpenAPI document, with the stream's event payloads spelled out.

FastAPI documents an SSE route's items as generic `{data, event, id, retry}`;
here each event name gets its own item schema whose `data` is the JSON of one
of `api.schemas`' event models (OpenAPI 3.2's `itemSchema` for event streams).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from api.schemas import (
    AnswerEvent,
    CitationEvent,
    DoneEvent,
    ErrorOut,
    FigureEvent,
    QuestionEvent,
)

STREAM_PATH = "/api/ask/stream"
EVENTS: dict[str, type[BaseModel]] = {
    "question": QuestionEvent, "answer": AnswerEvent, "citation": CitationEvent,
    "figure": FigureEvent,
    "done": DoneEvent, "error": ErrorOut,
}
_REF = "#/components/schemas/{model}"


def install_openapi(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _describe_stream(generate())  # FastAPI's own, cached on app.openapi_schema
        return app.openapi_schema or generate()

    app.openapi = openapi  # type: ignore[method-assign]


def _describe_stream(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    items = []
    for name, model in EVENTS.items():
        js = model.model_json_schema(ref_template=_REF)
        components.update(js.pop("$defs", {}))
        components.setdefault(model.__name__, js)
        items.append({
            "type": "object", "required": ["event", "data"],
            "properties": {
                "event": {"const": name},
                "data": {"type": "string", "contentMediaType": "application/json",
                         "contentSchema": {"$ref": _REF.format(model=model.__name__)}},
                "id": {"type": "string"},
            },
        })
    post = schema["paths"][STREAM_PATH]["post"]
    post["responses"]["200"] = {
        "description": "the answer, then each citation and figure, then done",
        "content": {"text/event-stream": {"itemSchema": {"oneOf": items}}},
    }
    for code, resp in post["responses"].items():
        # Errors before the stream starts are JSON, not events.
        content = resp.get("content", {})
        if code != "200" and "text/event-stream" in content:
            resp["content"] = {"application/json": content.pop("text/event-stream")}
