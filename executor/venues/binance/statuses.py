"""Binance's order and algo-order status words in ours (docs/venues/binance.md, sections 5.7
and 5.8: the order status enum, and `algoStatus`)."""

from __future__ import annotations

from executor.core.model import OrderStatus

ORDER_STATUSES: dict[str, OrderStatus] = {
    "NEW": OrderStatus.NEW,
    "PARTIALLY_FILLED": OrderStatus.PARTIALLY_FILLED,
    "FILLED": OrderStatus.FILLED,
    "CANCELED": OrderStatus.CANCELED,
    "REJECTED": OrderStatus.REJECTED,
    "EXPIRED": OrderStatus.EXPIRED,
    "EXPIRED_IN_MATCH": OrderStatus.EXPIRED,  # self-trade prevention took it
}

ALGO_STATUSES: dict[str, OrderStatus] = {
    "NEW": OrderStatus.NEW,  # placed, not yet set off
    "CANCELED": OrderStatus.CANCELED,
    "TRIGGERING": OrderStatus.TRIGGERED,  # set off, on its way to the matching engine
    "TRIGGERED": OrderStatus.TRIGGERED,
    # Set off, and the order it became has left the book: for the market orders we place, filled.
    # Read as TRIGGERED it would look in flight forever to whoever tracks open orders.
    "FINISHED": OrderStatus.FILLED,
    "REJECTED": OrderStatus.REJECTED,
    "EXPIRED": OrderStatus.EXPIRED,
}
