"""What the executor answered for a signal, typed, and the answer users read (webhook reply,
GET /signals/{id}, the journal's `result`).

A value the executor left unspecified on the wire is None here; the answer then says
"unspecified", as it always has, rather than guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from common.errors import ErrorClass
from common.trading import OrderPurpose, OrderStatus, PositionSide
from common.trading import Outcome as Decision
from gateway.core.signal import OrderType, Venue

__all__ = [
    "UNSPECIFIED",
    "Decision",
    "Execution",
    "ExecutionError",
    "Order",
    "OrderPurpose",
    "OrderStatus",
    "PositionSide",
    "Side",
    "Sizing",
    "text",
    "word",
]

UNSPECIFIED = "unspecified"
E = TypeVar("E", bound=StrEnum)


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"


@dataclass(frozen=True)
class ExecutionError:
    error_class: ErrorClass | None  # None: the executor named no class
    message: str
    venue_code: str = ""
    venue_message: str = ""

    @property
    def code(self) -> str:
        return self.error_class.value if self.error_class is not None else UNSPECIFIED


@dataclass(frozen=True)
class Sizing:
    quantity: Decimal | None
    price: Decimal | None = None
    notional: Decimal | None = None
    leverage: int | None = None
    margin: Decimal | None = None
    # Sized by risk only: the stop sized against, the taker fee rate counted on both legs, and
    # what the stop being hit loses, fees included.
    risk_stop: Decimal | None = None
    fee_rate: Decimal | None = None
    risk: Decimal | None = None


@dataclass(frozen=True)
class Order:
    venue: Venue | None
    venue_symbol: str
    order_id: str
    client_order_id: str
    side: Side | None
    position_side: PositionSide | None
    order_type: OrderType | None
    quantity: Decimal | None
    status: OrderStatus | None
    purpose: OrderPurpose | None
    price: Decimal | None = None
    avg_price: Decimal | None = None
    trigger_price: Decimal | None = None
    reduce_only: bool = False

    @property
    def traded(self) -> bool:
        """An entry or close with a fill (resting limits and triggers have not traded)."""
        return (
            self.purpose in (OrderPurpose.ENTRY, OrderPurpose.CLOSE)
            and self.status is not None
            and self.status.traded
        )

    @classmethod
    def read(cls, answer: dict[str, Any]) -> Order:
        """An order as `answer()` wrote it (the journal keeps answers): the words back."""

        def pick(kind: type[E], value: Any) -> E | None:
            try:
                return kind(value)
            except ValueError:
                return None

        def number(key: str) -> Decimal | None:
            value = answer.get(key)
            return Decimal(value) if value not in (None, "") else None

        return cls(
            venue=pick(Venue, answer.get("venue")),
            venue_symbol=str(answer.get("symbol") or ""),
            order_id=str(answer.get("order_id") or ""),
            client_order_id=str(answer.get("client_order_id") or ""),
            side=pick(Side, answer.get("side")),
            position_side=pick(PositionSide, answer.get("position_side")),
            order_type=pick(OrderType, answer.get("type")),
            quantity=number("quantity"),
            status=pick(OrderStatus, answer.get("status")),
            purpose=pick(OrderPurpose, answer.get("purpose")),
            price=number("price"),
            avg_price=number("avg_price"),
            trigger_price=number("trigger_price"),
            reduce_only=bool(answer.get("reduce_only")),
        )

    def answer(self) -> dict[str, Any]:
        return {
            "venue": word(self.venue),
            "symbol": self.venue_symbol,
            "order_id": self.order_id,
            "client_order_id": self.client_order_id,
            "side": word(self.side),
            "position_side": word(self.position_side, UNSPECIFIED.upper()),
            "type": word(self.order_type),
            "quantity": text(self.quantity) or "",
            "price": text(self.price),
            "avg_price": text(self.avg_price),
            "status": word(self.status, UNSPECIFIED.upper()),
            "reduce_only": self.reduce_only,
            "purpose": word(self.purpose),
            "trigger_price": text(self.trigger_price),
        }


@dataclass(frozen=True)
class Execution:
    """The executor's decision on one signal."""

    signal_id: str
    decision: Decision
    test: bool = False
    error: ExecutionError | None = None
    sizing: Sizing | None = None
    orders: list[Order] = field(default_factory=list)
    note: str = ""
    # Milliseconds in the executor and, of those, waiting on the venue; tenths when the
    # executor measured microseconds, whole ones from an executor that did not.
    executor_ms: float = 0
    venue_ms: float = 0
    venue_answered_ms: float | None = None  # epoch: when the venue's last answer arrived

    def answer(self) -> dict[str, Any]:
        out: dict[str, Any] = {"signal_id": self.signal_id, "status": self.decision.value, "test": self.test}
        if self.error is not None:
            out["reason"] = self.error.message
            out["error"] = {
                "code": self.error.code,
                "message": self.error.message,
                "venue_code": self.error.venue_code or None,
                "venue_message": self.error.venue_message or None,
            }
        if self.sizing is not None:
            s = self.sizing
            out["sizing"] = {
                "quantity": text(s.quantity) or "",
                "price": text(s.price),
                "notional": text(s.notional),
                "leverage": s.leverage or None,
                "margin": text(s.margin),
            }
            if s.risk is not None:
                out["sizing"]["risk"] = {
                    "stop": text(s.risk_stop),
                    "fee_rate": text(s.fee_rate),
                    "loss_at_stop": text(s.risk),
                }
        out["orders"] = [o.answer() for o in self.orders]
        if self.note:
            out["note"] = self.note
        out["timings_ms"] = {"executor": self.executor_ms, "venue": self.venue_ms}
        if self.venue_answered_ms is not None:
            out["venue_answered_ms"] = self.venue_answered_ms
        return out


def word(value: StrEnum | None, unspecified: str = UNSPECIFIED) -> str:
    """An enum's answer word; what the executor left unspecified says so."""
    return value.value if value is not None else unspecified


def text(value: Decimal | None) -> str | None:
    """The decimal as the executor wrote it: plain notation, its digits kept."""
    return format(value, "f") if value is not None else None
