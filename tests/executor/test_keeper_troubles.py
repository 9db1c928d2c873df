"""The keeper against each venue's simulator when the stream misbehaves or the position ends
outside tvbridge: a listen key expiring as the take-profit fills, every event doubled and
swapped, a liquidation, a close in the exchange's app. Each time the position's remaining
levels go, the keeper says why, and every fill is in its replay log once."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests

from common.trading import NewsKind
from executor.core.events import Fill
from executor.core.keeper.keeper import Keeper
from executor.core.keeper.news import News
from executor.core.model import Outcome, SizeKind
from executor.core.ports import OpenProtection
from tests.executor.conftest import VenueRig
from tools.processes import wait_until

WITH_STREAM_S = 1.0  # the bound while the stream is up


@pytest.fixture
def keeper(rig: VenueRig) -> Iterator[Keeper]:
    # A period far longer than any test: what the keeper does in time is the stream's doing, or
    # the reconciliation every (re)connect runs.
    running = Keeper([rig.adapter], 30.0)
    running.start()
    assert wait_until(lambda: streams(rig) == 1, timeout_s=5)
    yield running
    running.stop()


def streams(rig: VenueRig) -> int:
    return len(
        requests.get(f"{rig.sim.url}/_sim/streams", params={"venue_name": rig.profile.name}, timeout=5).json()
    )


def control(rig: VenueRig, path: str, **body: Any) -> None:
    body = {"venue": rig.profile.name, **body}
    requests.post(f"{rig.sim.url}/_sim/{path}", json=body, timeout=5).raise_for_status()


def guarded_long(rig: VenueRig, keeper: Keeper, signal_id: str = "guarded") -> list[OpenProtection]:
    """A long with its take-profit and stop resting: those two, as the venue lists them."""
    engine = rig.engine_on(on_guarded=keeper.guarded)
    entry = engine.execute(
        rig.signal(
            signal_id=signal_id,
            size=(SizeKind.QUANTITY, "0.01"),
            take_profit=Decimal("62000"),
            stop_loss=Decimal("58000"),
        )
    )
    assert entry.outcome is Outcome.EXECUTED, entry.error
    assert wait_until(lambda: len(rig.adapter.open_protections(rig.profile.btc)) == 2, timeout_s=5)
    return rig.adapter.open_protections(rig.profile.btc)


def levels_gone_within(rig: VenueRig, since: float, bound_s: float) -> None:
    assert wait_until(lambda: rig.adapter.open_protections(rig.profile.btc) == [], timeout_s=bound_s + 2)
    took = time.monotonic() - since
    assert took < bound_s, f"levels cancelled {took:.2f} s after the position closed"


def logged(keeper: Keeper) -> tuple[list[Fill], list[News]]:
    items = [r.item for r in keeper.replay.since(0)]
    return [i for i in items if isinstance(i, Fill)], [i for i in items if isinstance(i, News)]


def test_a_listen_key_expiring_as_the_take_profit_fills_still_loses_the_stop(
    rig: VenueRig, keeper: Keeper
) -> None:
    guarded_long(rig, keeper)
    control(rig, "streams/expire")  # no socket hears the fill: the new key's reconciliation must
    rig.set_price("BTC-USDT", "62500")
    filled_at = time.monotonic()
    assert rig.adapter.positions() == []
    levels_gone_within(rig, filled_at, WITH_STREAM_S + 1)
    assert wait_until(lambda: streams(rig) == 1, timeout_s=5)  # and the stream is back, on a new key
    fills, news = logged(keeper)
    assert len(news) == 1  # the flat told once (why: test_a_take_profit_fill_is_told_as_one)
    assert len(fills) == 2 and len({f.trade_id for f in fills}) == 2  # the entry and the take-profit


def test_doubled_and_swapped_events_cancel_once_and_log_each_fill_once(rig: VenueRig, keeper: Keeper) -> None:
    guarded_long(rig, keeper)
    # From the take-profit on, every event twice, and its first event after its second.
    rules = [
        {"venue": rig.profile.name, "kind": "stream_duplicate"},
        {"venue": rig.profile.name, "kind": "stream_reorder", "count": 1},
    ]
    requests.put(f"{rig.sim.url}/_sim/faults", json={"rules": rules}, timeout=5).raise_for_status()
    rig.set_price("BTC-USDT", "62500")
    filled_at = time.monotonic()
    levels_gone_within(rig, filled_at, WITH_STREAM_S)
    # The take-profit's fill came twice on the stream: the second is known as a repeat.
    assert wait_until(lambda: keeper.stats(rig.venue, "default").duplicate_fills >= 1, timeout_s=3)
    fills, news = logged(keeper)
    assert Counter(f.trade_id for f in fills).most_common(1)[0][1] == 1
    assert len(fills) == 2
    assert len(news) == 1
    # The venue shows the stop gone before the keeper has read its cancel's answer.
    assert wait_until(lambda: keeper.stats(rig.venue, "default").cancelled >= 1, timeout_s=3)
    time.sleep(0.3)  # a second cancel, were there one, would be on its way by now
    assert keeper.stats(rig.venue, "default").cancelled == 1  # the stop, once


def test_a_take_profit_fill_is_told_as_one(rig: VenueRig, keeper: Keeper) -> None:
    levels = guarded_long(rig, keeper)
    rig.set_price("BTC-USDT", "62500")
    assert wait_until(lambda: logged(keeper)[1] != [], timeout_s=3)
    fills, news = logged(keeper)
    assert [n.kind for n in news] == [NewsKind.TAKE_PROFIT_HIT]
    # The fill is the take-profit's, under the ids tvbridge placed it with (on Binance, the algo
    # order's, not those of the order it placed when it fired), so the gateway finds its signal.
    closing = fills[-1]
    assert (closing.order_id, closing.client_order_id) in {(p.order_id, p.client_order_id) for p in levels}


def test_a_liquidation_is_told_and_leaves_no_level(rig: VenueRig, keeper: Keeper) -> None:
    guarded_long(rig, keeper)
    control(rig, "liquidate", symbol="BTC-USDT", position_side="BOTH", price="55000")
    closed_at = time.monotonic()
    levels_gone_within(rig, closed_at, WITH_STREAM_S)
    assert wait_until(lambda: logged(keeper)[1] != [], timeout_s=3)
    fills, news = logged(keeper)
    assert [n.kind for n in news] == [NewsKind.LIQUIDATION]
    assert [f.liquidation for f in fills] == [False, True]


def test_a_close_in_the_exchanges_app_cancels_both_levels(rig: VenueRig, keeper: Keeper) -> None:
    guarded_long(rig, keeper)
    control(rig, "close", symbol="BTC-USDT", position_side="BOTH")  # the venue leaves the levels
    closed_at = time.monotonic()
    levels_gone_within(rig, closed_at, WITH_STREAM_S)
    assert wait_until(lambda: logged(keeper)[1] != [], timeout_s=3)
    fills, news = logged(keeper)
    assert [(n.kind, n.quantity) for n in news] == [(NewsKind.CLOSED_OUTSIDE, Decimal("0.01"))]
    assert len(fills) == 2
    # The venue shows the levels gone before the keeper has read its own cancels' answers.
    assert wait_until(lambda: keeper.stats(rig.venue, "default").cancelled == 2, timeout_s=3)


@pytest.fixture
def rest_keeper(rig: VenueRig) -> Iterator[Keeper]:
    # Every user-stream handshake refused for longer than the test: reconciliation alone.
    body = {"venue": rig.profile.name, "refuse_s": 120}
    requests.post(f"{rig.sim.url}/_sim/streams/drop", json=body, timeout=5).raise_for_status()
    running = Keeper([rig.adapter], 0.5)
    running.start()
    yield running
    running.stop()


def told_of_position(keeper: Keeper) -> list[News]:
    """The news about positions, without the stream's own (down, fell back to REST)."""
    return [n for n in logged(keeper)[1] if n.symbol]


def test_a_take_profit_read_by_rest_alone_is_told_and_keeps_its_ids(
    rig: VenueRig, rest_keeper: Keeper
) -> None:
    # No stream: the trade is read from the venue's trade list (on Binance under the id of the
    # order the algo order placed), and the link from the venue's list of conditional orders.
    levels = guarded_long(rig, rest_keeper)
    # A reconciliation has seen the long (and its levels) before the take-profit closes it.
    assert wait_until(lambda: len(rest_keeper.view(rig.venue, "default").protective) == 2, timeout_s=3)
    rig.set_price("BTC-USDT", "62500")
    assert wait_until(lambda: told_of_position(rest_keeper) != [], timeout_s=5)
    fills, _ = logged(rest_keeper)
    assert [n.kind for n in told_of_position(rest_keeper)] == [NewsKind.TAKE_PROFIT_HIT]
    assert len(fills) == 2
    closing = fills[-1]
    assert (closing.order_id, closing.client_order_id) in {(p.order_id, p.client_order_id) for p in levels}
