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
    "FINISHED": OrderStatus.TRIGGERED,  # set off, and the order it became has left the book
    "REJECTED": OrderStatus.REJECTED,
    "EXPIRED": OrderStatus.EXPIRED,
}
