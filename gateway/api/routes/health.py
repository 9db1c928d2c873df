"""Liveness, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gateway.api.deps import ExecutorDep

router = APIRouter()


@router.get("/healthz", summary="The gateway process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The executor is reachable and serving")
async def readyz(executor: ExecutorDep) -> JSONResponse:
    if await executor.ready():
        return JSONResponse({"status": "ready", "executor": "serving"})
    return JSONResponse({"status": "not ready", "executor": "unreachable"}, status_code=503)


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
