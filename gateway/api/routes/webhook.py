"""POST /webhook: where TradingView sends alerts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from gateway.api.deps import Webhooks

router = APIRouter()


@router.post(
    "/webhook",
    summary="Receive a TradingView alert",
    responses={
        200: {"description": "Decided: executed, rejected, failed or expired (see `status`)"},
        202: {"description": "Accepted; the outcome is not known yet"},
        401: {"description": "Passphrase missing or wrong"},
        422: {"description": "Not a signal: the error names the field"},
        503: {"description": "The executor is unreachable; nothing was placed"},
    },
)
async def webhook(request: Request, webhooks: Webhooks) -> JSONResponse:
    raw = await request.body()
    client_ip = request.client.host if request.client else "unknown"
    reply = await webhooks.handle(raw, client_ip=client_ip)
    return JSONResponse(reply.body, status_code=reply.status_code)
