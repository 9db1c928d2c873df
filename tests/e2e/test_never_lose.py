"""Never lose a signal, never double an order: faults against the real processes.

Each test fires signals at the running gateway while something breaks, then checks the two
promises: every signal answered 2xx ends in exactly one final state in the journal, and no
signal produced more than one order at the venue.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import API_KEY, PASSPHRASE, SECRET_KEY
from tests.support.postgres import fresh_database
from tools.processes import wait_until
from tools.stack import LocalStack, start_stack

pytestmark = pytest.mark.e2e

SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT"]
# Above both venues' minimum quantity and notional.
SIZES = {"BTCUSDT": "0.002", "ETHUSDT": "0.01", "SOLUSDT": "1", "XRPUSDT": "10", "DOGEUSDT": "100"}
FINAL = {"executed", "rejected", "failed", "expired"}
AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}


@pytest.fixture(params=["sqlite", "postgres"])
def stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LocalStack]:
    """The whole suite runs on the default SQLite journal and once more on a real PostgreSQL."""
    with ExitStack() as cleanup:
        env = {"SIMULATOR_START_BALANCE": "10000000", "LOG_LEVEL": "WARNING", "WEBHOOK_WAIT_S": "1"}
        if request.param == "postgres":
            env["DATABASE_URL"] = cleanup.enter_context(fresh_database())
        running = start_stack(
            tmp_path, api_key=API_KEY, secret_key=SECRET_KEY, passphrase=PASSPHRASE, extra_env=env
        )
        cleanup.callback(running.stop)
        yield running


def body(n: int, prefix: str = "burst", exchange: str = "bingx") -> dict[str, Any]:
    symbol = SYMBOLS[n % len(SYMBOLS)]
    action = "buy" if (n // len(SYMBOLS)) % 2 == 0 else "sell"
    return {
        "action": action,
        "exchange": exchange,
        "ticker": symbol,
        "quantity": SIZES[symbol],
        "id": f"{prefix}-{n}",
        "passphrase": PASSPHRASE,
    }


def post(stack: LocalStack, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    try:
        resp = requests.post(f"{stack.gateway_url}/webhook", data=json.dumps(payload), timeout=10)
    except requests.RequestException:
        return 0, {}  # the gateway was down: TradingView would see no answer
    try:
        return resp.status_code, resp.json()
    except ValueError:
        return resp.status_code, {}


def burst(
    stack: LocalStack, payloads: list[dict[str, Any]], *, midway: Callable[[], None] | None = None
) -> dict[str, int]:
    """Fire the payloads 20 at a time; run `midway` once a quarter of them are answered."""
    answered: dict[str, int] = {}
    lock = threading.Lock()
    fired = threading.Event()

    def one(payload: dict[str, Any]) -> None:
        status, _ = post(stack, payload)
        with lock:
            answered[payload["id"]] = status
            if midway is not None and len(answered) >= len(payloads) // 4 and not fired.is_set():
                fired.set()
                threading.Thread(target=midway, daemon=True).start()

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(one, payloads))
    return answered


def outcome(stack: LocalStack, signal_id: str) -> str:
    try:
        resp = requests.get(f"{stack.gateway_url}/signals/{signal_id}", headers=AUTH, timeout=5)
    except requests.RequestException:
        return "unreachable"
    return str(resp.json().get("status")) if resp.status_code == 200 else f"http {resp.status_code}"


def check_promises(stack: LocalStack, answered: dict[str, int], timeout_s: float = 90) -> dict[str, str]:
    accepted = sorted(sid for sid, status in answered.items() if 200 <= status < 300)
    assert accepted, answered

    def all_final() -> bool:
        return all(outcome(stack, sid) in FINAL for sid in accepted)

    assert wait_until(all_final, timeout_s=timeout_s), {
        sid: outcome(stack, sid) for sid in accepted if outcome(stack, sid) not in FINAL
    }
    states = {sid: outcome(stack, sid) for sid in accepted}
    venue = stack.venue_get("/_sim/orders?venue_name=bingx") + stack.venue_get(
        "/_sim/orders?venue_name=binance"
    )
    per_client_id = Counter(o["client_order_id"] for o in venue)
    assert max(per_client_id.values(), default=0) <= 1, "an order was doubled"
    executed = [sid for sid, state in states.items() if state == "executed"]
    # Every order at the venue belongs to one executed signal, and each executed signal has one.
    assert len(venue) == len(executed), (len(venue), Counter(states.values()))
    return states


def test_kill_9_of_the_executor_during_a_burst_of_200(stack: LocalStack) -> None:
    def crash_and_return() -> None:
        stack.executor.kill9()
        time.sleep(1.0)
        stack.start_executor()

    answered = burst(stack, [body(n) for n in range(200)], midway=crash_and_return)
    assert all(status in (200, 202) for status in answered.values()), Counter(answered.values())
    states = check_promises(stack, answered)
    assert Counter(states.values())["executed"] == 200


@pytest.mark.parametrize("stop", ["kill9", "sigterm"])
def test_the_gateway_stopped_during_a_burst(stack: LocalStack, stop: str) -> None:
    def crash_and_return() -> None:
        if stop == "kill9":
            stack.gateway.kill9()
        else:
            # A clean stop: no new webhooks, in-flight ones answered, the rest left pending.
            assert stack.gateway.terminate() == 0
        time.sleep(0.5)
        stack.start_gateway()

    answered = burst(stack, [body(n, "gw") for n in range(200)], midway=crash_and_return)
    # TradingView resends what got no answer or a 5xx; the journal makes the resend safe.
    unanswered = [n for n in range(200) if not 200 <= answered[f"gw-{n}"] < 300]
    assert wait_until(stack.ready, timeout_s=30)
    for n in unanswered:
        answered[f"gw-{n}"] = post(stack, body(n, "gw"))[0]
    states = check_promises(stack, answered)
    assert Counter(states.values())["executed"] == 200


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "http_error", "status": 503, "probability": 0.2},
        {"kind": "timeout_after_accept", "hold_s": 6, "probability": 0.1},
        {"kind": "rate_limit", "retry_after_s": 1, "probability": 0.2},
    ],
    ids=["5xx-20pct", "timeout-after-accept", "429"],
)
def test_a_faulty_venue_neither_loses_nor_doubles(stack: LocalStack, fault: dict[str, Any]) -> None:
    # Both venues: BingX refuses a reused client id, Binance takes one again once the first
    # order has filled, so there only the executor's own lookup prevents a double.
    rules = [
        {**fault, "method": "POST", "path": path}
        for path in ("/openApi/swap/v2/trade/order", "/fapi/v1/order")
    ]
    requests.put(f"{stack.simulator_url}/_sim/faults", json={"rules": rules}, timeout=5).raise_for_status()
    payloads = [body(n, "flt", "binance" if n % 2 else "bingx") for n in range(60)]
    answered = burst(stack, payloads)
    assert all(200 <= status < 300 for status in answered.values()), Counter(answered.values())
    requests.delete(f"{stack.simulator_url}/_sim/faults", timeout=5)
    states = check_promises(stack, answered, timeout_s=120)
    assert Counter(states.values())["executed"] == 60, Counter(states.values())


def test_one_alert_four_times_and_two_alerts_at_once(stack: LocalStack) -> None:
    resent = {**body(0, "once"), "id": None}
    del resent["id"]  # no explicit id: the identical body is what makes it the same alert
    other = body(1, "twin")
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda p: post(stack, p), [resent] * 4 + [other, body(2, "twin")]))
    assert all(200 <= status < 300 for status, _ in results), results
    ids = [answer["signal_id"] for _, answer in results]
    assert len(set(ids[:4])) == 1  # TradingView's resends: one signal
    assert len(set(ids)) == 3  # the two other alerts are their own signals
    check_promises(stack, {sid: 200 for sid in ids})
    assert len(stack.venue_get("/_sim/orders")) == 3
