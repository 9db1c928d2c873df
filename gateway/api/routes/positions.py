"""GET /api/positions: what the executor's position keeper watches, per venue and account:
each position with its protective orders and exit plan."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from common.errors import TvbridgeError
from gateway.api.deps import OWNER_ONLY, ExecutorDep
from gateway.api.errors import refusal
from gateway.core.signal import Venue

router = APIRouter()


@router.get(
    "/api/positions",
    summary="Open positions with their protective orders and exit plans, and the stream's health",
    dependencies=[OWNER_ONLY],
    responses={
        422: {"description": "A bad filter, or no account configured for it"},
        503: {"description": "The executor cannot be reached"},
    },
)
async def positions(
    executor: ExecutorDep,
    venue: Venue | None = None,
    account: Annotated[str, Query(max_length=64)] = "",
) -> JSONResponse:
    try:
        accounts = await executor.positions(venue, account.strip())
    except TvbridgeError as exc:
        return refusal(exc.error_class, exc.message)
    return JSONResponse({"accounts": [a.view() for a in accounts]})
