"""The exposure limits told by the position keeper: stops start the cooldown, realised losses
pause the account, and the pause goes out as the keeper's news."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from common.errors import ErrorClass, TvbridgeError
from common.trading import NewsKind
from executor.core.events import OrderKind
from executor.core.exposure.guard import ExposureGuard
from executor.core.exposure.limits import ExposureLimits, RiskPlan
from executor.core.keeper import Keeper, News
from executor.core.model import Action, OrderStatus, Side, Size, SizeKind, TradeSignal, Venue
from tests.executor.core.keeper_support import RECONCILE_S, Clock
from tests.support.fake_watch import FakeWatch, fill, order, position

T0 = 1_795_000_000.0


def signal(signal_id: str, symbol: str = "BTC-USDT") -> TradeSignal:
    return TradeSignal(
        signal_id=signal_id,
        venue=Venue.BINANCE,
        symbol=symbol,
        action=Action.BUY,
        size=Size(SizeKind.QUANTITY, Decimal("0.01")),
        received_at=datetime.now(UTC),
    )


def wired(limits: ExposureLimits) -> tuple[FakeWatch, Keeper, ExposureGuard, list[News], Clock]:
    venue, clock = FakeWatch(), Clock(T0)
    told: list[News] = []
    guard = ExposureGuard(RiskPlan(limits), clock=clock)
    keeper = Keeper([venue], RECONCILE_S, on_news=told.append, clock=clock, monotonic=clock, observer=guard)
    guard.tell, guard.fed = keeper.tell, True
    return venue, keeper, guard, told, clock


def refused(guard: ExposureGuard, venue: FakeWatch, s: TradeSignal) -> str:
    with pytest.raises(TvbridgeError) as caught:
        guard.admit(venue, s, opening=True)
    assert caught.value.error_class is ErrorClass.RISK_LIMIT
    return caught.value.message


def test_a_stop_hit_starts_the_symbols_cooldown() -> None:
    venue, keeper, guard, told, clock = wired(ExposureLimits(cooldown_after_stop_s=300))
    stop = order("sl", OrderKind.STOP_MARKET, Side.SELL)
    at = int(T0 * 1000)
    for event in (
        position("0.01", time_ms=at - 10),
        stop,
        replace(stop, status=OrderStatus.FILLED, filled=stop.quantity, time_ms=at),
        fill("t1", "sl", Side.SELL, time_ms=at),
        position("0", time_ms=at),
    ):
        keeper.handle(event)
    assert [n.kind for n in told] == [NewsKind.STOP_HIT]
    clock.now = T0 + 100
    assert "stop was hit 100 s ago, 200 s of cooldown left" in refused(guard, venue, signal("again"))
    clock.now = T0 + 300
    guard.admit(venue, signal("later"), opening=True).release()


def test_a_realised_loss_past_the_limit_pauses_and_is_told_as_news() -> None:
    venue, keeper, guard, told, _ = wired(ExposureLimits(max_daily_loss=Decimal(25)))
    at = int(T0 * 1000)
    keeper.handle(position("0.01", time_ms=at))
    loss = replace(fill("t1", "o1", Side.SELL, time_ms=at + 1), realized_pnl=Decimal("-24.95"))
    keeper.handle(loss)  # 24.95 lost plus a 0.1 fee: 25.05
    keeper.handle(position("0", time_ms=at + 1))
    [news] = [n for n in told if n.kind is NewsKind.RISK_PAUSED]
    assert (news.venue, news.account, news.strategy, news.limit) == (
        Venue.BINANCE,
        "default",
        "",
        "RISK_MAX_DAILY_LOSS_USDT",
    )
    assert news.detail == "RISK_MAX_DAILY_LOSS_USDT = 25: binance/default realised a loss of 25.05 today"
    assert news.until_ms == (at // 86_400_000 + 1) * 86_400_000
    assert [r.item for r in keeper.replay.since(0) if r.item == news] == [news]  # for the gateway
    assert "paused until" in refused(guard, venue, signal("next"))


def test_a_slot_is_freed_by_the_keepers_newer_flat_not_by_an_older_one() -> None:
    venue, keeper, guard, _, clock = wired(ExposureLimits(max_open_positions=1))
    ticket = guard.admit(venue, signal("open"), opening=True)
    ticket.failed(TvbridgeError(ErrorClass.VENUE_UNAVAILABLE, "no answer"))  # may have reached it
    keeper.handle(position("0", time_ms=int(T0 * 1000) - 1))  # read before the entry was sent
    assert "holds 1 (BTC-USDT" in refused(guard, venue, signal("other", "ETH-USDT"))
    clock.now = T0 + 1
    keeper.handle(position("0", time_ms=int(clock.now * 1000)))  # it never opened
    guard.admit(venue, signal("other", "ETH-USDT"), opening=True).release()
