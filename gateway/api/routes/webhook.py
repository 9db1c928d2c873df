"""POST /webhook: where TradingView sends alerts.

Answered ahead of FastAPI's routing: the edge (gateway/api/edge.py) hands the request to
`WebhookEndpoint`, plain ASGI, so an alert pays for no route matching, no dependency solving
and no hop to a worker thread, which together cost a refusal several times the rest of its work
(bench/profiles/2026-11-30-before-issue-19.md). The route below declares it for the OpenAPI
schema and, should a request reach the router, answers alike: both read the body through
`_reply`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from common.errors import ErrorClass
from gateway import metrics
from gateway.api.deps import ClientIpDep, SettingsDep, WebhooksDep
from gateway.api.edge import WEBHOOK, header
from gateway.api.errors import Answer, response
from gateway.api.schema import WEBHOOK_BODY
from gateway.core.reply import Reply, error_reply
from gateway.core.webhook import PASSPHRASE_REFUSED, WebhookService

router = APIRouter()


class WebhookEndpoint:
    def __init__(self, webhooks: WebhookService, max_body_bytes: int) -> None:
        self.webhooks = webhooks
        self.max_body_bytes = max_body_bytes
        # Rendered once: a flood of wrong passphrases is answered with the same bytes each time.
        self._passphrase_refused = Answer(PASSPHRASE_REFUSED)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope["state"]  # the edge's: whom it believed, and when the request arrived
        try:
            reply = await _reply(
                self.webhooks,
                self.max_body_bytes,
                _received(receive),
                header(scope, b"content-length"),
                client_ip=state["client_ip"],
                arrived=state["arrived"],
            )
        except ClientDisconnect:
            return  # gone before the body was in: nothing was read, and nobody to answer
        answer = self._passphrase_refused if reply is PASSPHRASE_REFUSED else Answer(reply)
        await answer.send(send)


@router.post(
    WEBHOOK,
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
    reply = await _reply(
        webhooks,
        settings.max_body_bytes,
        request.stream(),
        request.headers.get("content-length"),
        client_ip=client_ip,
        arrived=request.state.arrived,
    )
    return response(reply)


async def _reply(
    webhooks: WebhookService,
    limit: int,
    chunks: AsyncIterator[bytes],
    declared_length: str | None,
    *,
    client_ip: str,
    arrived: float,
) -> Reply:
    raw = await _bounded_body(chunks, declared_length, limit)
    if raw is None:
        metrics.WEBHOOK_OUTCOME["too_large"].inc()
        return error_reply(
            ErrorClass.PAYLOAD_TOO_LARGE, f"the body is over {limit} bytes; an alert is far smaller"
        )
    # Timed from when the edge first saw the request, queueing included.
    return await webhooks.handle(raw, client_ip=client_ip, arrived=arrived)


async def _bounded_body(chunks: AsyncIterator[bytes], declared: str | None, limit: int) -> bytes | None:
    """The body, or None once it passes `limit` bytes (read no further than that)."""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    parts, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
    return b"".join(parts)


async def _received(receive: Receive) -> AsyncIterator[bytes]:
    """The body's chunks as the server passes them on (what Request.stream() reads)."""
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientDisconnect
        yield message.get("body", b"")
        if not message.get("more_body", False):
            return
