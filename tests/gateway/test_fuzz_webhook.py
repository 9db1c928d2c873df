"""Hypothesis-generated bodies against the real gateway, executor and simulator: never a 5xx.

Whatever TradingView (or a stranger) sends, the answer is a decision (200), a refusal that
names its reason (401/422), never a crash. Bodies are built three ways: raw bytes, any JSON,
and signal-shaped objects whose fields take hostile values, so many reach the executor.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from executor.config import ExecutorSettings
from executor.core.model import Venue
from executor.server import RunningExecutor, start
from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.bingx.adapter import BingxAdapter
from gateway.app import create_app
from gateway.config import GatewaySettings
from tools.processes import free_port

PASSPHRASE = "fuzz-passphrase-Hy7Q"
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
any_json = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
hostile_numbers = st.sampled_from(
    [
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "1e-400",
        "-0",
        "0",
        "0.0000000001",
        "1e30",
        "12,5",
        " 1 ",
        "0x10",
    ]
) | st.decimals(allow_nan=False, allow_infinity=False, places=8).map(str)
field_values = (
    json_scalars
    | hostile_numbers
    | st.sampled_from(["{{close}}", "{{ticker}}", "{{strategy.order.action}}", "", " ", "\u0000", "é" * 5])
    | st.lists(json_scalars, max_size=2)
    | st.dictionaries(st.text(max_size=5), json_scalars, max_size=2)
)
# Take-profit ladders: levels with hostile numbers, a missing or an extra key, too many of them.
ladder_levels = st.lists(
    st.fixed_dictionaries(
        {"size_pct": hostile_numbers},
        optional={"price": hostile_numbers, "pct": hostile_numbers, "Size": json_scalars},
    )
    | json_scalars,
    max_size=11,
)
signal_fields = {
    "action": st.sampled_from(
        ["buy", "sell", "long", "short", "close", "exit", "flat", "close_long", "update", "BUY", "x"]
    ),
    "accion": st.sampled_from(["BUY", "SELL", "close"]),
    "ticker": st.sampled_from(
        [
            "BTCUSDT",
            "BTCUSDT.P",
            "BINANCE:BTCUSDT.P",
            "BTC/USDT",
            "BTC-USDT",
            "BTC/USDT:USDT",
            "ETHUSDT",
            "NOPE",
            "",
        ]
    ),
    "exchange": st.sampled_from(["bingx", "BINGX", "binance", "ftx"]),
    "account": st.sampled_from(["default", "other"]),
    "quantity": hostile_numbers,
    "qty": hostile_numbers,
    "balance": hostile_numbers,
    "balance_pct": hostile_numbers,
    "position_pct": hostile_numbers,
    "market_position": st.sampled_from(["long", "short", "flat", "sideways"]),
    "leverage": hostile_numbers,
    "margin_mode": st.sampled_from(["isolated", "cross", "crossed", "bogus"]),
    "order_type": st.sampled_from(["market", "limit", "stop"]),
    "price": hostile_numbers,
    "take_profit": hostile_numbers | ladder_levels,
    "breakeven_after": hostile_numbers,
    "breakeven_offset_pct": hostile_numbers,
    "trail_after": hostile_numbers,
    "trailing_pct": hostile_numbers,
    "stop_loss": hostile_numbers,
    "tp_pct": hostile_numbers,
    "sl_pct": hostile_numbers,
    "reduce_only": st.booleans() | st.sampled_from(["true", "false", "maybe"]),
    "test": st.just(True) | st.booleans(),
    "time": st.sampled_from(
        ["2026-11-21T10:00:00Z", "1700000000000", "yesterday", "-1", "99999999999999999999"]
    ),
    "id": st.text(max_size=80),
    "strategy": st.text(max_size=20),
}
# A valid signal with a few fields replaced or added, so most bodies reach the executor.
valid_base = st.fixed_dictionaries(
    {
        "action": st.sampled_from(["buy", "sell", "close", "close_long", "close_short", "update"]),
        "ticker": st.sampled_from(["BTCUSDT", "ETHUSDT.P", "BINANCE:SOLUSDT.P"]),
        "exchange": st.sampled_from(["bingx", "binance"]),
        "quantity": st.sampled_from(["0.001", "0.01", "0.5", "1"]),
        "test": st.booleans(),
        "passphrase": st.just(PASSPHRASE),
    }
)
mutations = st.lists(
    st.sampled_from(sorted(signal_fields)).flatmap(
        lambda name: st.tuples(st.just(name), signal_fields[name] | field_values)
    ),
    max_size=2,
)
signal_like = st.builds(lambda base, changes: {**base, **dict(changes)}, valid_base, mutations)


@pytest.fixture
def both_venues(bingx: BingxAdapter, binance: BinanceAdapter) -> Iterator[RunningExecutor]:
    config = ExecutorSettings(_env_file=None, executor_port=free_port(), executor_grace_s=1)  # type: ignore[call-arg]
    running = start(config, {(Venue.BINGX, "default"): bingx, (Venue.BINANCE, "default"): binance})
    yield running
    running.stop()


@pytest.fixture
def client(both_venues: RunningExecutor) -> Iterator[TestClient]:
    executor = both_venues
    config = GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{executor.port}",
        executor_timeout_s=5.0,
        rate_limit_per_s=0,  # these bodies probe the parser, not the rate limit (tested on its own)
    )
    with TestClient(create_app(config)) as c:
        yield c


def answered(client: TestClient, content: bytes, content_type: str = "text/plain") -> dict[str, Any]:
    resp = client.post("/webhook", content=content, headers={"Content-Type": content_type})
    assert resp.status_code < 500, (content[:300], resp.status_code, resp.text)
    assert resp.status_code in (200, 202, 401, 413, 422)
    body: dict[str, Any] = resp.json()
    event(f"HTTP {resp.status_code} {body.get('status') or body.get('error', {}).get('code')}")
    assert PASSPHRASE not in resp.text
    return body


@FUZZ
@given(raw=st.binary(max_size=300))
def test_raw_bytes_never_crash_the_gateway(client: TestClient, raw: bytes) -> None:
    answered(client, raw)


@FUZZ
@given(value=any_json)
def test_any_json_never_crashes_the_gateway(client: TestClient, value: Any) -> None:
    answered(client, json.dumps(value).encode(), "application/json")


@FUZZ
@given(body=signal_like)
def test_signal_shaped_bodies_get_a_decision_or_a_named_refusal(
    client: TestClient, body: dict[str, Any]
) -> None:
    reply = answered(client, json.dumps(body).encode())
    if "error" in reply and reply["error"]["code"] == "invalid_signal":
        assert reply["error"].get("field") or reply["error"]["message"]
