"""POST /webhook's own path, past FastAPI's routing (gateway/api/edge.py, routes/webhook.py):
no worker thread on it, a flood of refusals logged as one line and a summary, and the route
FastAPI declares answering as the edge does."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

import anyio.to_thread
import pytest
import requests
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from pydantic import SecretStr
from starlette.types import Receive, Scope, Send

from executor.server import RunningExecutor
from gateway.api.edge import Edge
from gateway.app import create_app
from gateway.config import GatewaySettings
from tests.support.inproc import serve_app
from tools.processes import free_port

PASSPHRASE = "path-passphrase-Qm27z"
TV = "52.89.214.238"


def settings(executor_port: int, **fields: Any) -> GatewaySettings:
    return GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{executor_port}",
        **fields,
    )


@contextmanager
def gateway(executor_port: int, **fields: Any) -> Iterator[tuple[str, FastAPI]]:
    app = create_app(settings(executor_port, **fields))
    port = free_port()
    with serve_app(app, port):
        yield f"http://127.0.0.1:{port}", app


@contextmanager
def worker_thread_calls() -> Iterator[list[str]]:
    """What FastAPI and Starlette hand to AnyIO's worker threads meanwhile (run_in_threadpool
    and a plain `def` dependency or route go through anyio.to_thread.run_sync)."""
    calls: list[str] = []
    real = anyio.to_thread.run_sync

    async def noted(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        calls.append(repr(func))
        return await real(func, *args, **kwargs)

    with patch.object(anyio.to_thread, "run_sync", noted):
        yield calls


def alert(**fields: Any) -> str:
    body = {"action": "buy", "ticker": "BTCUSDT", "quantity": 0.001, "test": True, "passphrase": PASSPHRASE}
    return json.dumps(body | fields)


def unauthorized() -> float:
    return REGISTRY.get_sample_value("tvbridge_gateway_webhooks_total", {"outcome": "unauthorized"}) or 0.0


def test_no_webhook_waits_on_a_worker_thread(executor: RunningExecutor) -> None:
    """Every kind of answer the webhook gives, the accepted order's included; then a request
    that does take a worker thread, to show the count sees one."""
    with gateway(
        executor.port, allowed_sources="tradingview", trusted_proxies="127.0.0.1", max_body_bytes=2048
    ) as (base, _):
        url, tv = f"{base}/webhook", {"X-Forwarded-For": TV}
        sent = [
            (alert(), tv, 200),
            (alert(action="heartbeat", strategy="x"), tv, 200),
            (alert(passphrase="a-wrong-guess"), tv, 401),
            ("{not json", tv, 422),
            (alert(quantity=None), tv, 422),
            (alert(note="x" * 4000), tv, 413),
            (alert(), {}, 403),  # the proxy's own address is no sender
        ]
        with worker_thread_calls() as calls:
            for body, headers, status in sent:
                assert requests.post(url, data=body, headers=headers, timeout=10).status_code == status
        assert calls == []
        with worker_thread_calls() as calls:
            assert requests.get(f"{base}/static/kit.js", headers=tv, timeout=10).status_code == 200
        assert calls, "StaticFiles looks files up on a worker thread: the count must see it"


def test_a_flood_of_wrong_passphrases_is_one_line_then_a_summary(
    executor: RunningExecutor, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    before = unauthorized()
    with gateway(executor.port, rate_limit_per_s=0) as (base, app):
        for n in range(30):
            answer = requests.post(f"{base}/webhook", data=alert(passphrase=f"guess-{n}"), timeout=10)
            assert answer.status_code == 401
        refused = [r for r in caplog.records if r.getMessage().startswith("webhook with a missing")]
        assert len(refused) == 1 and refused[0].__dict__["client_ip"] == "127.0.0.1"
        assert unauthorized() == before + 30  # the metric still counts every one
        app.state.services.refusals.flush()
    summaries = [r for r in caplog.records if r.name == "gateway.refusals"]
    assert [(r.levelno, r.__dict__["refused"], r.__dict__["outcomes"]) for r in summaries] == [
        (logging.WARNING, 29, {"unauthorized": 29})
    ]


def test_the_declared_route_answers_as_the_edge_does(executor: RunningExecutor) -> None:
    """The route FastAPI declares (the OpenAPI schema's) is passed over by the edge; reached
    through FastAPI's routing, it gives the same answers, byte for byte."""
    config = settings(executor.port, max_body_bytes=2048)
    app, unedged = create_app(config), create_app(config)
    unedged.user_middleware = [m for m in unedged.user_middleware if m.cls is not Edge]  # type: ignore[comparison-overlap]

    async def routed(scope: Scope, receive: Receive, send: Send) -> None:
        # What the edge would have noted on its way past.
        scope.setdefault("state", {}).update(client_ip="127.0.0.1", arrived=time.monotonic())
        await unedged(scope, receive, send)

    assert "post" in app.openapi()["paths"]["/webhook"]
    # No lifespan: nothing here reaches the executor.
    edge, router = TestClient(app), TestClient(routed)
    for body in [alert(passphrase="wrong"), "{not json", alert(quantity=None), alert(note="x" * 4000), ""]:
        by_edge, by_router = edge.post("/webhook", content=body), router.post("/webhook", content=body)
        assert (by_router.status_code, by_router.content) == (by_edge.status_code, by_edge.content)
        assert by_router.headers["content-type"] == by_edge.headers["content-type"] == "application/json"
