"""An exit plan as its take-profits fill: the stop shrinks to what is left, moves to break-even
after take-profit N, the trail starts after take-profit M and shrinks with each later one; a
failed move keeps the old stop (or trail)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from common.errors import ErrorClass, TvbridgeError
from common.trading import NewsKind
from executor.core.events import Fill, OrderKind, OrderUpdate, Where
from executor.core.keeper.exits import ExitPlan, Exits, Pending, Step
from executor.core.ladder import Rung
from executor.core.model import OrderStatus, PositionSide, Side, Venue
from executor.core.placement import Placer
from executor.core.ports import (
    InstrumentRules,
    OpenProtection,
    ProtectionKind,
    ProtectionRequest,
    VenueOrder,
)

D = Decimal
WHERE = Where(Venue.BINANCE, "default", "BTC-USDT", "BTCUSDT")
RULES = InstrumentRules(
    "BTC-USDT", "BTCUSDT", D("0.001"), D("0.1"), D("0.001"), D("5"), "minQty", "minNotional"
)


@dataclass
class Venue_:
    """What the plan asks of the venue, recorded; `refuse` makes the next replace fail."""

    venue: Venue = Venue.BINANCE
    trigger_client_ids: bool = True
    replaced: list[tuple[OpenProtection, ProtectionRequest]] = field(default_factory=list)
    placed: list[ProtectionRequest] = field(default_factory=list)
    refuse: bool = False

    def replace_protection(self, old: OpenProtection, request: ProtectionRequest) -> VenueOrder:
        if self.refuse:
            self.refuse = False
            raise TvbridgeError(ErrorClass.VENUE_REJECTED, "refused", sent=True)
        self.replaced.append((old, request))
        return VenueOrder(f"moved-{len(self.replaced)}", request.client_order_id, OrderStatus.NEW, None, D(0))

    def place_protection(self, request: ProtectionRequest) -> VenueOrder:
        self.placed.append(request)
        return VenueOrder(f"placed-{len(self.placed)}", request.client_order_id, OrderStatus.NEW, None, D(0))

    def find_protection(self, venue_symbol: str, client_order_id: str) -> VenueOrder | None:
        return None


def plan(
    *,
    breakeven_after: int | None = 1,
    trail_after: int | None = 2,
    stop: bool = True,
    activation: Decimal | None = None,
) -> ExitPlan:
    steps = [
        Step(Rung((1,), D("61200"), D("0.004")), "c1", "tp1"),
        Step(Rung((2,), D("62400"), D("0.003")), "c2", "tp2"),
        Step(Rung((3,), D("63600"), D("0.002")), "c3", "tp3"),
    ]
    sl = ProtectionRequest(
        "BTCUSDT", ProtectionKind.STOP_LOSS, Side.SELL, PositionSide.LONG, D("0.010"), D("58800"), "csl"
    )
    trail = ProtectionRequest(
        "BTCUSDT", ProtectionKind.TRAILING_STOP, Side.SELL, PositionSide.LONG, D(0), activation, "ctr", D("1")
    )
    return ExitPlan(
        where=WHERE,
        rules=RULES,
        position_side=PositionSide.LONG,
        long=True,
        signal_id="sig",
        entry_quantity=D("0.010"),
        entry_price=D("60000"),
        steps=steps,
        stop=sl if stop else None,
        stop_order_id="sl1" if stop else "",
        breakeven_after=breakeven_after,
        breakeven_offset_pct=None,
        trail_after=trail_after,
        trail=trail if trail_after else None,
    )


def take(order_id: str, quantity: str, trade: str) -> Fill:
    return Fill(
        WHERE,
        trade,
        order_id,
        "",
        Side.SELL,
        PositionSide.LONG,
        D(quantity),
        D("61200"),
        D(0),
        "USDT",
        D(0),
        False,
        1,
    )


def test_each_take_profit_shrinks_the_stop_the_first_moves_it_to_break_even_the_second_starts_a_trail() -> (
    None
):
    moved: list[ProtectionRequest] = []
    exits = Exits(Placer(), on_stop=lambda _plan, stop: moved.append(stop))
    venue = Venue_()
    kept = plan()
    exits.add(kept)

    exits.filled(take("tp1", "0.004", "t1"), venue)  # type: ignore[arg-type]
    [(old, new)] = venue.replaced
    assert (old.order_id, old.quantity, old.trigger_price) == ("sl1", D("0.010"), D("58800"))
    assert (new.quantity, new.trigger_price) == (D("0.006"), D("60000.0"))
    assert kept.at_breakeven and kept.stop_order_id == "moved-1" and moved == [new]
    assert venue.placed == []

    exits.filled(take("tp2", "0.003", "t2"), venue)  # type: ignore[arg-type]
    old, new = venue.replaced[-1]
    assert (old.order_id, new.quantity, new.trigger_price) == ("moved-1", D("0.003"), D("60000.0"))
    [trail] = venue.placed
    assert (trail.kind, trail.quantity, trail.callback_pct) == (
        ProtectionKind.TRAILING_STOP,
        D("0.003"),
        D("1"),
    )

    exits.filled(take("tp3", "0.002", "t3"), venue)  # type: ignore[arg-type]
    (stop_old, stop_new), (trail_old, trail_new) = venue.replaced[-2:]
    assert (stop_old.order_id, stop_new.quantity) == ("moved-2", D("0.001"))  # the runner
    assert (trail_old.order_id, trail_old.quantity, trail_new.quantity) == (
        "placed-1",
        D("0.003"),
        D("0.001"),
    )
    assert len({r.client_order_id for _, r in venue.replaced}) == 4  # each move a client id of its own
    assert [lv.done for lv in kept.view().take_profits] == [True, True, True]
    assert kept.view().stop_quantity == D("0.001")


def test_a_partial_take_profit_shrinks_the_stop_without_moving_it() -> None:
    exits, venue, kept = Exits(Placer()), Venue_(), plan(breakeven_after=2, trail_after=None)
    exits.add(kept)
    exits.filled(take("tp1", "0.001", "t1"), venue)  # type: ignore[arg-type]
    [(_, new)] = venue.replaced
    assert (new.quantity, new.trigger_price) == (D("0.009"), D("58800"))
    assert not kept.at_breakeven


def test_break_even_places_a_stop_when_the_signal_had_none() -> None:
    exits, venue = Exits(Placer()), Venue_()
    exits.add(plan(stop=False, trail_after=None))
    exits.filled(take("tp1", "0.004", "t1"), venue)  # type: ignore[arg-type]
    [stop] = venue.placed
    assert (stop.kind, stop.quantity, stop.trigger_price) == (
        ProtectionKind.STOP_LOSS,
        D("0.006"),
        D("60000.0"),
    )


def test_a_refused_move_keeps_the_old_stop_and_the_next_fill_tries_again() -> None:
    exits, venue, kept = Exits(Placer()), Venue_(refuse=True), plan(trail_after=None)
    exits.add(kept)
    exits.filled(take("tp1", "0.004", "t1"), venue)  # type: ignore[arg-type]
    assert venue.replaced == [] and kept.stop_order_id == "sl1" and kept.stop is not None
    assert kept.stop.quantity == D("0.010")
    # The owner hears of it: a stop that did not move is no stop at break-even.
    [told] = exits.told
    assert told.kind is NewsKind.EXIT_NOT_FOLLOWED and told.symbol == "BTC-USDT"
    assert told.detail == "the stop was not moved to 60000 for 0.006: refused; it stays at 58800 for 0.01"
    exits.filled(take("tp2", "0.003", "t2"), venue)  # type: ignore[arg-type]
    [(old, new)] = venue.replaced
    assert (old.order_id, new.quantity, new.trigger_price) == ("sl1", D("0.003"), D("60000.0"))


def test_a_side_gone_flat_ends_its_plan() -> None:
    exits, venue = Exits(Placer()), Venue_()
    exits.add(plan())
    exits.end("BTCUSDT", PositionSide.LONG)
    exits.filled(take("tp1", "0.004", "t1"), venue)  # type: ignore[arg-type]
    assert venue.replaced == [] and exits.views() == {}


def _entry(status: OrderStatus, filled: str) -> OrderUpdate:
    return OrderUpdate(
        WHERE,
        "e1",
        "ce",
        OrderKind.LIMIT,
        Side.BUY,
        PositionSide.LONG,
        status,
        D("0.010"),
        D(filled),
        D("59000") if D(filled) else None,
        None,
        False,
        False,
        5,
    )


def test_a_limit_entry_is_armed_once_filled_and_forgotten_when_cancelled_unfilled() -> None:
    exits, venue = Exits(Placer()), Venue_()
    exits.pending["e1"] = Pending(WHERE, "e1", lambda q, p: None)
    assert exits.ordered(_entry(OrderStatus.PARTIALLY_FILLED, "0.004"), venue) is None  # type: ignore[arg-type]
    assert exits.ordered(_entry(OrderStatus.FILLED, "0.010"), venue) is not None  # type: ignore[arg-type]
    assert exits.pending == {}
    exits.pending["e1"] = Pending(WHERE, "e1", lambda q, p: None)
    assert exits.ordered(_entry(OrderStatus.CANCELED, "0"), venue) is None  # type: ignore[arg-type]
    assert exits.pending == {}


def test_a_take_profit_told_by_its_order_report_and_its_trade_counts_once() -> None:
    # BingX sends the order's cumulative fill and the trade in one frame: 0.004, not 0.008.
    exits, venue, kept = Exits(Placer()), Venue_(), plan(trail_after=None)
    exits.add(kept)
    report = OrderUpdate(
        WHERE,
        "tp1",
        "",
        OrderKind.TAKE_PROFIT_MARKET,
        Side.SELL,
        PositionSide.LONG,
        OrderStatus.FILLED,
        D("0.004"),
        D("0.004"),
        D("61200"),
        D("61200"),
        True,
        False,
        7,
    )
    assert exits.ordered(report, venue) is None  # type: ignore[arg-type]
    exits.filled(take("tp1", "0.004", "t1"), venue)  # type: ignore[arg-type]
    [(_, new)] = venue.replaced
    assert new.quantity == D("0.006") and kept.steps[0].filled == D("0.004")


def _trail_plan(activation: Decimal | None = None) -> tuple[Exits, Venue_, ExitPlan]:
    exits, venue = Exits(Placer()), Venue_()
    kept = plan(breakeven_after=None, trail_after=1, stop=False, activation=activation)
    exits.add(kept)
    exits.filled(take("tp1", "0.004", "t1"), venue)  # type: ignore[arg-type]
    [trail] = venue.placed
    assert (trail.quantity, trail.trigger_price) == (D("0.006"), activation)
    return exits, venue, kept


def test_each_take_profit_after_the_trail_puts_one_for_what_is_left_in_its_place() -> None:
    # A trail for more than the side holds is refused when it fires in hedge mode: the runner
    # would be left without one.
    exits, venue, kept = _trail_plan()
    exits.filled(take("tp2", "0.003", "t2"), venue)  # type: ignore[arg-type]
    [(old, new)] = venue.replaced
    assert (old.order_id, old.order_type, old.quantity, old.callback_pct) == (
        "placed-1",
        "TRAILING_STOP_MARKET",
        D("0.006"),
        D("1"),
    )
    assert (new.kind, new.quantity, new.callback_pct, new.trigger_price) == (
        ProtectionKind.TRAILING_STOP,
        D("0.003"),
        D("1"),
        None,
    )
    assert new.client_order_id != old.client_order_id and kept.trail_order_id == "moved-1"

    exits.filled(take("tp3", "0.001", "t3"), venue)  # type: ignore[arg-type]
    old, new = venue.replaced[-1]
    assert (old.order_id, old.quantity, new.quantity) == ("moved-1", D("0.003"), D("0.002"))
    assert venue.placed[1:] == []  # resized in place, never a second trail beside the first


def test_a_resized_trail_keeps_its_activation_until_a_take_profit_has_reached_it() -> None:
    exits, venue, _ = _trail_plan(activation=D("63000"))
    exits.filled(take("tp2", "0.003", "t2"), venue)  # type: ignore[arg-type]
    [(old, new)] = venue.replaced
    assert (old.activation_price, new.trigger_price) == (D("63000"), D("63000"))

    # Take-profit 2 at 62400 filled: the price has been past an activation at 62000, which the
    # venues would refuse now, so the new trail starts from the price now (and the old one, should
    # it have to be put back, is put back without it).
    exits, venue, _ = _trail_plan(activation=D("62000"))
    exits.filled(take("tp2", "0.003", "t2"), venue)  # type: ignore[arg-type]
    [(old, new)] = venue.replaced
    assert (old.order_id, old.activation_price, new.trigger_price, new.quantity) == (
        "placed-1",
        None,
        None,
        D("0.003"),
    )


def test_a_refused_resize_keeps_the_old_trail_and_the_next_fill_tries_again() -> None:
    exits, venue, kept = _trail_plan()
    venue.refuse = True
    exits.filled(take("tp2", "0.003", "t2"), venue)  # type: ignore[arg-type]
    assert venue.replaced == [] and kept.trail_order_id == "placed-1"
    assert kept.trail is not None and kept.trail.quantity == D("0.006")
    [told] = exits.told
    assert told.kind is NewsKind.EXIT_NOT_FOLLOWED and told.detail.startswith(
        "the trailing stop was not resized to 0.003: refused; it stays for 0.006"
    )
    exits.filled(take("tp3", "0.001", "t3"), venue)  # type: ignore[arg-type]
    [(old, new)] = venue.replaced
    assert (old.order_id, old.quantity, new.quantity) == ("placed-1", D("0.006"), D("0.002"))


def test_a_trail_that_was_never_placed_is_not_resized() -> None:
    exits, venue = Exits(Placer()), Venue_()
    kept = plan(breakeven_after=None, trail_after=1, stop=False)
    exits.add(kept)
    venue.place_protection = _refused  # type: ignore[method-assign]
    exits.filled(take("tp1", "0.004", "t1"), venue)  # type: ignore[arg-type]
    exits.filled(take("tp2", "0.003", "t2"), venue)  # type: ignore[arg-type]
    assert kept.trail_placed and kept.trail_order_id == "" and venue.replaced == []


def _refused(request: ProtectionRequest) -> VenueOrder:
    raise TvbridgeError(ErrorClass.VENUE_REJECTED, "refused", sent=True)
