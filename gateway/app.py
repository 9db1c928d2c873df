"""The gateway's FastAPI app."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from gateway import metrics
from gateway.api.routes import health, webhook
from gateway.config import GatewaySettings
from gateway.core.executor_client import ExecutorClient
from gateway.core.webhook import WebhookService

_KNOWN_ROUTES = {"/webhook", "/healthz", "/readyz", "/metrics"}


def create_app(settings: GatewaySettings) -> FastAPI:
    executor = ExecutorClient(
        settings.executor_addr, settings.executor_timeout_s, settings.readiness_timeout_s
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await executor.start()
        try:
            yield
        finally:
            await executor.close()

    app = FastAPI(title="tvbridge gateway", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.executor = executor
    app.state.webhooks = WebhookService(settings, executor)

    @app.middleware("http")
    async def timing(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.url.path if request.url.path in _KNOWN_ROUTES else "other"
        metrics.REQUEST_SECONDS.labels(route).observe(time.perf_counter() - started)
        return response

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
    return app
