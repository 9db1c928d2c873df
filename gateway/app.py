"""The gateway's FastAPI app."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from common.settings import secret_value
from gateway import metrics
from gateway.api.edge import Edge
from gateway.api.routes import control, dashboard, health, signals, webhook
from gateway.config import GatewaySettings
from gateway.core.controls import Controls
from gateway.core.dispatcher import Dispatcher, Job
from gateway.core.overview import Overview
from gateway.core.sessions import Sessions
from gateway.core.sources import RateLimiter, SourceGuard, parse_networks
from gateway.core.trades_csv import TradesFile
from gateway.core.webhook import WebhookService
from gateway.dashboard.pages import STATIC, assets_missing
from gateway.executor.client import ExecutorClient, MutualTls
from gateway.journal.aio import AsyncJournal
from gateway.journal.records import Trade, now_ms
from gateway.journal.store import Journal
from gateway.notify.events import Event, from_outcome
from gateway.notify.sender import Notifier
from gateway.notify.wiring import build_channels

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


def create_app(settings: GatewaySettings) -> FastAPI:
    tls = None
    if settings.executor_tls_ca and settings.executor_client_cert and settings.executor_client_key:
        tls = MutualTls(
            ca=settings.executor_tls_ca,
            cert=settings.executor_client_cert,
            key=settings.executor_client_key,
            server_name=settings.executor_tls_server_name,
        )
    executor = ExecutorClient(
        settings.executor_addr, settings.executor_timeout_s, settings.readiness_timeout_s, tls=tls
    )
    store = Journal(settings.database_url.get_secret_value())
    store.migrate()
    journal = AsyncJournal(store)
    trades_file = TradesFile(settings.trades_csv)

    def on_trades(signal_id: str, at: int, trades: list[Trade]) -> None:
        trades_file.append({**vars(t), "signal_id": signal_id, "time_ms": at} for t in trades)

    notifier = Notifier(build_channels(settings))

    def on_decided(job: Job, result: dict[str, Any]) -> None:
        signal = job.signal
        event = from_outcome(
            result, venue=signal.venue.value, symbol=signal.symbol, action=signal.action.value
        )
        if event is not None:
            notifier.publish(event)

    dispatcher = Dispatcher(
        journal,
        executor,
        max_age_ms=int(settings.signal_max_age_s * 1000),
        on_trades=on_trades,
        on_decided=on_decided,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await executor.start()
        # The journal is the truth: the file is rebuilt from it, then appended to.
        trades_file.rewrite(store.trades())
        notifier.start()
        await dispatcher.resume()
        watchers = [asyncio.create_task(_watch_backlog(journal))]
        if settings.strategy_silence_s > 0:
            watchers.append(
                asyncio.create_task(_watch_silence(webhooks, notifier, settings.strategy_silence_s))
            )
        try:
            yield
        finally:
            for watcher in watchers:
                watcher.cancel()
            await dispatcher.stop(settings.gateway_grace_s)
            await notifier.drain(2.0)
            await executor.close()
            journal.close()

    # No /openapi.json on the internet-facing port: it would only map the API for a scanner.
    # app.openapi() still builds it, for the fuzz tests.
    app = FastAPI(
        title="tvbridge gateway",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.executor = executor
    app.state.journal = journal
    webhooks = WebhookService(settings, journal, dispatcher, notifier)
    app.state.webhooks = webhooks
    secret = secret_value(settings.session_secret) or secrets.token_hex(32)
    app.state.sessions = Sessions(secret.encode(), settings.session_ttl_s)
    app.state.controls = Controls(executor, journal, notifier)
    app.state.overview = Overview(executor, journal, webhooks)
    missing = assets_missing()
    if missing:
        log.warning(
            "dashboard assets not built; the pages will be unstyled (make setup builds them)",
            extra={"missing": ",".join(missing)},
        )
    guard = SourceGuard(
        allowed=parse_networks(settings.allowed_sources, "ALLOWED_SOURCES"),
        trusted_proxies=parse_networks(settings.trusted_proxies, "TRUSTED_PROXIES"),
        limiter=RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst),
        cert_header=settings.client_cert_header,
        cert_subject=settings.client_cert_subject,
        unauthorized_cost=settings.unauthorized_cost,
    )
    app.state.guard = guard

    app.add_middleware(Edge, guard=guard)

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

    app.include_router(webhook.router)
    app.include_router(health.router)
    app.include_router(signals.router)
    app.include_router(control.router)
    app.include_router(dashboard.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
