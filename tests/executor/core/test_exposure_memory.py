"""The journal's memory in the executor's exposure limits: taken once per run, for this run's
start only; fills from before the start are the memory's (never counted twice), later ones
count live on top of it; a remembered streak, daily loss and stop hold as if the executor had
never restarted; an old resume handed over again forgives nothing this run lost."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from common.errors import ErrorClass, TvbridgeError
from common.pauses import PauseChange, PauseEvent
from common.risk_memory import AccountMemory, MemoryReply, ScopeMemory
from executor.core.events import Fill, Where
from executor.core.exposure.guard import ExposureGuard
from executor.core.exposure.limits import ExposureLimits, parse_strategy_limits
from executor.core.model import PositionSide, Side, Venue
from tests.executor.core.keeper_support import Clock

T0 = 1_795_000_000.0  # 2026-11-18 09:06:40 UTC
START = int(T0 * 1000)
BOTH = PositionSide.BOTH


def guard(limits: ExposureLimits, strategies: str = "") -> tuple[ExposureGuard, Clock]:
    clock = Clock(T0)
    return ExposureGuard(parse_strategy_limits(strategies, limits, "test"), clock=clock), clock


def memory(*scopes: ScopeMemory, stops: dict[str, int] | None = None) -> list[AccountMemory]:
    return [AccountMemory("bingx", "default", scopes, stops or {})]


def fill(trade_id: str, side: Side, pnl: str, time_ms: int, symbol: str = "BTC-USDT", fee: str = "0") -> Fill:
    where = Where(Venue.BINGX, "default", symbol, symbol)
    return Fill(
        where,
        trade_id,
        f"o-{trade_id}",
        "",
        side,
        BOTH,
        Decimal(1),
        Decimal(100),
        Decimal(fee),
        "USDT",
        Decimal(pnl),
        False,
        time_ms,
    )


def lose(g: ExposureGuard, name: str, pnl: str, at: int, symbol: str = "BTC-USDT") -> None:
    """A round trip closed at `pnl`, as the keeper tells it."""
    book = g.book(Venue.BINGX, "default")
    with book.lock:
        book.fill(fill(f"{name}-in", Side.BUY, "0", at, symbol))
        book.position(symbol, BOTH, Decimal(1), at)
        book.fill(fill(f"{name}-out", Side.SELL, pnl, at + 1, symbol))
        book.position(symbol, BOTH, Decimal(0), at + 1)


def refusal(g: ExposureGuard, symbol: str = "ETH-USDT", strategy: str = "", now: int = START) -> str:
    book = g.book(Venue.BINGX, "default")
    with pytest.raises(TvbridgeError) as caught, book.lock:
        book.admit(f"sig-{symbol}", symbol, strategy, now, None)
    assert caught.value.error_class is ErrorClass.RISK_LIMIT
    return caught.value.message


def passes(g: ExposureGuard, symbol: str = "ETH-USDT", strategy: str = "", now: int = START) -> None:
    book = g.book(Venue.BINGX, "default")
    with book.lock:
        book.admit(f"sig-{symbol}", symbol, strategy, now, None)
        book.release(symbol, f"sig-{symbol}")


def test_the_memory_is_taken_once_and_only_counted_up_to_this_runs_start() -> None:
    g, _ = guard(ExposureLimits(max_daily_loss=Decimal(100)))
    lost_60 = memory(ScopeMemory("", Decimal(-60)))
    assert g.remember(None, []) == MemoryReply(START, wanted=True, taken=False)
    assert g.remember(START - 1, lost_60) == MemoryReply(START, wanted=True, taken=False)
    assert g.remember(START, lost_60) == MemoryReply(START, wanted=False, taken=True)
    # A second hand-over (a reconnect, another gateway) changes nothing.
    assert g.remember(START, lost_60) == MemoryReply(START, wanted=False, taken=False)
    passes(g)
    lose(g, "a", "-39", START + 1000)  # 99 today
    passes(g)
    lose(g, "b", "-1", START + 2000)
    assert "bingx/default is paused until" in refusal(g)
    [pause] = g.in_force()
    assert pause.reason == "RISK_MAX_DAILY_LOSS_USDT = 100: bingx/default realised a loss of 100 today"


def test_fills_from_before_the_start_are_the_memorys_and_never_counted_twice() -> None:
    g, _ = guard(ExposureLimits(max_daily_loss=Decimal(100)))
    # The first reconciliation reads back a fill from before the start, which the journal has too.
    lose(g, "before", "-60", START - 20_000)
    g.remember(START, memory(ScopeMemory("", Decimal(-60))))
    lose(g, "after", "-30", START + 1000)
    passes(g)  # 90 lost, not 150
    lose(g, "more", "-10", START + 2000)
    assert "realised a loss of 100 today" in refusal(g)


def test_without_limits_that_use_it_the_memory_is_not_wanted() -> None:
    g, _ = guard(ExposureLimits())
    assert g.remember(None, []) == MemoryReply(START, wanted=False, taken=False)


def test_a_remembered_streak_pauses_on_the_next_loss_for_the_account_and_the_strategy() -> None:
    g, _ = guard(
        ExposureLimits(max_consecutive_losses=3),
        json.dumps({"scalper": {"RISK_MAX_CONSECUTIVE_LOSSES": 2}}),
    )
    g.remember(
        START,
        memory(
            ScopeMemory("", trades=(Decimal(4), Decimal(-1), Decimal("-0.5"))),
            ScopeMemory("scalper", trades=(Decimal("-0.5"),)),
        ),
    )
    book = g.book(Venue.BINGX, "default")
    with book.lock:
        book.admit("s-1", "SOL-USDT", "scalper", START + 500, None)
        book.placed("SOL-USDT", "s-1", START + 500)
    lose(g, "sol", "-2", START + 1000, "SOL-USDT")
    assert [(p.strategy, p.reason) for p in g.in_force()] == [
        ("", "RISK_MAX_CONSECUTIVE_LOSSES = 3: bingx/default lost its last 3 trades"),
        (
            "scalper",
            "RISK_MAX_CONSECUTIVE_LOSSES = 2: strategy scalper on bingx/default lost its last 2 trades",
        ),
    ]


def test_a_remembered_stop_keeps_its_symbol_cooling_down() -> None:
    g, _ = guard(ExposureLimits(cooldown_after_stop_s=600))
    g.remember(START, memory(stops={"SOL-USDT": START - 100_000}))
    assert "SOL-USDT's stop was hit 100 s ago, 500 s of cooldown left" in refusal(g, "SOL-USDT")
    passes(g, "ETH-USDT")
    passes(g, "SOL-USDT", now=START + 500_000)


def test_a_resume_from_before_the_start_forgives_nothing_this_run_lost() -> None:
    g, clock = guard(ExposureLimits(max_daily_loss=Decimal(60)))
    lose(g, "live", "-50", START + 1000)  # the keeper, before the gateway connected
    # The journal: 80 lost today before the start, all of it forgiven by the owner's resume.
    g.remember(START, memory(ScopeMemory("", Decimal(-80), Decimal(-80))))
    g.sync([PauseEvent(PauseChange.RESUMED, "bingx", "default", "", START - 60_000, actor="owner")])
    passes(g)  # 50 lost since the resume
    lose(g, "next", "-10", START + 2000)
    assert "realised a loss of 60 today" in refusal(g)

    # A resume made since the start forgives all of today's, the memory's part included.
    clock.now = T0 + 10
    g.sync([PauseEvent(PauseChange.RESUMED, "bingx", "default", "", START + 5000, actor="owner")])
    passes(g)
    lose(g, "fresh", "-59", START + 20_000)
    passes(g)


def test_a_streak_spent_since_the_start_leaves_the_remembered_trades_spent_too() -> None:
    g, _ = guard(ExposureLimits(max_consecutive_losses=2))
    lose(g, "a", "-1", START + 1000)
    lose(g, "b", "-1", START + 2000)  # paused: the streak is spent
    g.remember(START, memory(ScopeMemory("", Decimal(-3), trades=(Decimal(-1),))))
    book = g.book(Venue.BINGX, "default")
    assert book.results.streak("") == 0
    assert book.results.realised_today("", START + 3000) == Decimal(-5)
