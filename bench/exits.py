"""Take-profit fill -> stop moved: how long tvbridge's position keeper takes to put a ladder's
stop where its exit plan says once a take-profit has filled (issue 18), and whether the position
was ever seen without a stop meanwhile.

Each ladder is a long opened through the webhook with three take-profits (40, 30 and 30 % of the
entry, at +1, +2 and +3 %), a stop 1 % under and `breakeven_after: 1`. The price then goes
through the levels one at a time. After the first the keeper shrinks the stop to the 60 % left
and moves it to the entry, after the second to the 30 % left, each through the venue's replace;
the third closes the position and one-cancels-other takes the stop (bench/oco.py times that).

Timed at the simulator on its one clock, as bench/oco.py times the cancel, from the first frame
telling the take-profit's fill:
- to the arrival of the request that puts the new stop in place (BingX: cancelReplace, both
  halves in one request; Binance: the new algo order): from then the venue holds it;
- to the arrival of the request that takes the old stop away (BingX: the same request; Binance:
  its cancel, sent once the new one is answered).
A watch (bench/watch.py) reads the symbol's positions and stops all along, from the first stop
told to the ladder's end, and counts the reads that found the position without one.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import requests

from bench import oco
from bench.stats import percentile
from bench.watch import StopWatch, Watched
from executor.venues.binance import endpoints as binance
from executor.venues.bingx import endpoints as bingx

# Each level's share above both venues' minimum quantity and notional, on both venues' steps.
QUANTITIES = {"BTCUSDT": "0.01", "ETHUSDT": "0.1", "SOLUSDT": "10", "XRPUSDT": "100", "DOGEUSDT": "1000"}
LEVELS = ((Decimal("1.01"), "40"), (Decimal("1.02"), "30"), (Decimal("1.03"), "30"))
# Where the price goes, one step at a time: past one level more each time, short of the next.
THROUGH = (Decimal("1.015"), Decimal("1.025"), Decimal("1.035"))
# From the stop told to the first take-profit's fill: the plan is the keeper's before the webhook
# is answered, and this leaves the time for its read of the new stop's symbol (BingX tells no
# reduce-only flag, bench/oco.py HOLD_S). Then between two take-profits, after the move's answers
# are back, the same again for the moved stop's read.
HOLD_S = 0.1
GAP_S = 0.05
POLL_S = 0.01
# The request that places the new stop, and the one that cancels the old (None: the same one).
PLACES = {"bingx": f"POST {bingx.CANCEL_REPLACE}", "binance": f"POST {binance.ALGO_ORDER}"}
REMOVES = {"bingx": None, "binance": f"DELETE {binance.ALGO_ORDER}"}
# Round trips from the fill's frame leaving to each request's arrival: the frame's way to the
# executor and the request's way back make one; Binance cancels the old once the new is answered.
HELD_TRIPS = {"bingx": 1, "binance": 1}
GONE_TRIPS = {"bingx": 1, "binance": 2}


@dataclass(frozen=True)
class Moved:
    """One move as the simulator's marks tell it (its monotonic milliseconds)."""

    fill_ms: float  # the first frame telling the take-profit's fill left
    placed_ms: float  # the new stop's request arrived
    removed_ms: float  # the old stop's cancel arrived
    told_ms: float  # the new stop was told on the stream
    stop_id: str  # the new stop's order id


@dataclass(frozen=True)
class Move:
    symbol: str
    level: int
    held_ms: float | None  # None: the stop did not move within oco.WAIT_S
    gone_ms: float | None
    told_after_ms: float | None  # the new stop's request arrived -> told on the stream
    sized: bool  # the stop then covered what was left of the position, no more, no less


@dataclass
class Ladder:
    symbol: str
    moves: list[Move] = field(default_factory=list)
    watched: Watched = field(default_factory=Watched)
    closed: bool = False  # flat, with no stop left, once the last level filled


def moved(venue: str, symbol: str, old_id: str) -> Any:
    """A finder of `Moved` over the marks since the price went through a level (oco.Sim.until)."""

    def found(marks: list[dict[str, Any]]) -> Moved | None:
        fill = oco.fill_told(marks, symbol)
        if fill is None:
            return None
        later = [m for m in marks if m["at_ms"] > fill]
        requests_ = [m for m in later if m["kind"] == "request"]
        place = next((m for m in requests_ if m["name"] == PLACES[venue] and m["symbol"] == symbol), None)
        told = next(
            (
                m
                for m in later
                if m["kind"] == "sent"
                and m["symbol"] == symbol
                and m["status"] == "NEW"
                and m["order_type"].startswith("STOP")
                and m["order_id"] != old_id
            ),
            None,
        )
        removes = REMOVES[venue]
        remove = (
            place
            if removes is None
            else next((m for m in requests_ if m["name"] == removes and m["order_id"] == old_id), None)
        )
        if place is None or told is None or remove is None:
            return None
        return Moved(fill, place["at_ms"], remove["at_ms"], told["at_ms"], told["order_id"])

    return found


def sized(seen: dict[str, Any]) -> bool:
    """One stop, for exactly what the one position holds."""
    positions, stops = seen["positions"], seen["stops"]
    if len(positions) != 1 or len(stops) != 1 or stops[0]["quantity"] is None:
        return False
    return abs(Decimal(positions[0]["quantity"])) == Decimal(stops[0]["quantity"])


