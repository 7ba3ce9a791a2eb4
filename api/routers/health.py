"""GET /api/health (liveness, never needs a key) and /api/ready (model and index loaded)."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from api.deps import ApiKey, ModelStateDep, without_paths
from api.schemas import ErrorOut, HealthOut, ReadyOut
from reportqa import __version__

router = APIRouter(prefix="/api", tags=["health"])


@router.get("/health", response_model=HealthOut, summary="Liveness: the process answers")
async def health() -> HealthOut:
    return HealthOut(version=__version__)


@router.get("/ready", response_model=ReadyOut, dependencies=[ApiKey],
            responses={503: {"model": ReadyOut, "description": "still loading, or failed to load"},
                       401: {"model": ErrorOut}},
            summary="Readiness: the model and index are loaded")
async def ready(state: ModelStateDep) -> ReadyOut | JSONResponse:
    a = state.assistant
    if a is None:
        detail = (f"failed to load: {without_paths(state.error)}" if state.error
                  else "loading the model and index")
        body = ReadyOut(ready=False, detail=detail)
        return JSONResponse(body.model_dump(), status_code=status.HTTP_503_SERVICE_UNAVAILABLE)
    return ReadyOut(ready=True, detail="ok", model=without_paths(str(a.bundle.manifest.get("model"))),
                    passages=len(a.bundle.passages), documents=len(a.documents),
                    load_seconds=state.load_seconds)
