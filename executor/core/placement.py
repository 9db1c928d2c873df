"""Placing a leg so that it is placed at most once: send, and when the answer is lost, ask the
venue by client order id before anything else; on a redelivery, ask first."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from decimal import Decimal

from common.decimals import plain
from common.errors import ErrorClass, TvbridgeError
from executor.core.legs import Leg, client_order_id, possible_legs
from executor.core.model import OrderReport, OrderType, TradeSignal, Venue
from executor.core.ports import InstrumentRules, OrderRequest, Protection, VenueAdapter, VenueOrder

log = logging.getLogger("executor.placement")

# Answers after which the venue may hold the order although we hold no acknowledgement.
_MAYBE_PLACED = (ErrorClass.VENUE_UNAVAILABLE, ErrorClass.DUPLICATE_CLIENT_ID)


class Placer:
    def __init__(self, rate_limit_wait_s: float = 1.0) -> None:
        self.rate_limit_wait_s = rate_limit_wait_s

    def send(self, place: Callable[[], VenueOrder]) -> VenueOrder:
        """One request; after a rate-limit answer, one more once the venue's window reopens, if
        that is soon. A rate-limit answer means the order was not taken."""
        try:
            return place()
        except TvbridgeError as exc:
            if exc.error_class is not ErrorClass.RATE_LIMITED:
                raise
            wait = exc.retry_after_s if exc.retry_after_s is not None else self.rate_limit_wait_s
            if wait > self.rate_limit_wait_s:
                raise
            time.sleep(wait)
            return place()

    def send_or_find(
        self, place: Callable[[], VenueOrder], find: Callable[[], VenueOrder | None], what: str
    ) -> VenueOrder:
        """Send; when the venue may have acted without our hearing it, the order it holds under
        the same client id is the answer. Holding none, the signal is tried again later."""
        try:
            return self.send(place)
        except TvbridgeError as exc:
            if not exc.sent or exc.error_class not in _MAYBE_PLACED:
                raise  # never sent, or refused: nothing to look for
            found = find()
            if found is None:
                raise TvbridgeError(
                    ErrorClass.VENUE_UNAVAILABLE,
                    f"{what} was not confirmed, and the venue holds no such order ({exc.message})",
                ) from exc
            return found

    def place(
        self,
        adapter: VenueAdapter,
        rules: InstrumentRules,
        signal: TradeSignal,
        leg: Leg,
        quantity: Decimal,
        attached: tuple[Protection, ...] = (),
    ) -> OrderReport:
        request = OrderRequest(
            venue_symbol=rules.venue_symbol,
            side=leg.side,
            position_side=leg.position_side,
            order_type=signal.order_type,
            quantity=quantity,
            client_order_id=client_order_id(signal.signal_id, leg.tag),
            reduce_only=leg.reduce_only,
            price=limit_price(rules, signal),
            purpose=leg.purpose,
            attached=attached,
        )
        try:
            placed = self.send_or_find(
                lambda: adapter.place_order(request),
                lambda: adapter.find_order(request.venue_symbol, request.client_order_id),
                f"{adapter.venue.value} order {request.client_order_id}",
            )
        finally:
            adapter.account_changed()
        if placed.avg_price is not None:
            adapter.saw_price(rules.venue_symbol, placed.avg_price)
        if log.isEnabledFor(logging.INFO):  # its fields are worked out only for a log that shows them
            log.info(
                "order placed",
                extra={
                    "venue": adapter.venue.value,
                    "symbol": rules.venue_symbol,
                    "side": leg.side.value,
                    "quantity": plain(quantity),
                    "order_id": placed.order_id,
                    "client_order_id": request.client_order_id,
                },
            )
        return report(adapter.venue, request, placed)

    @staticmethod
    def already_placed(
        adapter: VenueAdapter, rules: InstrumentRules, signal: TradeSignal
    ) -> list[tuple[Leg, OrderReport]]:
        """The orders an earlier attempt of this signal placed, by client id, as the venue has them."""
        found_legs = []
        for leg in possible_legs(signal, adapter.hedge_mode()):
            cid = client_order_id(signal.signal_id, leg.tag)
            found = adapter.find_order(rules.venue_symbol, cid)
            if found is None:
                continue
            request = OrderRequest(
                venue_symbol=rules.venue_symbol,
                side=leg.side,
                position_side=leg.position_side,
                order_type=signal.order_type,
                quantity=found.executed_qty or Decimal(0),
                client_order_id=cid,
                reduce_only=leg.reduce_only,
                purpose=leg.purpose,
            )
            found_legs.append((leg, report(adapter.venue, request, found)))
        return found_legs


def limit_price(rules: InstrumentRules, signal: TradeSignal) -> Decimal | None:
    if signal.order_type is OrderType.LIMIT and signal.price:
        return rules.floor_price(signal.price)
    return None


def report(venue: Venue, request: OrderRequest, placed: VenueOrder) -> OrderReport:
    return OrderReport(
        venue=venue,
        venue_symbol=request.venue_symbol,
        order_id=placed.order_id,
        client_order_id=placed.client_order_id,
        side=request.side,
        position_side=request.position_side,
        order_type=request.order_type,
        quantity=request.quantity,
        price=request.price,
        avg_price=placed.avg_price,
        status=placed.status,
        reduce_only=request.reduce_only,
        purpose=request.purpose,
    )