def entry(venue: str, symbol: str, base: Decimal, like: Decimal, passphrase: str, n: int) -> dict[str, Any]:
    return {
        "action": "buy",
        "ticker": symbol,
        "exchange": venue,
        "id": f"ladder-{venue}-{n}-{time.time_ns()}",
        "passphrase": passphrase,
        "quantity": QUANTITIES[symbol],
        "stop_loss": str(oco.tick(base * oco.STOP_LOSS, like)),
        "take_profit": [
            {"price": str(oco.tick(base * level, like)), "size_pct": share} for level, share in LEVELS
        ],
        "breakeven_after": 1,
    }


def play(gateway: str, sim: oco.Sim, venue: str, n: int, passphrase: str, rtt_ms: float) -> Ladder:
    """One ladder on the n-th symbol, from the price the simulator has now (where the last
    round left it: the executor checks levels against the last fill it saw)."""
    symbol = list(QUANTITIES)[n % len(QUANTITIES)]
    spelled = oco.venue_symbol(venue, symbol)
    like = Decimal(oco.PRICES[symbol])
    base = oco.tick(Decimal(sim.stops(venue, symbol)["price"]), like)
    sim.clear()
    body = entry(venue, symbol, base, like, passphrase, n)
    answer = requests.post(f"{gateway}/webhook", data=json.dumps(body), timeout=30).json()
    if answer.get("status") != "executed":
        raise RuntimeError(f"the ladder did not open: {answer}")
    told = sim.until(venue, oco.stop_told(spelled), poll_s=POLL_S)
    if told is None:
        raise RuntimeError(f"no stop told on {venue}'s stream for {spelled}")
    stop_id = told[1]
    ladder = Ladder(symbol)
    with StopWatch(sim, venue, symbol) as watch:
        time.sleep(HOLD_S)
        for level, through in enumerate(THROUGH[:-1], start=1):
            sim.clear()
            sim.price(venue, symbol, oco.tick(base * through, like))
            found: Moved | None = sim.until(venue, moved(venue, spelled, stop_id), poll_s=POLL_S)
            if found is None:
                ladder.moves.append(Move(symbol, level, None, None, None, False))
                continue
            stop_id = found.stop_id
            time.sleep(rtt_ms / 1000 + GAP_S)  # the answers back before the next fill
            ladder.moves.append(
                Move(
                    symbol,
                    level,
                    found.placed_ms - found.fill_ms,
                    found.removed_ms - found.fill_ms,
                    found.told_ms - found.placed_ms,
                    sized(sim.stops(venue, symbol)),
                )
            )
        sim.price(venue, symbol, oco.tick(base * THROUGH[-1], like))
        ladder.closed = flat(sim, venue, symbol)
    ladder.watched = watch.watched
    return ladder


def flat(sim: oco.Sim, venue: str, symbol: str) -> bool:
    """Until the symbol holds no position and no stop; False after oco.WAIT_S."""
    deadline = time.monotonic() + oco.WAIT_S
    while time.monotonic() < deadline:
        seen = sim.stops(venue, symbol)
        if not seen["positions"] and not seen["stops"]:
            return True
        time.sleep(POLL_S)
    return False


def measure(
    gateway: str, sim: oco.Sim, venue: str, ladders: int, passphrase: str, rtt_ms: float, round_trip_ms: float
) -> dict[str, Any]:
    oco.flatten(gateway, passphrase, venue)
    played = [play(gateway, sim, venue, n, passphrase, rtt_ms) for n in range(ladders)]
    return summary(venue, played, round_trip_ms)


def summary(venue: str, ladders: list[Ladder], round_trip_ms: float) -> dict[str, Any]:
    """Goals: the new stop held within one round trip + 5 ms of the fill's frame leaving, the old
    one gone within one (BingX) or two (Binance) + 5 ms, every stop the size of what is left, and
    no read finding the position without a stop."""
    moves = [m for ladder in ladders for m in ladder.moves]
    timed = [m for m in moves if m.held_ms is not None and m.gone_ms is not None]
    out: dict[str, Any] = {
        "ladders": len(ladders),
        "moves": len(moves),
        "missed": len(moves) - len(timed),
        "not_sized": sum(1 for m in timed if not m.sized),
        "not_closed": sum(1 for ladder in ladders if not ladder.closed),
        **Watched.total([ladder.watched for ladder in ladders]).figures(),
        "round_trip_p50": round_trip_ms,
        "goal_held_ms": round(HELD_TRIPS[venue] * round_trip_ms + 5, 1),
        "goal_gone_ms": round(GONE_TRIPS[venue] * round_trip_ms + 5, 1),
    }
    if timed:
        held = [m.held_ms for m in timed if m.held_ms is not None]
        gone = [m.gone_ms for m in timed if m.gone_ms is not None]
        told = [m.told_after_ms for m in timed if m.told_after_ms is not None]
        out |= {
            "held_p50": percentile(held, 50),
            "held_p99": percentile(held, 99),
            "held_max": max(held),
            "gone_p50": percentile(gone, 50),
            "gone_p99": percentile(gone, 99),
            "told_after_p50": percentile(told, 50),
        }
    out["met"] = (
        bool(timed)
        and out["missed"] == 0
        and out["not_sized"] == 0
        and out["bare"] == 0
        and out["failed_reads"] == 0
        and out["held_p50"] <= out["goal_held_ms"]
        and out["gone_p50"] <= out["goal_gone_ms"]
    )
    out["moves_timed"] = [vars(m) for m in moves]
    return out
