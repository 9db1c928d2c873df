"""The unprotected-position watch: a position whose signal asked for a stop must keep one.

The engine tells the keeper each stop it placed (`Guard`). At every reconciliation, from the
venue's own list of open orders, a side still open whose resting stops do not cover its size
is unprotected: the stop is placed again once, for the part left uncovered, under a client id
of its own (found by its shape after a lost answer where the venue keeps none); if that fails, or
the position is found bare again, it is reported and counted until it is covered or flat.
The watch ends when the side goes flat.

A trailing stop the signal asked for, without a stop-loss, is watched the same way (a resting
trailing stop covers its side like a stop), but never placed again: its trail, the best price
since it activated, lives only on the venue. A new one would trail from the price now, or be
refused for an activation price already passed, neither of them the stop the signal asked for;
and one that was cancelled by hand may have been meant to go. A missing trailing stop is
reported at once instead, and counted as unprotected until the side is covered or flat.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from decimal import Decimal

from common.decimals import plain
from common.errors import TvbridgeError
from common.trading import NewsKind
from executor.core.events import OrderKind, VenueWatch, Where
from executor.core.keeper.news import Attribution, News, Owner
from executor.core.keeper.oco import guards_position
from executor.core.keeper.state import Book, SideState
from executor.core.legs import client_order_id, replacement_tag
from executor.core.model import OrderPurpose, PositionSide
from executor.core.placement import Placer
from executor.core.ports import ProtectionKind, ProtectionRequest
from executor.core.resting import find_sent

log = logging.getLogger("executor.keeper.watch")

ZERO = Decimal(0)
_STOPS = frozenset({OrderKind.STOP_MARKET, OrderKind.STOP, OrderKind.TRAILING_STOP_MARKET})


@dataclass
class Guard:
    """A stop the engine placed for a signal's entry, and what the watch has done about it."""

    where: Where
    position_side: PositionSide
    stop: ProtectionRequest
    signal_id: str
    since_ms: int  # when the engine reported it: a view of the venue older than this is moot
    replaced: bool = False
    reported: bool = False


def missing(book: Book, guard: Guard, side: SideState) -> Decimal:
    """How much of the guarded side the resting stops, closing the right way, leave uncovered:
    what a stop placed again must cover, and no more (BingX refuses stops totalling more than
    the position, docs/venues/bingx.md 5.8)."""
    stops = [
        o
        for o in book.open_orders.values()
        if o.kind in _STOPS
        and o.position_side is guard.position_side
        and o.side is guard.stop.side
        and guards_position(o)
    ]
    if any(o.close_position for o in stops):
        return ZERO
    resting = sum((o.quantity - o.filled for o in stops), ZERO)
    return max(abs(side.quantity) - resting, ZERO)


class Watch:
    """The guards of one account, by (venue symbol, position side)."""

    def __init__(self, placer: Placer, attribution: Attribution | None = None) -> None:
        self._placer = placer
        self._attribution = attribution
        self._guards: dict[tuple[str, PositionSide], Guard] = {}

    def add(self, guard: Guard) -> None:
        # A newer entry's stop replaces the older one's: it is the stop that now matters.
        self._guards[(guard.where.venue_symbol, guard.position_side)] = guard

    def end(self, venue_symbol: str, position_side: PositionSide) -> None:
        self._guards.pop((venue_symbol, position_side), None)

    @property
    def unprotected(self) -> int:
        return sum(1 for g in self._guards.values() if g.reported)

    def unprotected_sides(self) -> frozenset[tuple[str, PositionSide]]:
        return frozenset(key for key, g in self._guards.items() if g.reported)

    def check(self, books: dict[str, Book], venue: VenueWatch, as_of_ms: int) -> tuple[list[News], int]:
        """Judge every guard against a view of the venue taken at `as_of_ms`: (news, stops
        re-placed)."""
        news: list[News] = []
        replaced = 0
        for key, guard in list(self._guards.items()):
            book = books.get(guard.where.venue_symbol)
            if book is None or guard.since_ms > as_of_ms:
                continue
            side = book.side(guard.position_side)
            if side.flat and side.time_ms >= guard.since_ms:
                del self._guards[key]  # closed since it was guarded
                continue
            uncovered = missing(book, guard, side)
            if uncovered == 0:
                guard.reported = False
                continue
            if not guard.replaced and guard.stop.kind is ProtectionKind.STOP_LOSS:
                guard.replaced = True
                if self._replace(venue, guard, uncovered, set(book.open_orders)):
                    replaced += 1
                    continue
            if not guard.reported:
                guard.reported = True
                news.append(self._news(guard, side))
        return news, replaced

    def _replace(self, venue: VenueWatch, guard: Guard, quantity: Decimal, resting: set[str]) -> bool:
        """Place the missing part of the stop again; `resting`: the order ids resting when the
        view was read, none of which can be the one this sends."""
        tag = replacement_tag(guard.stop.kind, guard.position_side)
        request = replace(
            guard.stop, quantity=quantity, client_order_id=client_order_id(guard.signal_id, tag)
        )
        if self._attribution is not None:
            # Before it is sent: its fill may arrive before the answer does.
            self._attribution.add(request.client_order_id, Owner(guard.signal_id, OrderPurpose.STOP_LOSS))
        try:
            self._placer.send_or_find(
                lambda: venue.place_protection(request),
                lambda: find_sent(venue, request, resting),
                f"{venue.venue.value} replaced stop {request.client_order_id}",
            )
        except TvbridgeError as exc:
            log.warning(
                "missing stop not re-placed",
                extra={"symbol": request.venue_symbol, "reason": exc.message},
            )
            return False
        return True

    def _news(self, guard: Guard, side: SideState) -> News:
        where = guard.where
        if guard.stop.kind is ProtectionKind.TRAILING_STOP:
            what = f"the trailing stop ({plain(guard.stop.callback_pct or ZERO)} % callback) is missing"
            done = "a trail is not placed again, as its best price is lost"
        else:
            what = f"the stop at {plain(guard.stop.trigger_price or ZERO)} is missing"
            done = "could not be placed again"
        return News(
            NewsKind.UNPROTECTED,
            where.venue,
            where.account,
            where.symbol,
            guard.position_side,
            quantity=side.quantity,
            price=guard.stop.trigger_price,
            detail=f"{what} and {done}; the position stands unprotected",
            time_ms=side.time_ms,
        )
