"""What a flatten did, per account, as the executor reports it: typed, with the view the API
answers and the one line the audit trail and the notifier carry."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from common.trading import OrderStatus, PositionSide
from gateway.core.execution import ExecutionError, text, word
from gateway.core.signal import Venue


@dataclass(frozen=True)
class CancelledOrder:
    symbol: str
    order_id: str
    client_order_id: str

    def view(self) -> dict[str, Any]:
        return {"symbol": self.symbol, "order_id": self.order_id, "client_order_id": self.client_order_id}


@dataclass(frozen=True)
class ClosedPosition:
    symbol: str
    position_side: PositionSide | None
    quantity: Decimal
    order_id: str
    client_order_id: str
    status: OrderStatus | None

    def view(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "position_side": word(self.position_side),
            "quantity": text(self.quantity),
            "order_id": self.order_id,
            "client_order_id": self.client_order_id,
            "status": word(self.status),
        }


@dataclass(frozen=True)
class FlattenFailure:
    symbol: str
    step: str  # "read", "cancel" or "close"
    error: ExecutionError

    def view(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "step": self.step,
            "error": {"code": self.error.code, "message": self.error.message},
        }


@dataclass(frozen=True)
class FlattenedAccount:
    venue: Venue | None
    account: str
    cancelled: list[CancelledOrder] = field(default_factory=list)
    closed: list[ClosedPosition] = field(default_factory=list)
    failures: list[FlattenFailure] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        return {
            "venue": word(self.venue),
            "account": self.account,
            "cancelled": [c.view() for c in self.cancelled],
            "closed": [c.view() for c in self.closed],
            "failures": [f.view() for f in self.failures],
        }


def scope(venue: Venue | None, account: str) -> str:
    """Which accounts a flatten is for, as the owner reads it: `bingx/all accounts`."""
    return f"{venue.value if venue else 'all venues'}/{account or 'all accounts'}"


def counted(n: int, thing: str) -> str:
    return f"{n} {thing}" + ("" if n == 1 else "s")


def summary(accounts: list[FlattenedAccount]) -> str:
    """One line: what was cancelled and closed where, and how many steps failed."""
    parts = []
    for a in accounts:
        part = f"{word(a.venue)}/{a.account}: {counted(len(a.cancelled), 'order')} cancelled"
        part += f", {counted(len(a.closed), 'position')} closed"
        if a.failures:
            part += f", {len(a.failures)} failed ({', '.join(sorted({f.error.code for f in a.failures}))})"
        parts.append(part)
    return "; ".join(parts) or "no account"
