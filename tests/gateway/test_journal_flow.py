"""The webhook's journal in use: repeats, refusals, the outcome view, trades.csv, resume, order."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi.testclient import TestClient
from pydantic import SecretStr

from executor.config import ExecutorSettings
from executor.core.model import Venue
from executor.server import RunningExecutor, start
from executor.venues.bingx.adapter import BingxAdapter
from gateway.api.errors import status_of
from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.journal.store import Journal
from tests.support.inproc import RunningSimulator
from tools.processes import free_port, wait_until

PASSPHRASE = "journal-flow-passphrase-7"
AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}


def settings(port: int, **fields: Any) -> GatewaySettings:
    return GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{port}",
        **fields,
    )


@pytest.fixture
def client(executor: RunningExecutor) -> Iterator[TestClient]:
    with TestClient(create_app(settings(executor.port))) as c:
        yield c


def signal(**fields: Any) -> dict[str, Any]:
    return {"action": "buy", "ticker": "BTCUSDT", "quantity": "0.01", "passphrase": PASSPHRASE, **fields}


def orders(sim: RunningSimulator) -> int:
    return sum(len(a.orders) for a in sim.sim.exchanges["bingx"].accounts.values())


def journal() -> Journal:
    return Journal(os.environ["DATABASE_URL"])


def test_the_same_explicit_id_four_times_places_one_order(
    client: TestClient, simulator: RunningSimulator
) -> None:
    answers = [client.post("/webhook", json=signal(id="tv-42")) for _ in range(4)]
    assert [a.status_code for a in answers] == [200] * 4
    assert {a.json()["status"] for a in answers} == {"executed"}
    assert [a.json().get("duplicate", False) for a in answers] == [False, True, True, True]
    assert {a.json()["orders"][0]["order_id"] for a in answers} == {
        answers[0].json()["orders"][0]["order_id"]
    }
    assert orders(simulator) == 1


def test_an_identical_body_repeats_only_within_the_dedupe_window(
    executor: RunningExecutor, simulator: RunningSimulator
) -> None:
    with TestClient(create_app(settings(executor.port, dedupe_window_s=0.3))) as c:
        first = c.post("/webhook", json=signal())
        repeat = c.post("/webhook", json=signal())
        assert repeat.json()["signal_id"] == first.json()["signal_id"]
        assert wait_until(lambda: c.post("/webhook", json=signal()).json().get("duplicate") is None, 5)
    assert orders(simulator) == 2


def test_a_refused_signal_is_journalled_as_rejected(client: TestClient, simulator: RunningSimulator) -> None:
    resp = client.post("/webhook", json=signal(quantity="{{strategy.order.contracts}}"))
    assert resp.status_code == 422
    [row] = [r for r in journal().statuses().items() if r[1] == "rejected"]
    stored = journal().get(row[0])
    assert stored is not None and "placeholder" in stored["reason"]
    assert PASSPHRASE not in stored["body"]
    assert orders(simulator) == 0


def test_the_outcome_view_needs_a_passphrase_and_hides_it(client: TestClient) -> None:
    signal_id = client.post("/webhook", json=signal(id="tv-view")).json()["signal_id"]
    assert client.get(f"/signals/{signal_id}").status_code == 401
    assert (
        client.get(f"/signals/{signal_id}", headers={"Authorization": "Bearer wrong-guess-123"}).status_code
        == 401
    )
    assert client.get("/signals/nope", headers=AUTH).status_code == 404
    view = client.get(f"/signals/{signal_id}", headers=AUTH)
    assert view.status_code == 200
    body = view.json()
    assert (body["status"], body["journal"]["attempts"]) == ("executed", 1)
    assert body["journal"]["body"]["passphrase"] == "***"
    assert PASSPHRASE not in view.text


def test_trades_csv_is_written_from_the_ledger_and_downloadable(client: TestClient) -> None:
    answer = client.post("/webhook", json=signal(id="tv-csv", strategy="ema")).json()
    client.post("/webhook", json=signal(id="tv-test", test=True))  # test signals trade nothing
    written = Path(os.environ["TRADES_CSV"])
    # The fill reaches the ledger through the executor's keeper feed, beside the answer.
    assert wait_until(lambda: len(written.read_text(encoding="utf-8").splitlines()) == 2, 10)
    download = client.get("/trades.csv", headers=AUTH)
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert client.get("/trades.csv").status_code == 401
    rows = list(csv.DictReader(io.StringIO(download.text)))
    order = answer["orders"][0]
    # The seed's columns first, in their order; the ledger's after them.
    assert list(rows[0])[:8] == ["time", "venue", "symbol", "side", "qty", "price", "order_id", "signal_id"]
    assert [
        (r["venue"], r["symbol"], r["side"], r["qty"], r["price"], r["order_id"], r["signal_id"])
        for r in rows
    ] == [("bingx", "BTC-USDT", "buy", "0.01", order["avg_price"], order["order_id"], "tv-csv")]
    [row] = rows
    assert (row["strategy"], row["source"], row["fee_asset"]) == ("ema", "signal", "USDT")
    assert row["trade_id"] and Decimal(row["fee"]) > 0 and Decimal(row["realized_pnl"]) == 0
    assert written.read_text(encoding="utf-8") == download.text


def test_a_restarted_gateway_delivers_what_it_journalled(
    bingx: BingxAdapter, simulator: RunningSimulator
) -> None:
    port = free_port()
    with TestClient(create_app(settings(port, gateway_grace_s=0.2))) as c:
        resp = c.post("/webhook", json=signal(id="tv-kept"))
        assert resp.status_code == 202
    assert journal().get("tv-kept")["status"] == "pending"  # type: ignore[index]
    running = start(
        ExecutorSettings(_env_file=None, executor_port=port, executor_grace_s=1),  # type: ignore[call-arg]
        {(Venue.BINGX, "default"): bingx},
    )
    try:
        with TestClient(create_app(settings(port))) as c:
            assert wait_until(
                lambda: c.get("/signals/tv-kept", headers=AUTH).json()["status"] == "executed", 15
            )
    finally:
        running.stop()
    assert orders(simulator) == 1


def test_a_close_never_overtakes_the_open_before_it(
    executor: RunningExecutor, simulator: RunningSimulator
) -> None:
    slow = {"kind": "latency", "method": "POST", "path": "/openApi/swap/v2/trade/order", "latency_ms": 400}
    requests.put(f"{simulator.url}/_sim/faults", json={"rules": [slow]}, timeout=5).raise_for_status()
    with TestClient(create_app(settings(executor.port, webhook_wait_s=0.05))) as c:
        opened = c.post("/webhook", json=signal(id="open-1"))
        closed = c.post(
            "/webhook",
            json={"action": "close", "ticker": "BTCUSDT", "id": "close-1", "passphrase": PASSPHRASE},
        )
        assert (opened.status_code, closed.status_code) == (202, 202)

        def final(signal_id: str) -> str:
            return str(c.get(f"/signals/{signal_id}", headers=AUTH).json()["status"])

        assert wait_until(lambda: final("close-1") != "pending", 15)
        assert (final("open-1"), final("close-1")) == ("executed", "executed")
    assert (
        simulator.sim.exchanges["bingx"].positions(
            next(iter(simulator.sim.exchanges["bingx"].accounts.values()))
        )
        == []
    )


def test_a_slow_venue_gets_a_202_inside_tradingviews_timeout(
    client: TestClient, simulator: RunningSimulator
) -> None:
    slow = {"kind": "latency", "method": "POST", "path": "/openApi/swap/v2/trade/order", "latency_ms": 3500}
    requests.put(f"{simulator.url}/_sim/faults", json={"rules": [slow]}, timeout=5).raise_for_status()
    started = time.monotonic()
    resp = client.post("/webhook", json=signal(id="tv-slow"))
    assert time.monotonic() - started < 2.8  # WEBHOOK_WAIT_S is 2 s; TradingView gives up at 3
    assert (resp.status_code, resp.json()["signal_id"], resp.json()["status"]) == (202, "tv-slow", "pending")
    assert wait_until(lambda: client.get("/signals/tv-slow", headers=AUTH).json()["status"] == "executed", 15)
    assert orders(simulator) == 1


def test_a_signal_never_sent_before_its_max_age_expires(simulator: RunningSimulator) -> None:
    with TestClient(create_app(settings(free_port(), signal_max_age_s=1.0))) as c:
        resp = c.post("/webhook", json=signal(id="tv-late"))
        assert resp.status_code in (200, 202)  # expired within the webhook's wait, or just after
        assert wait_until(lambda: c.get("/signals/tv-late", headers=AUTH).json()["status"] == "expired", 10)
        view = c.get("/signals/tv-late", headers=AUTH).json()
        assert "nothing was placed" in view["reason"] and view["journal"]["attempts"] == 0
    assert orders(simulator) == 0


def test_time_queued_before_the_handler_counts_against_the_wait(
    client: TestClient, simulator: RunningSimulator
) -> None:
    """In a burst a request may wait its turn; its answer is still due WEBHOOK_WAIT_S after it
    arrived, not after it was journalled, so TradingView hears back inside its 3 s."""
    slow = {"kind": "latency", "method": "POST", "path": "/openApi/swap/v2/trade/order", "latency_ms": 3000}
    requests.put(f"{simulator.url}/_sim/faults", json={"rules": [slow]}, timeout=5).raise_for_status()
    webhooks = client.app.state.services.webhooks  # type: ignore[attr-defined]
    body = json.dumps(signal(id="tv-queued")).encode()
    arrived = time.monotonic() - 1.7  # as if it had queued 1.7 s behind a burst
    started = time.monotonic()
    assert client.portal is not None
    reply = client.portal.call(lambda: webhooks.handle(body, client_ip="127.0.0.1", arrived=arrived))
    assert time.monotonic() - started < 0.8
    assert (status_of(reply), reply.body["status"]) == (202, "pending")
    assert wait_until(
        lambda: client.get("/signals/tv-queued", headers=AUTH).json()["status"] == "executed", 15
    )


def test_the_answer_says_how_long_the_alert_took_here(client: TestClient) -> None:
    timings = client.post("/webhook", json=signal(id="tv-timed")).json()["timings_ms"]
    assert timings["gateway"] >= timings["executor"] >= timings["venue"] > 0
    assert all(isinstance(timings[k], float) for k in ("gateway", "executor", "venue"))  # 0.1 ms
    # Received -> the venue's acknowledgement: after the venue's part, before the answer.
    assert timings["venue"] - 0.5 <= timings["received_to_venue_ack"] <= timings["gateway"] + 0.5


def test_a_burst_on_one_symbol_is_answered_once_recorded_when_its_outcome_cannot_come_in_time(
    client: TestClient, simulator: RunningSimulator
) -> None:
    """Signals queued behind others on their symbol, whose outcome the recent pace says cannot
    come within WEBHOOK_WAIT_S, answer 202 as soon as they are journalled instead of holding the
    connection for the whole wait; every one is still executed, once."""
    slow = {"kind": "latency", "method": "POST", "path": "/openApi/swap/v2/trade/order", "latency_ms": 600}
    requests.put(f"{simulator.url}/_sim/faults", json={"rules": [slow]}, timeout=5).raise_for_status()
    assert client.post("/webhook", json=signal(id="tv-pace")).status_code == 200  # the pace: ~0.6 s
    webhooks = client.app.state.services.webhooks  # type: ignore[attr-defined]
    bodies = [json.dumps(signal(id=f"tv-burst-{n}")).encode() for n in range(6)]

    async def burst() -> list[tuple[float, int]]:
        started = time.monotonic()

        async def one(body: bytes) -> tuple[float, int]:
            reply = await webhooks.handle(body, client_ip="127.0.0.1", arrived=time.monotonic())
            return time.monotonic() - started, status_of(reply)

        return list(await asyncio.gather(*(one(b) for b in bodies)))

    assert client.portal is not None
    answers = client.portal.call(burst)
    early = [took for took, status in answers if status == 202 and took < 1.0]
    assert len(early) >= 2, answers  # the last in the queue: 4 or more deliveries of ~0.6 s ahead
    assert any(status == 200 for _, status in answers), answers  # the first ones still wait for theirs
    for n in range(6):
        assert wait_until(
            lambda n=n: client.get(f"/signals/tv-burst-{n}", headers=AUTH).json()["status"] == "executed",
            15,
        )
    assert orders(simulator) == 7
