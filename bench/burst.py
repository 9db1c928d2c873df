"""The candle close: `count` alerts released at one instant, each on its own new connection (as
TradingView sends them) from one of four addresses (its four senders), spread over the bench's
symbols, and timed one by one from the release:

- **answered**: the whole answer read, at the client (a 2xx; anything else is not an answer
  TradingView takes);
- **journalled**: when tvbridge's journal wrote it (`received_ms` plus `received_to_journalled`
  of its row in /api/signals), on the wall clock the bench shares with the gateway;
- **executed at the venue**: when the simulator took its order (`time_ms` of /_sim/orders);
- **decided**: when tvbridge wrote its outcome (the row's `received_ms` plus `total`).

Each alert's quantity is its symbol's own times its round (bench/alerts.py spread), so every
order at the venue names the alert it came from: an alert with no order is lost, a second order
for one is doubled. Memory is watched throughout (bench/memory.py), from the release until
every alert is decided.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

from bench import load
from bench.alerts import spread
from bench.memory import peak_during
from bench.reads import journal_rows, settle, venue_orders
from bench.stats import spread_of
from bench.systems import SENDERS, Target

JOURNALLED_S, ANSWERED_S, EXECUTED_S = 1.0, 2.0, 3.0  # issue 19's goal for each
# Ten times TradingView's patience: an alert unanswered by then is not answered. (The naive bot's
# listen queue drops connections in a burst; their retried handshakes would hold the phase a
# minute.)
GIVE_UP_S = 30.0
QUIET_S = 1.0


def quiet(sim: str, ca: str, timeout_s: float = GIVE_UP_S) -> None:
    """Until the venue has taken no new order for QUIET_S: a bot without a journal may still be
    trading alerts whose connections were given up on."""
    deadline, seen, since = time.monotonic() + timeout_s, -1, time.monotonic()
    while time.monotonic() < deadline:
        count = len(venue_orders(sim, ca))
        if count != seen:
            seen, since = count, time.monotonic()
        elif time.monotonic() - since >= QUIET_S:
            return
        time.sleep(0.2)


def _order_key(symbol: str, quantity: str) -> tuple[str, Decimal]:
    return symbol.replace("-", ""), Decimal(quantity)


def fire(
    target: Target, count: int, tag: str, symbols: list[str], sim: str, ca: str, journal: str | None = None
) -> dict[str, Any]:
    """`journal`: tvbridge's URL, to read its journal once nothing is pending (the naive bot
    has none: it answers once it has traded)."""
    bodies = [spread(n, tag, symbols) for n in range(count)]
    alert_of = {_order_key(b["ticker"], b["quantity"]): n for n, b in enumerate(map(json.loads, bodies))}
    with peak_during(target.processes) as memory:
        run = load.at_once(target.url, bodies, sources=SENDERS, timeout_s=GIVE_UP_S)
        if journal is not None:
            settle(journal)
        else:
            quiet(sim, ca)
    release_ms = run.started_wall * 1000
    out: dict[str, Any] = {
        "sent": count,
        "symbols": len(symbols),
        "statuses": {str(k): v for k, v in run.statuses.items()},
        "answered": spread_of(
            [a.done - run.started for a in run.answers if 200 <= a.status < 300], ANSWERED_S
        ),
        "not_answered": sum(1 for a in run.answers if not 200 <= a.status < 300),
        "generator": {"cpu_s": round(run.cpu_s, 2), "last_connection_ms": round(run.last_sent_ms, 1)},
        "peak_mb": memory["peak"],
        "sampled_mb": memory["sampled"],
    }
    out |= _at_the_venue(venue_orders(sim, ca), alert_of, release_ms, count)
    if journal is not None:
        out |= _journalled(journal_rows(journal, tag, since_ms=int(release_ms) - 1000), release_ms)
    return out


def _at_the_venue(
    orders: list[dict[str, Any]], alert_of: dict[tuple[str, Decimal], int], release_ms: float, count: int
) -> dict[str, Any]:
    """Each alert's orders, by the quantity that names it; when the first was taken."""
    taken: dict[int, list[int]] = {}
    strangers = 0
    for order in orders:
        if order["time_ms"] < int(release_ms):
            continue
        n = alert_of.get(_order_key(order["symbol"], order["quantity"]))
        if n is None:
            strangers += 1
        else:
            taken.setdefault(n, []).append(order["time_ms"])
    executed = [(min(times) - release_ms) / 1000 for times in taken.values()]
    return {
        "executed": spread_of(executed, EXECUTED_S),
        "lost": count - len(taken),
        # Orders beyond one an alert, and orders no alert of the burst asked for.
        "doubled": sum(len(times) - 1 for times in taken.values()) + strangers,
    }


def _journalled(rows: list[dict[str, Any]], release_ms: float) -> dict[str, Any]:
    """A row without its stage is counted as not journalled (the goal then misses), never guessed."""
    journalled, decided = [], []
    for row in rows:
        latency = row.get("latency_ms") or {}
        if latency.get("received_to_journalled") is not None:
            journalled.append((row["received_ms"] + latency["received_to_journalled"] - release_ms) / 1000)
        if latency.get("total") is not None:
            decided.append((row["received_ms"] + latency["total"] - release_ms) / 1000)
    return {
        "journalled": spread_of(journalled, JOURNALLED_S),
        "decided": spread_of(decided),
        "journal_executed": sum(1 for r in rows if r["status"] == "executed"),
    }
