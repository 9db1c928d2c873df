"""Fill event -> siblings cancelled: how long tvbridge's position keeper takes to cancel a
position's stop once its take-profit has filled (issue 16's one-cancels-other).

Timed at the simulator, which sees both ends on one clock (simulator/streams/timeline.py): from
the moment it sent the first frame telling the fill or the flat position on the user-data stream
to the moment the cancel of the stop arrived. Everything between is the keeper's: the frame's
way to the executor, its reaction, and the cancel's way back. Over the bench's network that is
at least one round trip; the goal is that round trip plus 5 ms.

Positions are played one after another, each on the next of the bench's symbols: set the price,
open a long with a take-profit and a stop-loss through the webhook, wait until the stop is told
on the stream and then HOLD_S more, move the price through the take-profit, and wait for the
stop's cancel.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import requests

from bench.stats import percentile

# Each above both venues' minimum notional and on both venues' quantity steps.
QUANTITIES = {"BTCUSDT": "0.002", "ETHUSDT": "0.01", "SOLUSDT": "1", "XRPUSDT": "10", "DOGEUSDT": "100"}
# The simulator's opening prices, at the finer tick the two venues share.
PRICES = {
    "BTCUSDT": "60000.0",
    "ETHUSDT": "3000.00",
    "SOLUSDT": "150.00",
    "XRPUSDT": "0.6000",
    "DOGEUSDT": "0.15000",
}
TAKE_PROFIT = Decimal("1.01")
STOP_LOSS = Decimal("0.99")
THROUGH = Decimal("1.02")  # where the price goes: past the take-profit
VENUES = ("bingx", "binance")
# How long a position is held before its take-profit fills: a few round trips, so the keeper
# has heard of the stop and had the time for what it reads about a new protective order. A real
# position lasts seconds or hours; one closed sooner than that waits on a reconciliation.
HOLD_S = 0.3
WAIT_S = 10.0  # a round not cancelled by then counts as missed
POLL_S = 0.05


@dataclass(frozen=True)
class Round:
    symbol: str
    latency_ms: float | None  # None: the stop was not cancelled within WAIT_S
    requests_between: int  # venue requests the executor made between the fill and the cancel


def venue_symbol(venue: str, symbol: str) -> str:
    """BTCUSDT as the venue spells it in its frames and requests."""
    return f"{symbol[:-4]}-USDT" if venue == "bingx" else symbol


class Sim:
    def __init__(self, url: str, ca: str | bool) -> None:
        self.url = url
        self.verify = ca

    def price(self, venue: str, symbol: str, price: Decimal) -> None:
        body = {"venue": venue, "symbol": f"{symbol[:-4]}-USDT", "price": str(price)}
        requests.post(f"{self.url}/_sim/price", json=body, verify=self.verify, timeout=10).raise_for_status()

    def clear(self) -> None:
        requests.delete(f"{self.url}/_sim/timeline", verify=self.verify, timeout=10).raise_for_status()

    def marks(self, venue: str) -> list[dict[str, Any]]:
        reply = requests.get(
            f"{self.url}/_sim/timeline", params={"venue_name": venue}, verify=self.verify, timeout=10
        )
        reply.raise_for_status()
        marks: list[dict[str, Any]] = reply.json()["marks"]
        return marks

    def stops(self, venue: str, symbol: str, session: requests.Session | None = None) -> dict[str, Any]:
        """The symbol's price, positions and resting stops, read at one instant (`/_sim/stops`)."""
        spelled = f"{symbol[:-4]}-USDT"
        reply = (session or requests).get(
            f"{self.url}/_sim/stops",
            params={"venue_name": venue, "symbol": spelled},
            verify=self.verify,
            timeout=10,
        )
        reply.raise_for_status()
        seen: dict[str, Any] = reply.json()
        return seen

    def until(self, venue: str, found: Any, timeout_s: float = WAIT_S, poll_s: float = POLL_S) -> Any:
        """The first non-None `found(marks)` as marks arrive; None after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            result = found(self.marks(venue))
            if result is not None:
                return result
            time.sleep(poll_s)
        return None


def stop_told(symbol: str) -> Any:
    def found(marks: list[dict[str, Any]]) -> tuple[int, str] | None:
        for index, m in enumerate(marks):
            told = m["kind"] == "sent" and m["symbol"] == symbol and m["status"] == "NEW"
            if told and m["order_type"].startswith("STOP"):
                return index, m["order_id"]
        return None

    return found


def fill_told(marks: list[dict[str, Any]], symbol: str) -> float | None:
    """When the first frame telling a fill on `symbol`, or its position changed, left."""
    return next(
        (
            m["at_ms"]
            for m in marks
            if m["kind"] == "sent"
            and symbol in m["symbol"].split(",")
            and (m["execution"] == "TRADE" or m["name"] == "ACCOUNT_UPDATE")
        ),
        None,
    )


def cancelled(symbol: str, stop_id: str, after: int) -> Any:
    def found(marks: list[dict[str, Any]]) -> tuple[float, float, int] | None:
        later = marks[after + 1 :]
        told = fill_told(later, symbol)
        cancel = next(
            (
                m
                for m in later
                if m["kind"] == "request" and m["name"].startswith("DELETE ") and m["order_id"] == stop_id
            ),
            None,
        )
        if told is None or cancel is None:
            return None
        between = sum(1 for m in later if m["kind"] == "request" and told < m["at_ms"] < cancel["at_ms"])
        return told, cancel["at_ms"], between

    return found


def play(
    gateway: str, sim: Sim, venue: str, n: int, passphrase: str, rtt_ms: float, prices: dict[str, Decimal]
) -> Round:
    """One position on the n-th symbol: open with both levels, take the profit, time the stop's
    cancel. The price stays where the take-profit filled (`prices` follows it): the executor
    checks the levels against the last fill it saw, so a price put back would read as stale."""
    symbol = list(QUANTITIES)[n % len(QUANTITIES)]
    spelled = venue_symbol(venue, symbol)
    base = prices[symbol]
    sim.price(venue, symbol, base)
    sim.clear()
    body = {
        "action": "buy",
        "ticker": symbol,
        "exchange": venue,
        "id": f"oco-{venue}-{n}-{time.time_ns()}",
        "passphrase": passphrase,
        "quantity": QUANTITIES[symbol],
        "take_profit": str(tick(base * TAKE_PROFIT, base)),
        "stop_loss": str(tick(base * STOP_LOSS, base)),
    }
    answer = requests.post(f"{gateway}/webhook", data=json.dumps(body), timeout=30).json()
    if answer.get("status") != "executed":
        raise RuntimeError(f"the position did not open: {answer}")
    told = sim.until(venue, stop_told(spelled))
    if told is None:
        raise RuntimeError(f"no stop told on {venue}'s stream for {spelled}")
    index, stop_id = told
    time.sleep(HOLD_S)
    prices[symbol] = tick(base * THROUGH, base)
    sim.price(venue, symbol, prices[symbol])
    timed = sim.until(venue, cancelled(spelled, stop_id, index))
    if timed is None:
        return Round(symbol, None, 0)
    told_ms, cancel_ms, between = timed
    time.sleep(rtt_ms / 1000 + 0.02)  # the cancel's answer back before the next round
    return Round(symbol, cancel_ms - told_ms, between)


def tick(price: Decimal, like: Decimal) -> Decimal:
    return price.quantize(like)


def round_trip(venue_url: str, ca: str, samples: int = 20) -> float:
    """p50 of a request and its answer on a kept connection to `venue_url` (through the proxy in
    the bench): the round trip as the network, TLS and the simulator together deliver it."""
    times = []
    with requests.Session() as session:
        url = f"{venue_url}/openApi/swap/v2/server/time"
        session.get(url, verify=ca, timeout=10).raise_for_status()  # the connection, once
        for _ in range(samples):
            started = time.perf_counter()
            session.get(url, verify=ca, timeout=10).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 50)


def flatten(gateway: str, passphrase: str, venue: str) -> None:
    """Start from no position on `venue` (earlier phases leave some), trading on again after."""
    auth = {"Authorization": f"Bearer {passphrase}"}
    flat = requests.post(f"{gateway}/api/flatten", json={"venue": venue}, headers=auth, timeout=60)
    flat.raise_for_status()
    on = requests.post(f"{gateway}/api/trading", json={"enabled": True}, headers=auth, timeout=10)
    on.raise_for_status()


def measure(
    gateway: str, sim: Sim, venue: str, positions: int, passphrase: str, rtt_ms: float, round_trip_ms: float
) -> dict[str, Any]:
    flatten(gateway, passphrase, venue)
    prices = {symbol: Decimal(price) for symbol, price in PRICES.items()}
    rounds = [play(gateway, sim, venue, n, passphrase, rtt_ms, prices) for n in range(positions)]
    return summary(rounds, round_trip_ms)


def summary(rounds: list[Round], round_trip_ms: float) -> dict[str, Any]:
    """The goal is one round trip as this network really delivers a request (the delay plus the
    proxy, TLS and the simulator: `round_trip`), plus 5 ms: the fill's frame has to come to us
    and the cancel go back, which is one round trip whatever the keeper does."""
    timed = [r.latency_ms for r in rounds if r.latency_ms is not None]
    goal = round(round_trip_ms + 5, 1)
    out: dict[str, Any] = {"positions": len(rounds), "missed": len(rounds) - len(timed), "goal_ms": goal}
    if timed:
        between = [float(r.requests_between) for r in rounds if r.latency_ms is not None]
        out |= {
            "p50": percentile(timed, 50),
            "p99": percentile(timed, 99),
            "max": max(timed),
            "requests_between_p50": percentile(between, 50),
        }
    out["met"] = bool(timed) and out["missed"] == 0 and out["p50"] <= goal
    out["rounds"] = [vars(r) for r in rounds]
    return out
