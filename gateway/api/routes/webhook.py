"""POST /webhook: where TradingView sends alerts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from common.errors import ErrorClass
from gateway import metrics
from gateway.api.deps import ClientIpDep, SettingsDep, WebhooksDep
from gateway.api.errors import response
from gateway.api.schema import WEBHOOK_BODY
from gateway.core.reply import error_reply

router = APIRouter()


@router.post(
    "/webhook",
    summary="Receive a TradingView alert",
    openapi_extra=WEBHOOK_BODY,
    responses={
        200: {"description": "Decided: executed, rejected, failed or expired (see `status`)"},
        202: {"description": "Accepted; the outcome is not known yet"},
        401: {"description": "Passphrase missing or wrong"},
        403: {"description": "The sender is not on the allow-list, or has no verified client certificate"},
        413: {"description": "The body is too large"},
        429: {"description": "Too many requests from this address"},
        422: {"description": "Not a signal: the error names the field"},
        503: {"description": "The executor is unreachable; nothing was placed"},
    },
)
async def webhook(
    request: Request, webhooks: WebhooksDep, settings: SettingsDep, client_ip: ClientIpDep
) -> JSONResponse:
    raw = await _bounded_body(request, settings.max_body_bytes)
    if raw is None:
        metrics.WEBHOOKS.labels("too_large").inc()
        reply = error_reply(
            ErrorClass.PAYLOAD_TOO_LARGE,
            f"the body is over {settings.max_body_bytes} bytes; an alert is far smaller",
        )
    else:
        # Timed from when the edge first saw the request, queueing included.
        reply = await webhooks.handle(raw, client_ip=client_ip, arrived=request.state.arrived)
    return response(reply)


async def _bounded_body(request: Request, limit: int) -> bytes | None:
    """The body, or None once it passes `limit` bytes (read no further than that)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
