"""The venue conditions every venue request passes through: counted, marked on the streams'
timeline, and given the faults a test switched on.

A plain ASGI middleware, not Starlette's BaseHTTPMiddleware: that one runs the app in another
task and streams its answer through a queue, which cost the simulator more CPU per order than
the order itself in the bench's candle-close burst, on the same two cores as the system under
test. A request no fault touches goes straight to the app.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence

from starlette.datastructures import MutableHeaders, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.faults import FaultKind, Faults, Fired
from simulator.venue import VenueFacade


class VenueConditions:
    def __init__(
        self,
        app: ASGIApp,
        facades: Sequence[VenueFacade],
        faults: Faults,
        seen: Counter[tuple[str, str]],
    ) -> None:
        self.app = app
        self.facades = facades
        self.faults = faults
        self.seen = seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        facade = next((f for f in self.facades if path.startswith(f.path_prefixes)), None)
        if facade is None:
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        self.seen[(method, path)] += 1
        query = QueryParams(scope.get("query_string", b""))
        if facade.streams is not None:
            facade.streams.timeline.request(method, path, query)
        fired = self.faults.draw(facade.name, method, path, query)
        if not fired:
            await self.app(scope, receive, send)
            return
        await _faulty(self.app, facade, fired, scope, receive, send)


async def _faulty(
    app: ASGIApp, facade: VenueFacade, fired: list[Fired], scope: Scope, receive: Receive, send: Send
) -> None:
    for fault in fired:
        if fault.kind is FaultKind.LATENCY:
            await asyncio.sleep(fault.rule.latency_ms / 1000)
    extra: dict[str, str] = {}
    for fault in fired:
        if fault.kind is FaultKind.HEADERS:
            extra.update(fault.rule.headers)
    hold_s = sum(f.rule.hold_s for f in fired if f.kind is FaultKind.TIMEOUT_AFTER_ACCEPT)
    # The whole answer is kept until the holds are over: the venue acted, its answer is late.
    held: list[Message] = []

    async def keep(message: Message) -> None:
        if message["type"] == "http.response.start" and extra:
            headers = MutableHeaders(scope=message)
            for name, value in extra.items():
                headers[name] = value
        held.append(message)

    refusal = _refusal(facade, fired)
    if refusal is not None:
        await refusal(scope, receive, keep)
    else:
        await app(scope, receive, keep)
    if hold_s:
        await asyncio.sleep(hold_s)
    for message in held:
        await send(message)


def _refusal(facade: VenueFacade, fired: list[Fired]) -> ASGIApp | None:
    """A faulty answer in place of the venue's, or None for the venue's own."""
    for fault in fired:
        if fault.kind is FaultKind.RATE_LIMIT:
            return facade.rate_limited(fault.rule.retry_after_s)
        if fault.kind is FaultKind.HTTP_ERROR:
            return facade.server_error(fault.rule.status)
        if fault.kind is FaultKind.VENUE_ERROR:
            return facade.refusal(fault.rule.code, fault.rule.msg, fault.rule.answer_status)
    return None
