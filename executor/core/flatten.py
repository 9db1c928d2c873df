"""Flatten: cancel tvbridge's open orders and close every position of an account.

Over the venue port only. Our orders are those whose client id starts with `tvb`
(`legs.client_order_id`); anything placed by hand is left alone. A venue that lists every open
order of the account in one read (`ListsOrders`: both real venues) has all of ours cancelled,
resting limit entries included, on whatever symbol they rest. Otherwise only trigger orders
are read, per symbol: those with a position, those this executor has traded since it started,
and `RISK_ALLOWED_SYMBOLS`.

A venue that keeps no client id on trigger orders (BingX: `trigger_client_ids` False) cannot
tell our stops from any other, so there every id-less trigger that only closes a side being
closed is cancelled too: with its side flat it has nothing left to guard.

Each position side is closed whole by one reduce-only market order. A failure on one symbol
is reported with its error class and the rest go on: a panic button does all it can.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol, runtime_checkable

from common.errors import TvbridgeError
from executor.core.events import OrderUpdate
from executor.core.legs import client_order_id
from executor.core.model import OrderPurpose, OrderStatus, OrderType, PositionSide, Side, Venue
from executor.core.ports import OrderRequest, VenueAdapter, VenuePosition

log = logging.getLogger("executor.flatten")

OUR_PREFIX = "tvb"

SymbolLock = Callable[[Venue, str, str], AbstractContextManager[object]]


@dataclass(frozen=True)
class CancelledOrder:
    venue_symbol: str
    order_id: str
    client_order_id: str


@dataclass(frozen=True)
class ClosedPosition:
    venue_symbol: str
    position_side: PositionSide
    quantity: Decimal  # absolute
    order_id: str
    client_order_id: str
    status: OrderStatus


@dataclass(frozen=True)
class FlattenFailure:
    venue_symbol: str  # empty: the account itself could not be read
    step: str  # "read", "cancel" or "close"
    error: TvbridgeError


@dataclass
class AccountFlatten:
    venue: Venue
    account: str
    cancelled: list[CancelledOrder] = field(default_factory=list)
    closed: list[ClosedPosition] = field(default_factory=list)
    failures: list[FlattenFailure] = field(default_factory=list)


@runtime_checkable
class ListsOrders(Protocol):
    """A venue that lists every open order of the account, of every kind, and cancels any."""

    def open_orders(self, venue_symbol: str | None = None) -> list[OrderUpdate]: ...

    def cancel_order(self, venue_symbol: str, order: OrderUpdate) -> None: ...


def is_ours(client_id: str) -> bool:
    return client_id.lower().startswith(OUR_PREFIX)


def flatten_account(
    adapter: VenueAdapter, symbols: Iterable[str], lock: SymbolLock, run_id: str | None = None
) -> AccountFlatten:
    """Flatten one account. `symbols` (canonical) are looked at besides those with a position."""
    report = AccountFlatten(adapter.venue, adapter.account)
    run = run_id or uuid.uuid4().hex
    try:
        positions = adapter.positions()
    except TvbridgeError as exc:
        report.failures.append(FlattenFailure("", "read", exc))
        return report
    held: dict[str, list[VenuePosition]] = {}
    for position in positions:
        held.setdefault(position.symbol, []).append(position)
    venue_symbols = {symbol: ps[0].venue_symbol for symbol, ps in held.items()}
    lister = adapter if isinstance(adapter, ListsOrders) else None
    idless = () if adapter.trigger_client_ids else positions
    resting = None if lister is None else _ours_everywhere(lister, idless)
    if resting is not None:
        for orders in resting.values():
            venue_symbols.setdefault(orders[0].where.symbol, orders[0].where.venue_symbol)
    else:
        _add_symbols(adapter, symbols, venue_symbols)
    for symbol, venue_symbol in sorted(venue_symbols.items()):
        # One at a time with the signals of the same symbol, as the engine runs them.
        with lock(adapter.venue, adapter.account, symbol):
            if lister is not None and resting is not None:
                _cancel_listed(lister, resting.get(venue_symbol, []), report)
            else:
                _cancel_ours(adapter, venue_symbol, report)
            for position in held.get(symbol, []):
                _close(adapter, position, run, report)
    return report


def _add_symbols(adapter: VenueAdapter, symbols: Iterable[str], venue_symbols: dict[str, str]) -> None:
    for symbol in symbols:
        if symbol not in venue_symbols:
            try:
                venue_symbols[symbol] = adapter.rules(symbol).venue_symbol
            except TvbridgeError:
                continue  # not listed on this venue: nothing of ours can rest there


def _ours_everywhere(
    adapter: ListsOrders, closing: Iterable[VenuePosition]
) -> dict[str, list[OrderUpdate]] | None:
    """Our open orders by venue symbol, from one read of the whole account, and the id-less
    triggers that only close one of the `closing` positions; None when the read failed (the
    per-symbol way is tried instead, and reports its own failures)."""
    try:
        orders = adapter.open_orders(None)
    except TvbridgeError as exc:
        log.warning("open orders not read at once; reading symbol by symbol", extra={"reason": exc.message})
        return None
    sides = {(p.venue_symbol, *_closing_side(p)) for p in closing}
    ours: dict[str, list[OrderUpdate]] = {}
    for order in orders:
        if is_ours(order.client_order_id) or _guards_a_closing_side(order, sides):
            ours.setdefault(order.where.venue_symbol, []).append(order)
    return ours


def _closing_side(position: VenuePosition) -> tuple[PositionSide, Side]:
    """The position side held, and the side of an order that closes it."""
    return position.position_side or PositionSide.BOTH, Side.SELL if position.quantity > 0 else Side.BUY


def _guards_a_closing_side(order: OrderUpdate, sides: set[tuple[str, PositionSide, Side]]) -> bool:
    """An id-less trigger that can only close a side flatten is closing. In one-way mode a
    trigger is a close only when the venue says so; in hedge mode its sides say it."""
    if order.client_order_id or not order.kind.protective:
        return False
    if (order.where.venue_symbol, order.position_side, order.side) not in sides:
        return False
    return order.position_side is not PositionSide.BOTH or order.reduce_only or order.close_position


def _cancel_listed(adapter: ListsOrders, orders: list[OrderUpdate], report: AccountFlatten) -> None:
    for order in orders:
        venue_symbol = order.where.venue_symbol
        try:
            adapter.cancel_order(venue_symbol, order)
        except TvbridgeError as exc:
            report.failures.append(FlattenFailure(venue_symbol, "cancel", exc))
            continue
        report.cancelled.append(CancelledOrder(venue_symbol, order.order_id, order.client_order_id))


def _cancel_ours(adapter: VenueAdapter, venue_symbol: str, report: AccountFlatten) -> None:
    try:
        resting = adapter.open_protections(venue_symbol)
    except TvbridgeError as exc:
        report.failures.append(FlattenFailure(venue_symbol, "read", exc))
        return
    for order in resting:
        if not is_ours(order.client_order_id):
            continue
        try:
            adapter.cancel_protection(venue_symbol, order.order_id)
        except TvbridgeError as exc:
            report.failures.append(FlattenFailure(venue_symbol, "cancel", exc))
            continue
        report.cancelled.append(CancelledOrder(venue_symbol, order.order_id, order.client_order_id))


def _close(adapter: VenueAdapter, position: VenuePosition, run: str, report: AccountFlatten) -> None:
    side_held, closing = _closing_side(position)
    quantity = abs(position.quantity)
    client_id = client_order_id(f"flatten-{run}", f"{position.venue_symbol}-{side_held.value}")
    request = OrderRequest(
        venue_symbol=position.venue_symbol,
        side=closing,
        position_side=side_held,
        order_type=OrderType.MARKET,
        quantity=quantity,
        client_order_id=client_id,
        reduce_only=True,
        purpose=OrderPurpose.CLOSE,
    )
    try:
        placed = adapter.place_order(request)
    except TvbridgeError as exc:
        report.failures.append(FlattenFailure(position.venue_symbol, "close", exc))
        return
    finally:
        adapter.account_changed()
    report.closed.append(
        ClosedPosition(
            position.venue_symbol, side_held, quantity, placed.order_id, placed.client_order_id, placed.status
        )
    )
