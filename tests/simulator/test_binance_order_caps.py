"""Binance's caps on open orders, on the simulator over HTTP: MAX_NUM_ORDERS per symbol with the
conditional (algo) orders counted, and the conditional orders of all symbols together
(docs/venues/binance.md 5.2 and 5.9). The caps are lowered here so a test need not place 200."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import requests

from executor.venues.binance import signing
from simulator.binance import algo, instruments
from tests.support.inproc import BINANCE_API_KEY, BINANCE_SECRET_KEY, RunningSimulator, running_simulator

CAP = 3


def call(sim: RunningSimulator, method: str, path: str, **params: signing.Param) -> tuple[int, Any]:
    query = signing.signed_query(BINANCE_SECRET_KEY, {**params, "timestamp": int(time.time() * 1000)})
    resp = requests.request(
        method, f"{sim.url}{path}?{query}", headers={"X-MBX-APIKEY": BINANCE_API_KEY}, timeout=5
    )
    return resp.status_code, resp.json()


def stop(sim: RunningSimulator, symbol: str = "BTCUSDT", trigger: str = "50000") -> tuple[int, Any]:
    return call(
        sim,
        "POST",
        "/fapi/v1/algoOrder",
        algoType="CONDITIONAL",
        symbol=symbol,
        side="SELL",
        type="STOP_MARKET",
        quantity="0.01" if symbol == "BTCUSDT" else "1",
        triggerPrice=trigger,
        reduceOnly="true",
    )


def resting_limit(sim: RunningSimulator) -> tuple[int, Any]:
    return call(
        sim,
        "POST",
        "/fapi/v1/order",
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        quantity="0.01",
        price="58000",
        timeInForce="GTC",
    )


@pytest.fixture
def capped(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSimulator]:
    """A simulator whose BTCUSDT lists MAX_NUM_ORDERS of 3."""
    defaults = instruments.default_filters()
    btc = replace(defaults["BTC-USDT"], max_open_orders=CAP)
    monkeypatch.setattr(instruments, "default_filters", lambda: {**defaults, "BTC-USDT": btc})
    with running_simulator() as sim:
        yield sim


def test_max_num_orders_counts_the_algo_orders_of_the_symbol(capped: RunningSimulator) -> None:
    info = requests.get(f"{capped.url}/fapi/v1/exchangeInfo", timeout=5).json()
    btc = next(s for s in info["symbols"] if s["symbol"] == "BTCUSDT")
    assert {"filterType": "MAX_NUM_ORDERS", "limit": CAP} in btc["filters"]
    assert resting_limit(capped)[0] == 200
    assert stop(capped)[0] == 200
    assert stop(capped, trigger="49000")[0] == 200
    # Three open on BTCUSDT, one of each kind refused; another symbol has its own room.
    assert stop(capped, trigger="48000") == (400, {"code": -2025, "msg": "Reach max open order limit."})
    assert resting_limit(capped) == (400, {"code": -2025, "msg": "Reach max open order limit."})
    assert stop(capped, symbol="ETHUSDT", trigger="2500")[0] == 200


def test_conditional_orders_are_capped_across_all_symbols(
    simulator: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(algo, "MAX_OPEN_ALGO_ORDERS", CAP)
    assert stop(simulator)[0] == 200
    assert stop(simulator, symbol="ETHUSDT", trigger="2500")[0] == 200
    assert stop(simulator, symbol="SOLUSDT", trigger="100")[0] == 200
    refused = stop(simulator, symbol="XRPUSDT", trigger="0.5")
    assert refused == (400, {"code": -4045, "msg": "Reach max stop order limit."})
    # A cancelled one makes room again.
    _, rows = call(simulator, "GET", "/fapi/v1/openAlgoOrders", symbol="BTCUSDT")
    assert call(simulator, "DELETE", "/fapi/v1/algoOrder", algoId=rows[0]["algoId"])[0] == 200
    assert stop(simulator, symbol="XRPUSDT", trigger="0.5")[0] == 200
