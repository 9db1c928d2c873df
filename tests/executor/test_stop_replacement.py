"""A position's take-profit ladder and its stop, moved and resized in place with
`replace_protection`, on both venues against the simulator, in one-way and hedge mode.

A long of 0.010 BTC carries three reduce-only take-profits (0.005 at 61,000, 0.003 at 62,000,
0.002 at 63,000) and a stop for the whole of it. Each level closes its own share as the price
walks up through it. BingX replaces a stop with one cancelReplace request; Binance places the
new stop before cancelling the old. Either way a stop rests at every price the simulator sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest

from common.errors import ErrorClass, TvbridgeError
from executor.core.model import OrderType, PositionSide, Side
from executor.core.ports import OpenProtection, OrderRequest, ProtectionKind, ProtectionRequest
from executor.venues.bingx import endpoints as bingx_paths
from executor.venues.bingx.adapter import BingxAdapter
from simulator.events import Event, TriggerChange, TriggerUpdate
from tests.executor.conftest import BINANCE, BINGX, VenueRig, on_venues

D = Decimal
LADDER = ((D("0.005"), D("61000")), (D("0.003"), D("62000")), (D("0.002"), D("63000")))
ENTRY = D("60000")  # the simulator's BTC price, where the entry fills
REPLACE = f"POST {bingx_paths.CANCEL_REPLACE}"


@dataclass
class Long:
    """A long of 0.010 on one venue, in one position mode, and its protective orders."""

    rig: VenueRig
    side: PositionSide  # BOTH in one-way mode, LONG in hedge mode
    seen: list[tuple[Decimal, int]]  # every price move since the stop was placed: (price, stops)

    def request(
        self, kind: ProtectionKind, quantity: Decimal, trigger: Decimal, tag: str
    ) -> ProtectionRequest:
        return ProtectionRequest(self.rig.profile.btc, kind, Side.SELL, self.side, quantity, trigger, tag)

    def stop(self, quantity: Decimal, trigger: Decimal, tag: str) -> ProtectionRequest:
        return self.request(ProtectionKind.STOP_LOSS, quantity, trigger, tag)

    def resting(self) -> list[OpenProtection]:
        return self.rig.adapter.open_protections(self.rig.profile.btc)

    def stops(self) -> list[tuple[Decimal, Decimal | None]]:
        return [(o.quantity, o.trigger_price) for o in self.resting() if o.order_type == "STOP_MARKET"]

    def targets(self) -> list[tuple[Decimal, Decimal | None]]:
        rows = [o for o in self.resting() if o.order_type == "TAKE_PROFIT_MARKET"]
        return sorted((o.quantity, o.trigger_price) for o in rows)

    def the_stop(self) -> OpenProtection:
        (stop,) = [o for o in self.resting() if o.order_type == "STOP_MARKET"]
        return stop

    def walk(self, *prices: str) -> None:
        for price in prices:
            self.rig.exchange.set_price("BTC-USDT", D(price))

    def held(self) -> Decimal:
        return self.rig.held()

    def stops_now(self) -> int:
        """The stops waiting on the exchange, counted inside it (no request in between)."""
        waiting = [
            t for listed in self.rig.exchange.waiting_orders for t in listed(self.rig.account, "BTC-USDT")
        ]
        return sum(1 for t in waiting if t.order_type == "STOP_MARKET")


@pytest.fixture(params=["one_way", "hedge"])
def long(rig: VenueRig, request: pytest.FixtureRequest) -> Iterator[Long]:
    hedge = request.param == "hedge"
    rig.account.hedge_mode = hedge
    side = PositionSide.LONG if hedge else PositionSide.BOTH
    entry = OrderRequest(rig.profile.btc, Side.BUY, side, OrderType.MARKET, D("0.010"), "tvb-entry")
    rig.adapter.place_order(entry)
    position = Long(rig, side, [])
    rig.adapter.place_protection(position.stop(D("0.010"), D("59000"), "tvb-stop"))
    for n, (quantity, trigger) in enumerate(LADDER, 1):
        rig.adapter.place_protection(
            position.request(ProtectionKind.TAKE_PROFIT, quantity, trigger, f"tvb-tp{n}")
        )

    def count(symbol: str, mark: Decimal) -> None:
        position.seen.append((mark, position.stops_now()))

    rig.exchange.price_listeners.append(count)
    yield position
    rig.exchange.price_listeners.remove(count)


def test_each_take_profit_closes_its_own_share_beside_a_whole_stop(long: Long) -> None:
    # BingX: the take-profits total the position, apart from a stop of the whole position.
    assert long.targets() == sorted(LADDER)
    assert long.stops() == [(D("0.010"), D("59000"))]
    for price, left in (("60500", "0.010"), ("61000", "0.005"), ("62000", "0.002"), ("63000", "0")):
        long.walk(price)
        assert long.held() == D(left), price
        assert long.stops() == [(D("0.010"), D("59000"))], price
    assert long.targets() == []
    assert all(stops == 1 for _, stops in long.seen)


def test_the_stop_follows_the_position_and_moves_to_the_entry(long: Long) -> None:
    long.walk("60500", "61000")
    assert long.held() == D("0.005")
    # Resized to what is left, then moved to the entry price: break-even.
    resized = long.rig.adapter.replace_protection(
        long.the_stop(), long.stop(D("0.005"), D("59000"), "tvb-sl2")
    )
    assert long.stops() == [(D("0.005"), D("59000"))]
    assert long.the_stop().order_id == resized.order_id
    moved = long.rig.adapter.replace_protection(long.the_stop(), long.stop(D("0.005"), ENTRY, "tvb-sl3"))
    assert long.stops() == [(D("0.005"), ENTRY)]
    assert long.the_stop().order_id == moved.order_id
    assert long.targets() == sorted(LADDER[1:])
    long.walk("61500", "62000")
    assert long.held() == D("0.002")
    long.rig.adapter.replace_protection(long.the_stop(), long.stop(D("0.002"), ENTRY, "tvb-sl4"))
    assert long.stops() == [(D("0.002"), ENTRY)]
    # Back down: what is left closes at the entry, the last take-profit still waiting.
    long.walk("61000", "60500", "60000")
    assert long.held() == 0
    assert long.stops() == []
    assert long.targets() == [LADDER[2]]
    before_the_stop_fired = long.seen[:-1]
    assert [stops for _, stops in before_the_stop_fired] == [1] * len(before_the_stop_fired)
    assert long.seen[-1] == (ENTRY, 0)


@on_venues(BINGX)
def test_bingx_replaces_in_one_request(rig: VenueRig) -> None:
    position = opened(rig)
    old = position.the_stop()
    changes = trigger_changes(rig)
    rig.reset_requests()
    placed = rig.adapter.replace_protection(old, position.stop(D("0.010"), D("59500"), "tvb-sl2"))
    assert rig.seen() == {REPLACE: 1}
    # Cancelled and placed inside that one request, under the exchange's lock.
    assert changes == [(old.order_id, TriggerChange.CANCELED), (placed.order_id, TriggerChange.PLACED)]
    assert position.stops() == [(D("0.010"), D("59500"))]


@on_venues(BINANCE)
def test_binance_places_the_new_stop_before_cancelling_the_old(rig: VenueRig) -> None:
    position = opened(rig)
    old = position.the_stop()
    changes = trigger_changes(rig)
    rig.reset_requests()
    placed = rig.adapter.replace_protection(old, position.stop(D("0.010"), D("59500"), "tvb-sl2"))
    assert rig.seen() == {"POST /fapi/v1/algoOrder": 1, "DELETE /fapi/v1/algoOrder": 1}
    assert changes == [(placed.order_id, TriggerChange.PLACED), (old.order_id, TriggerChange.CANCELED)]
    assert [(o.order_id, o.trigger_price) for o in position.resting()] == [(placed.order_id, D("59500"))]


def test_an_old_stop_already_gone_is_no_error(rig: VenueRig) -> None:
    position = opened(rig)
    old = position.the_stop()
    rig.adapter.cancel_protection(rig.profile.btc, old.order_id)
    rig.adapter.replace_protection(old, position.stop(D("0.010"), D("59500"), "tvb-sl2"))
    assert position.stops() == [(D("0.010"), D("59500"))]


def test_a_refused_replacement_leaves_the_old_stop_resting(rig: VenueRig) -> None:
    position = opened(rig)
    old = position.the_stop()
    above_the_price = position.stop(D("0.010"), D("61000"), "tvb-sl2")
    with pytest.raises(TvbridgeError) as refused:
        rig.adapter.replace_protection(old, above_the_price)
    assert refused.value.error_class is ErrorClass.VENUE_REJECTED
    words = {BINGX.venue: "Stop Loss price should be lower", BINANCE.venue: "would immediately trigger"}
    assert words[rig.venue] in refused.value.message
    # BingX cancelled it and placed it again from its own terms; Binance never touched it.
    assert position.stops() == [(D("0.010"), D("59000"))]
    rig.exchange.set_price("BTC-USDT", D("58900"))
    assert rig.held() == 0


@on_venues(BINGX)
@pytest.mark.parametrize(
    ("trigger", "rests"),
    [
        (D("59500"), D("59500")),  # both halves went through: the new stop is found by its shape
        (D("61000"), D("59000")),  # the new one was refused after the cancel: the old one again
    ],
    ids=["replaced", "refused"],
)
def test_bingx_settles_a_lost_answer_by_what_rests(rig: VenueRig, trigger: Decimal, rests: Decimal) -> None:
    position = opened(rig)
    slow = rig.new_adapter(read_timeout_s=0.5)
    assert isinstance(slow, BingxAdapter)
    lost = {"kind": "timeout_after_accept", "count": 1, "hold_s": 1}
    rig.set_faults({**lost, "method": "POST", "path": bingx_paths.CANCEL_REPLACE})
    try:
        placed = slow.replace_protection(position.the_stop(), position.stop(D("0.010"), trigger, "tvb-sl2"))
    except TvbridgeError as exc:
        assert (exc.error_class, trigger) == (ErrorClass.VENUE_UNAVAILABLE, D("61000"))
    else:
        assert position.the_stop().order_id == placed.order_id
    finally:
        slow.close()
    assert position.stops() == [(D("0.010"), rests)]


def trigger_changes(rig: VenueRig) -> list[tuple[str, TriggerChange]]:
    """From now on, each conditional order placed or cancelled on the venue, in order: (id, change)."""
    changes: list[tuple[str, TriggerChange]] = []

    def seen(event: Event) -> None:
        if isinstance(event, TriggerUpdate) and event.change in (
            TriggerChange.PLACED,
            TriggerChange.CANCELED,
        ):
            trigger = event.trigger
            order_id = getattr(trigger, "algo_id", None) or getattr(trigger, "order_id", None)
            changes.append((str(order_id), event.change))

    rig.exchange.events.subscribe(seen)
    return changes


def opened(rig: VenueRig) -> Long:
    """A one-way long of 0.010 with a whole stop at 59,000 and no take-profit."""
    entry = OrderRequest(
        rig.profile.btc, Side.BUY, PositionSide.BOTH, OrderType.MARKET, D("0.010"), "tvb-entry"
    )
    rig.adapter.place_order(entry)
    position = Long(rig, PositionSide.BOTH, [])
    rig.adapter.place_protection(position.stop(D("0.010"), D("59000"), "tvb-stop"))
    return position
