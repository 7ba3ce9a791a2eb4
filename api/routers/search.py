"""GET /api/search: ranked passages with scores and offsets, no answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from api.deps import ApiKey, AssistantDep
from api.schemas import ERROR_RESPONSES, SearchHitOut, SearchOut
from qa.query import MAX_TOP_K

router = APIRouter(prefix="/api", tags=["search"], dependencies=[ApiKey])


@router.get("/search", response_model=SearchOut, responses=ERROR_RESPONSES,
            summary="Rank the report's passages for a query (hybrid BM25 + dense)")
def search(assistant: AssistantDep,
           q: Annotated[str, Query(description="the query, Chinese or English",
                                   max_length=2000)],
           top_k: Annotated[int, Query(ge=1, le=MAX_TOP_K, description="passages to return")] = 5,
           doc: Annotated[list[str] | None, Query(description="only these documents (ids)")]
           = None,
           ) -> SearchOut:
    try:
        hits = assistant.search(q, top_k=top_k, docs=doc)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from exc
    return SearchOut(query=q, top_k=top_k, hits=[
        SearchHitOut.model_validate({
            "rank": rank, "score": round(h.score, 4), "passage_id": h.passage.id,
            "doc_id": h.passage.doc_id, "section": h.passage.section,
            "period": h.passage.period, "kind": h.passage.kind, "start": h.passage.start,
            "end": h.passage.end, "text": h.passage.text,
        })
        for rank, h in enumerate(hits, 1)
    ])
