"""The edge: who is calling, may they, and how long it took, ahead of every route.

A plain ASGI middleware rather than Starlette's BaseHTTPMiddleware: that one runs the app in
a separate task and streams the response through a queue, which cost about a millisecond per
webhook, on the path every order waits on.
"""

from __future__ import annotations

import logging
import time

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.errors import ErrorClass
from gateway import metrics
from gateway.api.errors import refusal
from gateway.core.sources import SourceGuard

log = logging.getLogger("gateway.edge")


class Edge:
    def __init__(self, app: ASGIApp, guard: SourceGuard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        headers = Headers(scope=scope)
        peer = scope["client"][0] if scope.get("client") else ""
        client = self.guard.client(peer, headers.get("x-forwarded-for"))
        state = scope.setdefault("state", {})
        state["client_ip"] = client
        state["arrived"] = time.monotonic()
        status = 0

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            response = self._refusal(path, peer, client, headers)
            if response is not None:
                await response(scope, receive, send_noting_status)
            else:
                await self.app(scope, receive, send_noting_status)
        finally:
            if status == 401:
                self.guard.penalise(client)  # a wrong passphrase costs more than a right one
            route = path if path in metrics.ROUTES else "other"
            metrics.REQUEST_SECONDS.labels(route).observe(time.perf_counter() - started)

    def _refusal(self, path: str, peer: str, client: str, headers: Headers) -> JSONResponse | None:
        if not self.guard.limiter.allow(client):
            if path == "/webhook":
                metrics.WEBHOOKS.labels("limited").inc()
            return refusal(
                ErrorClass.TOO_MANY_REQUESTS,
                "too many requests from this address",
                {"Retry-After": str(self.guard.limiter.retry_after_s())},
            )
        if path == "/webhook":
            why = self.guard.webhook_refusal(peer, client, dict(headers))
            if why is not None:
                metrics.WEBHOOKS.labels("forbidden").inc()
                log.warning("webhook refused", extra={"client_ip": client, "reason": why})
                return refusal(ErrorClass.FORBIDDEN, why)
        return None
