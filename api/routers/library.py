"""Managing the library from the service: POST /api/documents (upload), DELETE
/api/documents/{id}, GET /api/library (the rebuild's status).

Writes need an API key configured (`REPORTQA_API_KEY`) and sent; without one the
service answers questions but its library is changed only with `reportqa index`.
A change is checked at once (4xx otherwise) and applied by a background rebuild:
202 Accepted, then GET /api/library says when it is served (`api.library`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile, status
from fastapi.concurrency import run_in_threadpool

from api.deps import ApiKey, AssistantDep, SettingsDep
from api.library import Library, LibraryError
from api.schemas import ERROR_RESPONSES, ErrorOut, LibraryAccepted, LibraryStatus

router = APIRouter(prefix="/api", tags=["library"], dependencies=[ApiKey])

WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    403: {"model": ErrorOut, "description": "no API key is configured: the library is read-only"},
    404: {"model": ErrorOut, "description": "no such document"},
    409: {"model": ErrorOut, "description": "the id exists (send replace=true), or the last one"},
    415: {"model": ErrorOut, "description": "a file type the library does not read"},
}


def get_library(request: Request, _: AssistantDep) -> Library:
    return request.app.state.library


LibraryDep = Annotated[Library, Depends(get_library)]


def _writable(settings: SettingsDep) -> None:
    if settings.api_key is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            detail="the library is read-only: start the service with "
                                   "REPORTQA_API_KEY set to add or delete documents")


Writable = Depends(_writable)


@router.post("/documents", status_code=status.HTTP_202_ACCEPTED, response_model=LibraryAccepted,
             responses=WRITE_ERRORS, dependencies=[Writable],
             summary="Add (or replace) a document: .txt .md .docx .pdf .html .xlsx")
async def upload(library: LibraryDep,
                 file: Annotated[UploadFile, File(description="the document")],
                 replace: Annotated[bool, Form(description="replace a document of the same "
                                                           "id (its file name)")] = False
                 ) -> dict[str, Any]:
    data = await file.read()
    try:
        return await run_in_threadpool(library.add, file.filename or "", data, replace)
    except LibraryError as exc:
        raise HTTPException(exc.status, detail=str(exc)) from exc


@router.delete("/documents/{doc_id}", status_code=status.HTTP_202_ACCEPTED,
               responses=WRITE_ERRORS, dependencies=[Writable],
               summary="Remove a document from the library")
async def delete(doc_id: str, library: LibraryDep) -> dict[str, Any]:
    try:
        return library.delete(doc_id)
    except LibraryError as exc:
        raise HTTPException(exc.status, detail=str(exc)) from exc


@router.get("/library", response_model=LibraryStatus, responses=ERROR_RESPONSES,
            summary="Whether accepted changes are served yet")
async def library_status(library: LibraryDep) -> dict[str, Any]:
    return library.status()
