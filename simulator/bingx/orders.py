"""An order request's parameters checked the way the venue checks them, in the venue's order.

Every order on `/trade/order` names its symbol, side, type and position side; a client id is
lower-cased and at most 40 characters. `positionSide` defaults to LONG (the venue's default),
which one-way mode refuses; hedge mode refuses any `reduceOnly`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from simulator.bingx import codes
from simulator.exchange import Exchange
from simulator.positions import closes
from simulator.records import Account, Order
from simulator.triggers import STOP_TYPES, TAKE_PROFIT_TYPES

CONDITIONAL_TYPES = STOP_TYPES + TAKE_PROFIT_TYPES
CLOSE_POSITION_TYPES = ("STOP_MARKET", "TAKE_PROFIT_MARKET")
LIMIT_TRIGGER_TYPES = ("STOP", "TAKE_PROFIT")
MAX_CLIENT_ID = 40


def require(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise codes.required(name)
    return value


def as_int(params: dict[str, str], name: str) -> int:
    try:
        return int(require(params, name))
    except ValueError:
        raise codes.invalid(f"Invalid parameters,{name}: must be an integer.") from None


def as_decimal(params: dict[str, str], name: str) -> Decimal:
    try:
        value = Decimal(require(params, name))
    except InvalidOperation:
        raise codes.invalid(f"Invalid parameters,{name}: must be a number.") from None
    if not value.is_finite():
        raise codes.invalid(f"Invalid parameters,{name}: must be a number.")
    return value


def flag(params: dict[str, str], name: str) -> bool:
    return params.get(name, "false").lower() == "true"


def client_id(params: dict[str, str]) -> str:
    """The venue accepts either spelling and keeps client ids lower-cased."""
    return (params.get("clientOrderId") or params.get("clientOrderID") or "").lower()


@dataclass(frozen=True)
class OrderRequest:
    symbol: str
    side: str
    position_side: str
    order_type: str
    client_order_id: str
    reduce_only: bool

    @property
    def closing(self) -> bool:
        return self.reduce_only or closes(self.position_side, self.side)


def parse_order(account: Account, params: dict[str, str]) -> OrderRequest:
    position_side = params.get("positionSide", "LONG").upper()  # the venue's default
    reduce_only = flag(params, "reduceOnly")
    if account.hedge_mode and "reduceOnly" in params:
        raise codes.invalid("In the Hedge mode, the 'ReduceOnly' field can not be filled.")
    if account.hedge_mode and position_side not in ("LONG", "SHORT"):
        raise codes.invalid("In the Hedge mode, the 'PositionSide' field can only be set to LONG or SHORT.")
    if not account.hedge_mode and position_side != "BOTH":
        raise codes.invalid("In the One-way mode, the 'PositionSide' field can only be set to BOTH.")
    cid = client_id(params)
    if cid and len(cid) > MAX_CLIENT_ID:
        raise codes.invalid("clientOrderId must be 1-40 characters")
    order_type = require(params, "type").upper()
    symbol = require(params, "symbol")
    side = require(params, "side").upper()
    if side not in ("BUY", "SELL"):
        raise codes.invalid("Invalid parameters,side: must be BUY or SELL.")
    return OrderRequest(symbol, side, position_side, order_type, cid, reduce_only)


@dataclass(frozen=True)
class TriggerRequest:
    quantity: Decimal | None  # None: close whatever the position holds
    stop_price: Decimal
    price: Decimal | None
    working_type: str


def parse_trigger(params: dict[str, str], order: OrderRequest) -> TriggerRequest:
    """A STOP / TAKE_PROFIT order's own parameters: a quantity or closePosition, and its prices."""
    close_position = flag(params, "closePosition")
    if close_position and ("quantity" in params or "reduceOnly" in params):
        raise codes.invalid("closePosition cannot be sent with quantity or reduceOnly")
    if close_position and order.order_type not in CLOSE_POSITION_TYPES:
        raise codes.invalid("closePosition is only for STOP_MARKET and TAKE_PROFIT_MARKET")
    if close_position and not closes(order.position_side, order.side) and order.position_side != "BOTH":
        raise codes.invalid("closePosition must close the position side it names")
    return TriggerRequest(
        quantity=None if close_position else as_decimal(params, "quantity"),
        stop_price=as_decimal(params, "stopPrice"),
        price=as_decimal(params, "price") if order.order_type in LIMIT_TRIGGER_TYPES else None,
        working_type=params.get("workingType", "MARK_PRICE").upper(),
    )


def find_order(exchange: Exchange, account: Account, params: dict[str, str]) -> Order:
    """The book's order named by `orderId` or `clientOrderId`."""
    require(params, "symbol")
    if params.get("orderId"):
        return exchange.find_order(account, order_id=as_int(params, "orderId"))
    cid = client_id(params)
    if cid:
        return exchange.find_order(account, client_order_id=cid)
    raise codes.invalid("orderId or clientOrderId is required")
