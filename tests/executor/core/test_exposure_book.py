"""One account's exposure book: slots counted with entries in flight, results from the venue's
reports, the pauses a breach makes and the journal's events that lift them."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from decimal import Decimal

import pytest

from common.errors import ErrorClass, TvbridgeError
from common.pauses import DAY_MS, PauseChange, PauseEvent, in_force
from executor.core.events import Fill, Where
from executor.core.exposure.book import AccountBook
from executor.core.exposure.limits import ExposureLimits, RiskPlan, parse_limits, parse_strategy_limits
from executor.core.model import PositionSide, Side, Venue

NOW = 1_794_968_000_000  # 2026-11-18 (a Wednesday), 02:13 UTC
BOTH = PositionSide.BOTH


def book(account: ExposureLimits | None = None, strategies: str = "") -> AccountBook:
    plan = parse_strategy_limits(strategies, account or ExposureLimits(), "test")
    return AccountBook(Venue.BINGX, "default", plan)


def refusal(
    b: AccountBook, symbol: str = "BTC-USDT", strategy: str = "", now: int = NOW, **kw: object
) -> str:
    with pytest.raises(TvbridgeError) as caught:
        b.admit(f"sig-{symbol}", symbol, strategy, now, kw.get("unrealised"))  # type: ignore[arg-type]
    assert caught.value.error_class is ErrorClass.RISK_LIMIT
    return caught.value.message


TRADE_IDS = itertools.count(1)


def trade(symbol: str, side: Side, pnl: str, *, fee: str = "0", time_ms: int = NOW) -> Fill:
    n = next(TRADE_IDS)
    where = Where(Venue.BINGX, "default", symbol, symbol)
    return Fill(
        where, f"t{n}", f"o{n}", "", side, BOTH, Decimal(1), Decimal(100), Decimal(fee), "USDT",
        Decimal(pnl), False, time_ms,
    )  # fmt: skip


def round_trip(b: AccountBook, symbol: str, pnl: str, time_ms: int = 0) -> None:
    """Open, then close at `pnl`, as the keeper reports it (the closing fill before the flat);
    each later than the last unless `time_ms` says when."""
    CLOCK[0] += 10
    at = time_ms or CLOCK[0]
    b.fill(trade(symbol, Side.BUY, "0", time_ms=at))
    b.position(symbol, BOTH, Decimal(1), at)
    b.fill(trade(symbol, Side.SELL, pnl, time_ms=at + 1))
    b.position(symbol, BOTH, Decimal(0), at + 1)


CLOCK = [NOW]


# -- open positions ---------------------------------------------------------------------------


def test_entries_in_flight_take_slots_and_a_failed_one_gives_its_back() -> None:
    b = book(ExposureLimits(max_open_positions=2))
    assert b.admit("a", "BTC-USDT", "", NOW, None) is True
    assert b.admit("b", "ETH-USDT", "", NOW, None) is True
    message = refusal(b, "SOL-USDT")
    assert "RISK_MAX_OPEN_POSITIONS = 2" in message and "holds 2 (BTC-USDT, ETH-USDT" in message
    b.release("ETH-USDT", "b")  # refused by the venue: nothing opened
    assert b.admit("c", "SOL-USDT", "", NOW, None) is True


def test_adding_to_a_held_symbol_takes_no_new_slot() -> None:
    b = book(ExposureLimits(max_open_positions=1))
    b.seed([("BTC-USDT", BOTH, Decimal("0.5"))], NOW - 10)
    assert b.admit("more", "BTC-USDT", "", NOW, None) is False
    assert "holds 1 (BTC-USDT" in refusal(b, "ETH-USDT")


def test_a_placed_entry_holds_until_a_newer_report_and_an_older_flat_does_not_free_it() -> None:
    b = book(ExposureLimits(max_open_positions=1))
    b.admit("a", "BTC-USDT", "", NOW, None)
    b.placed("BTC-USDT", "a", NOW)
    b.position("BTC-USDT", BOTH, Decimal(0), NOW - 5)  # a reconciliation read before the fill
    refusal(b, "ETH-USDT")
    b.position("BTC-USDT", BOTH, Decimal(1), NOW + 5)  # the stream tells of the fill
    refusal(b, "ETH-USDT")
    b.position("BTC-USDT", BOTH, Decimal(0), NOW + 9)  # closed
    assert b.admit("b", "ETH-USDT", "", NOW + 10, None) is True


def test_a_resting_limit_entry_holds_its_slot_until_the_order_finishes() -> None:
    b = book(ExposureLimits(max_open_positions=1))
    b.admit("a", "BTC-USDT", "", NOW, None)
    b.placed("BTC-USDT", "a", NOW, resting_order_id="42")
    b.position("BTC-USDT", BOTH, Decimal(0), NOW + 30_000)  # flat while it rests: still in flight
    refusal(b, "ETH-USDT")
    b.slots.order_finished("BTC-USDT", "42", filled=False, time_ms=NOW + 40_000)
    assert b.admit("b", "ETH-USDT", "", NOW + 41_000, None) is True


def test_a_strategy_counts_its_own_positions_beside_the_account() -> None:
    b = book(ExposureLimits(max_open_positions=3), json.dumps({"Scalper": {"RISK_MAX_OPEN_POSITIONS": 1}}))
    b.admit("a", "BTC-USDT", "scalper", NOW, None)
    b.placed("BTC-USDT", "a", NOW)
    assert "for strategy" not in refusal(b, "ETH-USDT", "SCALPER").split(":")[0]
    assert "strategy scalper on bingx/default holds 1 (BTC-USDT" in refusal(b, "ETH-USDT", "scalper")
    assert b.admit("b", "ETH-USDT", "swing", NOW, None) is True
    assert b.admit("c", "SOL-USDT", "", NOW, None) is True
    assert "bingx/default holds 3" in refusal(b, "XRP-USDT", "swing")


# -- daily loss and streaks ---------------------------------------------------------------------


def test_daily_loss_counts_realised_net_of_fees_and_unrealised_losses_only() -> None:
    b = book(ExposureLimits(max_daily_loss=Decimal(100)))
    round_trip(b, "BTC-USDT", "-60")
    b.fill(trade("ETH-USDT", Side.SELL, "0", fee="0.5"))
    # 60.5 realised; ETH up 30 does not offset SOL down 39
    assert b.admit("a", "XRP-USDT", "", NOW, {"ETH-USDT": Decimal(30), "SOL-USDT": Decimal(-39)})
    message = refusal(b, "DOGE-USDT", unrealised={"SOL-USDT": Decimal("-39.5")})
    assert message == (
        "RISK_MAX_DAILY_LOSS_USDT = 100: bingx/default lost 100 today (realised 60.5, unrealised 39.5)"
    )
    [pause] = b.told
    assert (pause.strategy, pause.limit, pause.until_ms) == (
        "",
        "RISK_MAX_DAILY_LOSS_USDT",
        (NOW // DAY_MS + 1) * DAY_MS,
    )
    assert "paused until 2026-11-19 00:00 UTC" in refusal(b, "DOGE-USDT", unrealised={})


def test_a_realised_loss_pauses_as_it_fills_and_the_next_day_starts_over() -> None:
    b = book(ExposureLimits(max_daily_loss=Decimal(50)))
    round_trip(b, "BTC-USDT", "-50")
    assert [p.limit for p in b.told] == ["RISK_MAX_DAILY_LOSS_USDT"]
    assert "realised a loss of 50 today" in refusal(b, unrealised={})
    tomorrow = (NOW // DAY_MS + 1) * DAY_MS + 1
    assert b.admit("next-day", "BTC-USDT", "", tomorrow, {}) is True


def test_a_losing_streak_pauses_and_a_late_closing_fill_still_counts() -> None:
    b = book(ExposureLimits(max_consecutive_losses=3))
    round_trip(b, "BTC-USDT", "-1")
    round_trip(b, "ETH-USDT", "5")  # a win ends the run
    round_trip(b, "BTC-USDT", "-1")
    round_trip(b, "ETH-USDT", "-2")
    # The third loss: the venue says flat before the fill that flattened it arrives.
    at = CLOCK[0] + 10
    b.fill(trade("SOL-USDT", Side.BUY, "0", time_ms=at))
    b.position("SOL-USDT", BOTH, Decimal(1), at)
    b.position("SOL-USDT", BOTH, Decimal(0), at + 2)
    assert b.told == []  # not a loss yet: nothing came of it
    b.fill(trade("SOL-USDT", Side.SELL, "-3", time_ms=at + 1))
    [pause] = b.told
    assert pause.reason == "RISK_MAX_CONSECUTIVE_LOSSES = 3: bingx/default lost its last 3 trades"
    assert "is paused until" in refusal(b)


def test_a_strategy_breach_pauses_the_strategy_only() -> None:
    limits = json.dumps({"scalper": {"max_consecutive_losses": 2}})
    b = book(strategies=limits)
    for symbol in ("BTC-USDT", "ETH-USDT"):
        b.admit(f"s-{symbol}", symbol, "scalper", NOW, None)
        b.placed(symbol, f"s-{symbol}", NOW)
        round_trip(b, symbol, "-1", NOW + 1)
    [pause] = b.told
    assert pause.strategy == "scalper"
    assert "strategy scalper on bingx/default is paused" in refusal(b, "SOL-USDT", "scalper")
    assert b.admit("other", "SOL-USDT", "swing", NOW, None) is True


# -- cooldown and hours -----------------------------------------------------------------------------


def test_cooldown_after_a_stop_on_the_same_symbol_and_a_strategy_may_set_its_own() -> None:
    b = book(
        ExposureLimits(cooldown_after_stop_s=600), json.dumps({"fast": {"RISK_COOLDOWN_AFTER_STOP_S": 0}})
    )
    b.results.stopped("BTC-USDT", NOW)
    assert refusal(b, now=NOW + 120_000) == (
        "RISK_COOLDOWN_AFTER_STOP_S = 600: BTC-USDT's stop was hit 120 s ago, 480 s of cooldown left"
    )
    assert b.admit("eth", "ETH-USDT", "", NOW + 120_000, None) is True
    assert b.admit("fast", "BTC-USDT", "fast", NOW + 120_000, None) is True


def test_trading_hours_and_a_strategy_that_lifts_them() -> None:
    limits = parse_limits({"RISK_TRADING_HOURS": "Mon-Fri 07:00-21:00 UTC"}, "test")
    b = book(limits, json.dumps({"crypto": {"trading_hours": None}}))
    assert refusal(b) == ("RISK_TRADING_HOURS = Mon-Fri 07:00-21:00 UTC: entries are closed at Wed 02:13 UTC")
    assert b.admit("c", "BTC-USDT", "crypto", NOW, None) is True


# -- pauses from the journal ---------------------------------------------------------------------


def event(change: PauseChange, time_ms: int, strategy: str = "") -> PauseEvent:
    until = (time_ms // DAY_MS + 1) * DAY_MS if change is PauseChange.PAUSED else 0
    return PauseEvent(
        change, "bingx", "default", strategy, time_ms, until, "RISK_MAX_DAILY_LOSS_USDT", "lost"
    )


def test_a_resume_lifts_the_pauses_before_it_once_and_forgives_the_days_loss() -> None:
    b = book(ExposureLimits(max_daily_loss=Decimal(50)))
    round_trip(b, "BTC-USDT", "-50", NOW)
    [own] = b.told
    b.sync([event(PauseChange.RESUMED, NOW + 5)], NOW + 5)
    assert b.admit("after", "ETH-USDT", "", NOW + 6, {}) is True  # the 50 lost so far is forgiven
    round_trip(b, "SOL-USDT", "-50", NOW + 7)
    assert len(b.told) == 2
    # The same resume handed over again on a reconnect lifts nothing more.
    b.sync([own, event(PauseChange.RESUMED, NOW + 5)], NOW + 9)
    assert "is paused" in refusal(b, "XRP-USDT", now=NOW + 10, unrealised={})


def test_handed_pauses_hold_and_the_fold_matches_the_gateways() -> None:
    b = book()
    events = [
        event(PauseChange.PAUSED, NOW - 3_000),
        event(PauseChange.RESUMED, NOW - 2_000),
        event(PauseChange.PAUSED, NOW - 1_000, "scalper"),
        event(PauseChange.PAUSED, NOW - 4_000),  # journalled late, begun before the resume: lifted
    ]
    b.sync(events, NOW)
    assert [(p.strategy, p.time_ms) for p in b.in_force(NOW)] == [("scalper", NOW - 1_000)]
    assert [(p.strategy, p.time_ms) for p in in_force(events, NOW)] == [("scalper", NOW - 1_000)]
    assert b.admit("a", "BTC-USDT", "", NOW, None) is True  # a new position, its owner kept
    assert "strategy scalper on bingx/default is paused" in refusal(b, strategy="scalper")


def test_an_owners_pause_holds_past_the_day_beside_a_limits_and_one_resume_lifts_both() -> None:
    b = book(ExposureLimits(max_daily_loss=Decimal(50)))
    owner = PauseEvent(
        PauseChange.OWNER_PAUSED, "bingx", "default", "", NOW - 3 * DAY_MS, actor="telegram:42"
    )
    b.sync([owner], NOW)
    # Days later still (an owner's pause has no end), and the owner's reason is the one told.
    assert refusal(b, now=NOW + 5 * DAY_MS) == "bingx/default is paused by telegram:42 until resumed"
    assert b.in_force(NOW + 5 * DAY_MS) == [owner]
    limit = event(PauseChange.PAUSED, NOW - 1_000)
    b.sync([limit], NOW)
    assert in_force([owner, limit], NOW) == [owner, limit] == sorted(b.in_force(NOW), key=lambda p: p.time_ms)
    b.sync([event(PauseChange.RESUMED, NOW)], NOW)
    assert b.in_force(NOW) == [] and b.admit("after", "ETH-USDT", "", NOW + 1, {}) is True
    # A strategy's own pause leaves the account and the other strategies alone.
    b.sync([replace(owner, strategy="scalper", time_ms=NOW + 2)], NOW + 2)
    assert refusal(b, "SOL-USDT", "scalper", NOW + 3) == (
        "strategy scalper on bingx/default is paused by telegram:42 until resumed"
    )
    assert b.admit("other", "SOL-USDT", "swing", NOW + 3, {}) is True


# -- settings -----------------------------------------------------------------------------------


def test_strategy_limits_are_checked_when_read() -> None:
    with pytest.raises(ValueError, match="'max_open' is no limit"):
        parse_strategy_limits('{"a": {"max_open": 1}}', ExposureLimits(), "RISK_STRATEGY_LIMITS")
    with pytest.raises(ValueError, match="RISK_STRATEGY_LIMITS is not JSON"):
        parse_strategy_limits("a: 1", ExposureLimits(), "RISK_STRATEGY_LIMITS")
    with pytest.raises(ValueError, match="must be a positive amount"):
        parse_strategy_limits('{"a": {"RISK_MAX_DAILY_LOSS_USDT": "-5"}}', ExposureLimits(), "x")
    plan = parse_strategy_limits('{"A": {"risk_max_open_positions": 2}}', ExposureLimits(), "x")
    assert plan == RiskPlan(ExposureLimits(), {"a": ExposureLimits(max_open_positions=2)}, plan.named)
