"""The edge: who is calling, may they, and how long it took, ahead of every route; and the
webhook's own door (gateway/api/routes/webhook.py), past FastAPI's routing.

A plain ASGI middleware rather than Starlette's BaseHTTPMiddleware: that one runs the app in
a separate task and streams the response through a queue, which cost about a millisecond per
webhook, on the path every order waits on. For the same reason the work here is done once where
it can be: the refusals' answers rendered at start, the metric series resolved, the headers read
straight from the scope.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.errors import ErrorClass
from gateway import metrics
from gateway.api.errors import Answer
from gateway.core.refusal_log import RefusalLog
from gateway.core.reply import error_reply
from gateway.core.sources import SourceGuard

log = logging.getLogger("gateway.edge")

WEBHOOK = "/webhook"


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of header `name` (lower case, as the server passes names on), or None."""
    for key, value in scope["headers"]:
        if key == name:
            text: str = value.decode("latin-1")
            return text
    return None


class Edge:
    def __init__(self, app: ASGIApp, guard: SourceGuard, refusals: RefusalLog, webhook: ASGIApp) -> None:
        self.app = app
        self.guard = guard
        self.refusals = refusals
        self.webhook = webhook  # serves POST /webhook
        self._cert_header = guard.cert_header.encode("latin-1")
        self._limited = Answer(
            error_reply(ErrorClass.TOO_MANY_REQUESTS, "too many requests from this address"),
            {"Retry-After": str(guard.limiter.retry_after_s())},
        )
        self._forbidden: dict[str, Answer] = {}  # by the guard's reason, rendered when first given

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        peer = scope["client"][0] if scope.get("client") else ""
        client = self.guard.client(peer, header(scope, b"x-forwarded-for"))
        state = scope.setdefault("state", {})
        state["client_ip"] = client
        state["arrived"] = time.monotonic()
        noted = _StatusNoted(send)
        try:
            refusal = self._refusal(path, peer, client, scope)
            if refusal is not None:
                await refusal.send(noted)
            elif path == WEBHOOK and scope["method"] == "POST":
                await self.webhook(scope, receive, noted)
            else:
                await self.app(scope, receive, noted)
        finally:
            if noted.status == 401:
                self.guard.penalise(client)  # a wrong passphrase costs more than a right one
            series = metrics.REQUEST_SECONDS_OF.get(path) or metrics.REQUEST_SECONDS_OF["other"]
            series.observe(time.perf_counter() - started)

    def _refusal(self, path: str, peer: str, client: str, scope: Scope) -> Answer | None:
        if not self.guard.limiter.allow(client):
            if path == WEBHOOK:
                metrics.WEBHOOK_OUTCOME["limited"].inc()
            return self._limited
        if path == WEBHOOK:
            subject = header(scope, self._cert_header) if self._cert_header else None
            why = self.guard.webhook_refusal(peer, client, subject)
            if why is not None:
                metrics.WEBHOOK_OUTCOME["forbidden"].inc()
                self.refusals.refused(
                    log, logging.WARNING, "webhook refused", client_ip=client, outcome="forbidden", reason=why
                )
                answer = self._forbidden.get(why)
                if answer is None:
                    answer = self._forbidden[why] = Answer(error_reply(ErrorClass.FORBIDDEN, why))
                return answer
        return None


class _StatusNoted:
    """`send`, noting the status the answer went out with."""

    __slots__ = ("send", "status")

    def __init__(self, send: Send) -> None:
        self.send = send
        self.status = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        await self.send(message)
