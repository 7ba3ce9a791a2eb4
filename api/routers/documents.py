"""GET /api/documents and /api/documents/{id}: the texts that offsets index."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from api.deps import ApiKey, AssistantDep
from api.schemas import ERROR_RESPONSES, DocumentList, DocumentOut, DocumentSummary, ErrorOut

router = APIRouter(prefix="/api", tags=["documents"], dependencies=[ApiKey])


@router.get("/documents", response_model=DocumentList, responses=ERROR_RESPONSES,
            summary="The indexed documents")
async def list_documents(assistant: AssistantDep) -> DocumentList:
    return DocumentList(documents=[_summary(d) for d in assistant.documents.values()])


def _summary(d) -> DocumentSummary:  # noqa: ANN001 - reportqa.types.Document
    p = d.profile
    if p is None:
        return DocumentSummary(id=d.id, title=d.title, chars=len(d.text))
    return DocumentSummary(
        id=d.id, title=p.title or d.title, chars=len(d.text),
        place=p.place.name if p.place else "", place_en=p.place.en if p.place else "",
        kind=p.kind, year=p.result_year, target_year=p.target_year)


@router.get("/documents/{doc_id}", response_model=DocumentOut,
            responses={**ERROR_RESPONSES,
                       404: {"model": ErrorOut, "description": "no such document"}},
            summary="One document's full text, to check citation offsets against")
async def get_document(doc_id: str, assistant: AssistantDep) -> DocumentOut:
    doc = assistant.documents.get(doc_id)
    if doc is None:
        known = ", ".join(sorted(assistant.documents)) or "none"
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            detail=f"no document {doc_id!r}; known: {known}")
    return DocumentOut(id=doc.id, title=doc.title, text=doc.text,
                       profile=doc.profile.to_dict() if doc.profile else None)
