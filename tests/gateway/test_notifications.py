"""Notifications to local fakes of Telegram, Discord and a webhook, over real HTTP."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from pydantic import SecretStr

from executor.config import ExecutorSettings
from executor.core.model import Venue
from executor.server import RunningExecutor, start
from executor.venues.bingx.adapter import BingxAdapter
from gateway.app import create_app
from gateway.config import GatewaySettings
from tests.support.inproc import API_KEY, RunningSimulator, serve_app
from tools.processes import free_port, wait_until

PASSPHRASE = "notify-passphrase-0042"
BOT_TOKEN = "123456:TEST-bot-token-abcdefghij"


@dataclass
class Fakes:
    url: str
    received: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"telegram": [], "discord": [], "hook": []}
    )
    failures_left: dict[str, int] = field(default_factory=dict)
    delay_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def texts(self, channel: str) -> list[str]:
        key = {"telegram": "text", "discord": "content", "hook": "message"}[channel]
        with self.lock:
            return [str(m[key]) for m in self.received[channel]]


@pytest.fixture
def fakes() -> Iterator[Fakes]:
    app = FastAPI()
    port = free_port()
    state = Fakes(f"http://127.0.0.1:{port}")

    async def record(channel: str, request: Request) -> JSONResponse:
        body = await request.json()
        if state.delay_s:
            await asyncio.sleep(state.delay_s)  # a slow API
        with state.lock:
            if state.failures_left.get(channel, 0) > 0:
                state.failures_left[channel] -= 1
                return JSONResponse({"ok": False}, status_code=502)
            state.received[channel].append(body)
        return JSONResponse({"ok": True})

    @app.post("/bot{token}/sendMessage")
    async def telegram(token: str, request: Request) -> JSONResponse:
        assert token == BOT_TOKEN
        return await record("telegram", request)

    @app.post("/discord/hook")
    async def discord(request: Request) -> JSONResponse:
        return await record("discord", request)

    @app.post("/hook")
    async def hook(request: Request) -> JSONResponse:
        return await record("hook", request)

    with serve_app(app, port):
        yield state


def gateway(executor: RunningExecutor, fakes: Fakes, **fields: Any) -> TestClient:
    config = GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{executor.port}",
        telegram_bot_token=SecretStr(BOT_TOKEN),
        telegram_chat_id="4242",
        telegram_api_url=fakes.url,
        discord_webhook_url=SecretStr(f"{fakes.url}/discord/hook"),
        notify_webhook_url=SecretStr(f"{fakes.url}/hook"),
        **fields,
    )
    return TestClient(create_app(config))


def signal(**fields: Any) -> dict[str, Any]:
    return {"action": "buy", "ticker": "BTCUSDT", "quantity": 0.001, "passphrase": PASSPHRASE, **fields}


def test_each_outcome_sends_the_exact_message_to_every_channel(
    executor: RunningExecutor, fakes: Fakes
) -> None:
    with gateway(executor, fakes) as client:
        filled = client.post("/webhook", json=signal(id="n-fill")).json()
        client.post("/webhook", json=signal(id="n-test", test=True))  # a dry run is not news
        client.post(
            "/webhook",
            json={"action": "close_short", "ticker": "ETHUSDT", "id": "n-rej", "passphrase": PASSPHRASE},
        )
        client.post("/webhook", json={"action": "buy", "ticker": "BTCUSDT", "passphrase": PASSPHRASE})
        assert wait_until(lambda: len(fakes.texts("hook")) == 3, timeout_s=10)
    order = filled["orders"][0]
    expected = [
        f"tvbridge · Filled: buy BTC-USDT on bingx: buy 0.001 BTC-USDT @ {order['avg_price']}\nsignal n-fill",
        "tvbridge · Rejected: close_short ETH-USDT on bingx: "
        "no open short position in ETH-USDT to close\nsignal n-rej",
        "tvbridge · Rejected: not a signal: quantity: 'buy' needs exactly one size: "
        "quantity (coins), balance (USDT margin), balance_pct, position_pct, risk_pct or risk_usdt",
    ]
    for channel in ("telegram", "discord", "hook"):
        assert sorted(fakes.texts(channel)) == sorted(expected), channel
    assert fakes.received["telegram"][0]["chat_id"] == "4242"
    assert fakes.received["discord"][0]["allowed_mentions"] == {"parse": []}
    hook = next(m for m in fakes.received["hook"] if m["kind"] == "fill")
    assert (hook["source"], hook["signal_id"], hook["details"]["orders"][0]["order_id"]) == (
        "tvbridge",
        "n-fill",
        order["order_id"],
    )


def test_a_failing_notifier_is_retried_then_counted_and_never_costs_the_signal(
    executor: RunningExecutor, fakes: Fakes
) -> None:
    def sample(channel: str, outcome: str) -> float:
        value = REGISTRY.get_sample_value(
            "tvbridge_gateway_notifications_total", {"channel": channel, "outcome": outcome}
        )
        return value or 0.0

    before = {(c, o): sample(c, o) for c in ("webhook", "discord") for o in ("sent", "retried", "failed")}
    fakes.failures_left = {"hook": 2, "discord": 99}
    with gateway(executor, fakes) as client:
        answer = client.post("/webhook", json=signal(id="n-retry"))
        assert answer.json()["status"] == "executed"
        assert wait_until(lambda: len(fakes.texts("hook")) == 1, timeout_s=15)
        assert wait_until(
            lambda: sample("discord", "failed") == before[("discord", "failed")] + 1, timeout_s=15
        )
    assert sample("webhook", "retried") == before[("webhook", "retried")] + 2
    assert sample("webhook", "sent") == before[("webhook", "sent")] + 1
    assert sample("discord", "retried") == before[("discord", "retried")] + 2  # three attempts in all
    assert fakes.texts("discord") == []


def test_a_slow_notifier_never_slows_a_signal(executor: RunningExecutor, fakes: Fakes) -> None:
    fakes.delay_s = 2.0
    with gateway(executor, fakes) as client:
        client.post("/webhook", json=signal(id="n-warm", test=True))
        started = time.monotonic()
        for n in range(3):
            assert client.post("/webhook", json=signal(id=f"n-slow-{n}")).json()["status"] == "executed"
        assert time.monotonic() - started < 1.5


def test_a_quiet_strategy_is_reported_once(executor: RunningExecutor, fakes: Fakes) -> None:
    with gateway(executor, fakes, strategies="ema", strategy_silence_s=0.5) as client:
        assert wait_until(lambda: any("strategy ema has sent nothing" in t for t in fakes.texts("hook")), 10)
        time.sleep(1.0)
        assert sum("strategy ema" in t for t in fakes.texts("hook")) == 1
        client.post("/webhook", json={"action": "heartbeat", "strategy": "ema", "passphrase": PASSPHRASE})
        assert wait_until(lambda: sum("strategy ema" in t for t in fakes.texts("hook")) == 2, 10)


def test_the_trading_switch_is_announced(executor: RunningExecutor, fakes: Fakes) -> None:
    with gateway(executor, fakes) as client:
        auth = {"Authorization": f"Bearer {PASSPHRASE}"}
        client.post("/api/trading", json={"enabled": False, "reason": "maintenance"}, headers=auth)
        client.post("/api/trading", json={"enabled": True}, headers=auth)
        assert wait_until(lambda: len(fakes.texts("telegram")) == 2, timeout_s=10)
    assert fakes.texts("telegram") == [
        "tvbridge · Trading switch: trading switched off: maintenance (by api)",
        "tvbridge · Trading switch: trading switched on (by api)",
    ]


def test_a_flatten_is_announced(executor: RunningExecutor, simulator: RunningSimulator, fakes: Fakes) -> None:
    with gateway(executor, fakes) as client:
        auth = {"Authorization": f"Bearer {PASSPHRASE}"}
        assert client.post("/api/flatten", json={"venue": "bingx"}, headers=auth).status_code == 200
        assert wait_until(lambda: len(fakes.texts("telegram")) == 2, timeout_s=10)
    assert fakes.texts("telegram") == [
        "tvbridge · Trading switch: trading switched off: flatten bingx/all accounts (by api)",
        "tvbridge · Flatten: flatten bingx/all accounts: bingx/default: 0 orders cancelled,"
        " 0 positions closed (by api)",
    ]
    assert fakes.received["hook"][1]["kind"] == "flatten"


def test_an_expired_signal_is_told_with_its_reason(executor: RunningExecutor, fakes: Fakes) -> None:
    fired = int(time.time() * 1000) - 120_000  # TradingView fired it two minutes ago
    with gateway(executor, fakes, signal_max_age_s=30) as client:
        answer = client.post("/webhook", json=signal(id="n-old", time=fired)).json()
        assert answer["status"] == "expired"
        assert wait_until(lambda: len(fakes.texts("hook")) == 1, timeout_s=10)
    [text] = fakes.texts("telegram") or [""]
    assert text == f"tvbridge · Expired: buy BTC-USDT on bingx: {answer['reason']}\nsignal n-old"
    assert answer["reason"].startswith("signal is 120.") and answer["reason"].endswith(
        "older than the 30.0s max age"
    )
    assert fakes.received["hook"][0]["kind"] == "expiry"


def test_a_failed_signal_is_told_with_its_reason(simulator: RunningSimulator, fakes: Fakes) -> None:
    # Keys the venue refuses: our side is broken, which is a failure, not a rejection.
    adapter = BingxAdapter("default", simulator.url, API_KEY, "not-the-secret-" + "0" * 32)
    settings = ExecutorSettings(_env_file=None, executor_port=free_port(), executor_grace_s=1)  # type: ignore[call-arg]
    running = start(settings, {(Venue.BINGX, "default"): adapter})
    try:
        with gateway(running, fakes) as client:
            answer = client.post("/webhook", json=signal(id="n-fail")).json()
            assert answer["status"] == "failed", answer
            assert wait_until(lambda: len(fakes.texts("discord")) == 1, timeout_s=10)
    finally:
        running.stop()
        adapter.close()
    assert fakes.texts("discord") == [
        f"tvbridge · FAILED: buy BTC-USDT on bingx: {answer['reason']}\nsignal n-fail"
    ]
    assert fakes.received["hook"][0]["details"]["error"]["code"] == answer["error"]["code"]
