"""GET /signals/{id} and GET /trades.csv: what became of a signal, and every fill in the ledger."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import JSONResponse, StreamingResponse

from gateway.api.deps import OWNER_ONLY, LedgerDep, WebhooksDep
from gateway.api.errors import response
from gateway.core.trades_csv import render

router = APIRouter()


@router.get(
    "/signals/{signal_id}",
    summary="A signal's outcome and journal entry",
    dependencies=[OWNER_ONLY],
    responses={401: {"description": "No or wrong bearer passphrase"}, 404: {"description": "Unknown id"}},
)
async def signal(signal_id: str, webhooks: WebhooksDep) -> JSONResponse:
    return response(await webhooks.signal_view(signal_id))


@router.get(
    "/trades.csv",
    summary="Every fill in the ledger, oldest first: the seed's columns, then the ledger's",
    dependencies=[OWNER_ONLY],
)
async def trades_csv(ledger: LedgerDep) -> StreamingResponse:
    rows = await ledger.every_fill()

    def lines() -> Iterator[str]:
        yield from render(rows)

    return StreamingResponse(
        lines(), media_type="text/csv", headers={"Content-Disposition": 'attachment; filename="trades.csv"'}
    )
