"""The gateway's FastAPI app: HTTP assembled around the objects gateway/wiring.py builds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from common.errors import TvbridgeError
from gateway import metrics
from gateway.api.edge import Edge
from gateway.api.routes import analytics, control, dashboard, health, ledger, positions, signals, webhook
from gateway.api.routes.webhook import WebhookEndpoint
from gateway.config import GatewaySettings
from gateway.core.controls import Controls
from gateway.core.exit_plans import ExitHandBack
from gateway.core.refusal_log import RefusalLog
from gateway.core.risk_memory import RiskMemoryHandOver
from gateway.core.risk_pauses import RiskPauses
from gateway.core.webhook import WebhookService
from gateway.dashboard.pages import STATIC, assets_missing
from gateway.executor.client import ExecutorClient
from gateway.journal.aio import AsyncJournal
from gateway.journal.records import now_ms
from gateway.notify.events import Event
from gateway.notify.sender import Notifier
from gateway.wiring import Services, build

log = logging.getLogger("gateway.app")


async def _watch_backlog(journal: AsyncJournal) -> None:
    while True:
        try:
            count, oldest = await journal.backlog()
            metrics.BACKLOG.set(count)
            metrics.OLDEST_PENDING_AGE.set((now_ms() - oldest) / 1000 if oldest is not None else 0)
        except Exception as exc:  # a metric must never take the gateway down
            log.warning("backlog not measured", extra={"reason": type(exc).__name__})
        await asyncio.sleep(2)


async def _watch_silence(webhooks: WebhookService, notifier: Notifier, silence_s: float) -> None:
    while True:
        await asyncio.sleep(min(60.0, max(0.2, silence_s / 4)))
        for name, quiet_for in webhooks.quiet_strategies(silence_s):
            minutes = int(quiet_for // 60)
            notifier.publish(
                Event("quiet", f"strategy {name} has sent nothing for {minutes} min ({quiet_for:.0f} s)")
            )


async def _summarise_refusals(refusals: RefusalLog) -> None:
    while True:
        await asyncio.sleep(refusals.interval_s)
        refusals.flush()


async def _hand_over_switch(
    executor: ExecutorClient,
    controls: Controls,
    pauses: RiskPauses,
    exits: ExitHandBack,
    memory: RiskMemoryHandOver,
) -> None:
    """On every (re)connect to the executor, hand it the risk limits' memory (what they counted
    before a restart), the journal's risk pauses and kill switch, then the exit plans of recent
    entries (a restarted executor remembers none). Until it has the switch, the executor refuses
    every signal as a condition to retry, so none is lost or traded on a stale default; the
    memory and pauses go first, so none is traded past a recorded pause or a limit spent before
    the restart (the memory before the pauses: a resume since the executor's start forgives what
    it remembers). Retried here until it takes them all or the connection is lost again."""
    async for _ in executor.connections():
        delay = 0.2
        handed = False
        while executor.channel_up():
            try:
                if not handed:
                    await memory.hand_over()
                    await pauses.hand_over()
                    await controls.hand_over()
                    executor.switch_handed_over()
                    handed = True
                await exits.hand_back()
                break
            except Exception as exc:  # the journal or the executor: try again while connected
                reason = exc.message if isinstance(exc, TvbridgeError) else type(exc).__name__
                what = "exit plans" if handed else "risk memory, pauses and trading switch"
                log.warning(f"{what} not handed over yet", extra={"reason": reason})
            await asyncio.sleep(delay)
            delay = min(5.0, delay * 2)


def _lifespan(services: Services) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    settings = services.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await services.executor.start()
        # The journal is the truth: the file is rebuilt from it, then appended to.
        services.trades_file.rewrite(services.ledger.ledger.every_fill())
        services.notifier.start()
        await services.dispatcher.resume()
        services.keeper_feed.start()
        if services.telegram is not None:
            services.telegram.start()
        watchers = [
            asyncio.create_task(_watch_backlog(services.journal)),
            asyncio.create_task(
                _hand_over_switch(
                    services.executor,
                    services.controls,
                    services.risk_pauses,
                    services.exit_hand_back,
                    services.risk_memory,
                )
            ),
            asyncio.create_task(_summarise_refusals(services.refusals)),
        ]
        if settings.strategy_silence_s > 0:
            watchers.append(
                asyncio.create_task(
                    _watch_silence(services.webhooks, services.notifier, settings.strategy_silence_s)
                )
            )
        try:
            yield
        finally:
            for watcher in watchers:
                watcher.cancel()
            services.refusals.flush()  # what was counted since the last summary
            if services.telegram is not None:
                await services.telegram.stop()
            await services.keeper_feed.stop()
            await services.dispatcher.stop(settings.gateway_grace_s)
            await services.notifier.drain(2.0)
            await services.executor.close()
            services.journal.close()

    return lifespan


def create_app(settings: GatewaySettings) -> FastAPI:
    services = build(settings)
    # No /openapi.json on the internet-facing port: it would only map the API for a scanner.
    # app.openapi() still builds it, for the fuzz tests.
    app = FastAPI(
        title="tvbridge gateway",
        version="0.1.0",
        lifespan=_lifespan(services),
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # FastAPI's own OpenTelemetry asks the environment, per request, whether a provider is
        # configured; none ever is here.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.services = services  # read by gateway/api/deps.py, and nothing else
    missing = assets_missing()
    if missing:
        log.warning(
            "dashboard assets not built; the pages will be unstyled (make setup builds them)",
            extra={"missing": ",".join(missing)},
        )

    app.add_middleware(
        Edge,
        guard=services.guard,
        refusals=services.refusals,
        webhook=WebhookEndpoint(services.webhooks, settings.max_body_bytes),
    )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"error": {"code": "http_" + str(exc.status_code), "message": str(exc.detail)}},
            status_code=exc.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            {"error": {"code": "invalid_request", "message": str(exc.errors())}}, status_code=422
        )

    for router in (
        webhook.router,
        health.router,
        signals.router,
        control.router,
        dashboard.router,
        positions.router,
        ledger.router,
        analytics.router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
