"""A stack with a second, hedge-mode account on each venue, and a signed request to its
simulated venue as an owner's own script would send it: accounts are set up through the
venue's API rather than the simulator's."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from executor.core.ports import OpenProtection
from executor.venues.binance import signing as binance_signing
from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.bingx import signing as bingx_signing
from executor.venues.bingx.adapter import BingxAdapter
from tools.processes import wait_until
from tools.stack import LocalStack, start_stack


def signed_call(
    stack: LocalStack, venue: str, keys: tuple[str, str], method: str, path: str, **params: Any
) -> Any:
    """The venue's answer (asserted 200); `keys` is (api key, secret key)."""
    key, secret = keys
    params["timestamp"] = int(time.time() * 1000)
    if venue == "bingx":
        query, header = bingx_signing.signed_query(secret, params), "X-BX-APIKEY"
    else:
        query, header = binance_signing.signed_query(secret, params), "X-MBX-APIKEY"
    resp = requests.request(method, f"{stack.simulator_url}{path}?{query}", headers={header: key}, timeout=5)
    body = resp.json()
    assert resp.status_code == 200, body
    return body


Keys = dict[tuple[str, str], tuple[str, str]]
SYMBOL = {"bingx": "BTC-USDT", "binance": "BTCUSDT"}  # BTC-USDT in each venue's spelling


def hedge_keys(prefix: str) -> Keys:
    """A module's own key sets (its own simulated accounts): each venue's `default`, one-way,
    and `hedge`, which `start_hedge_stack` switches to hedge mode."""
    return {
        (venue, account): (f"{prefix}-{venue}-key-{tag}", f"{prefix}-{venue}-secret-{secret}")
        for venue, tags in (("bingx", ("00a1", "00b2")), ("binance", ("00c3", "00d4")))
        for account, tag, secret in zip(
            ("default", "hedge"), tags, ("0123456789abcdef", "fedcba9876543210"), strict=True
        )
    }


def start_hedge_stack(
    log_dir: Path, keys: Keys, passphrase: str, extra_env: dict[str, str] | None = None
) -> LocalStack:
    """A stack trading on each venue's `default` key set in one-way mode and on a second, named
    one (`hedge`) switched to hedge mode through the venue's own API, as an owner would.
    `keys` maps (venue, account) to (api key, secret key)."""
    running = start_stack(
        log_dir,
        api_key=keys[("bingx", "default")][0],
        secret_key=keys[("bingx", "default")][1],
        passphrase=passphrase,
        extra_env={
            "BINANCE_API_KEY": keys[("binance", "default")][0],
            "BINANCE_SECRET_KEY": keys[("binance", "default")][1],
            # Named key sets, as an owner configures them: name:api_key:secret_key.
            "BINGX_ACCOUNTS": "hedge:{}:{}".format(*keys[("bingx", "hedge")]),
            "BINANCE_ACCOUNTS": "hedge:{}:{}".format(*keys[("binance", "hedge")]),
            **(extra_env or {}),
        },
    )
    try:
        for venue, path in (
            ("bingx", "/openApi/swap/v1/positionSide/dual"),
            ("binance", "/fapi/v1/positionSide/dual"),
        ):
            signed_call(running, venue, keys[(venue, "hedge")], "POST", path, dualSidePosition="true")
    except BaseException:
        running.stop()
        raise
    return running


def set_price(stack: LocalStack, venue: str, price: Decimal, symbol: str = "BTC-USDT") -> None:
    """Move the simulated venue's price (its triggers and trails see every step)."""
    body = {"venue": venue, "symbol": symbol, "price": str(price)}
    resp = requests.post(f"{stack.simulator_url}/_sim/price", json=body, timeout=5)
    assert resp.status_code == 200, resp.text


def decided(
    stack: LocalStack, body: dict[str, Any], passphrase: str, status: str = "executed"
) -> dict[str, Any]:
    """Send an alert and wait for the journal's final word on it, asserted `status`."""
    resp = requests.post(f"{stack.gateway_url}/webhook", data=json.dumps(body), timeout=10)
    assert resp.status_code in (200, 202, 422), resp.text
    seen: dict[str, Any] = {}
    auth = {"Authorization": f"Bearer {passphrase}"}

    def final() -> bool:
        seen.update(requests.get(f"{stack.gateway_url}/signals/{body['id']}", headers=auth, timeout=5).json())
        return seen.get("status") not in (None, "pending")

    assert wait_until(final, timeout_s=15, interval_s=0.1), seen
    assert seen["status"] == status, seen
    return seen


def hedge_stack_fixture(name: str, keys: Keys, passphrase: str) -> Any:
    """A module's stack of `start_hedge_stack`, started once for all its tests."""

    @pytest.fixture(scope="module")
    def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
        running = start_hedge_stack(tmp_path_factory.mktemp(name), keys, passphrase, {"LOG_LEVEL": "WARNING"})
        yield running
        running.stop()

    return stack


def venue_reader(stack: LocalStack, keys: Keys, venue: str, account: str) -> BingxAdapter | BinanceAdapter:
    """A venue client of the test's own, with the account's keys, to read what the venue holds."""
    key, secret = keys[(venue, account)]
    kind = BingxAdapter if venue == "bingx" else BinanceAdapter
    return kind(account, stack.simulator_url, key, secret)


def held(adapter: BingxAdapter | BinanceAdapter, symbol: str) -> Decimal:
    """What the account holds of `symbol`, both sides together."""
    return sum((abs(p.quantity) for p in adapter.positions(symbol)), Decimal(0))


def stops(adapter: BingxAdapter | BinanceAdapter, symbol: str) -> list[OpenProtection]:
    """The stop-market orders resting on `symbol`."""
    return [o for o in adapter.open_protections(symbol) if o.order_type == "STOP_MARKET"]


def ladder_alert(venue: str, account: str, side: str, signal_id: str, passphrase: str) -> dict[str, Any]:
    """Issue 18's ladder: 40/30/20 % of 0.010 at +1/+2/+3 % (a 10 % runner), a stop 2 % away
    that moves to break-even after take-profit 1."""
    return {
        "action": side,
        "ticker": "BTCUSDT",
        "exchange": venue,
        "account": account,
        "quantity": "0.010",
        "take_profit": [
            {"pct": "1", "size_pct": "40"},
            {"pct": "2", "size_pct": "30"},
            {"pct": "3", "size_pct": "20"},
        ],
        "sl_pct": "2",
        "breakeven_after": 1,
        "id": signal_id,
        "passphrase": passphrase,
    }
