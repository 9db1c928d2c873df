"""GET /signals/{id}: what became of a signal."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from gateway.api.deps import OWNER_ONLY, WebhooksDep
from gateway.api.errors import response

router = APIRouter()


@router.get(
    "/signals/{signal_id}",
    summary="A signal's outcome and journal entry",
    dependencies=[OWNER_ONLY],
    responses={401: {"description": "No or wrong bearer passphrase"}, 404: {"description": "Unknown id"}},
)
async def signal(signal_id: str, webhooks: WebhooksDep) -> JSONResponse:
    return response(await webhooks.signal_view(signal_id))
