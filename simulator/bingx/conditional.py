"""BingX conditional orders: stop and take-profit triggers, placed alone or attached to an entry.

A standalone STOP_MARKET / TAKE_PROFIT_MARKET (or the limit variants STOP / TAKE_PROFIT) goes
through the ordinary order endpoint with a `stopPrice`, gets an order id from the same sequence
as every other order, and waits outside the book until the mark price crosses it. An entry may
carry `takeProfit` / `stopLoss` as JSON strings; the venue arms them for the entry's quantity
once the entry fills. A trigger price on the wrong side of the current price is refused with
the venue's 110411-110414 codes, so nothing is placed that would fire at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from common.decimals import plain
from simulator.bingx.errors import CODE_INVALID, BingxError
from simulator.exchange import Account, Exchange, Order, Reject, SimError, crossed

STOP_TYPES = ("STOP_MARKET", "STOP")
TAKE_PROFIT_TYPES = ("TAKE_PROFIT_MARKET", "TAKE_PROFIT")
CONDITIONAL_TYPES = STOP_TYPES + TAKE_PROFIT_TYPES
WORKING_TYPES = ("MARK_PRICE", "CONTRACT_PRICE")

# (kind, side of the closing order) -> the venue's code and words when the trigger is on the
# wrong side of the current price.
WRONG_SIDE: dict[tuple[str, str], tuple[int, str]] = {
    ("stop", "SELL"): (110411, "Stop Loss price should be lower than the current price"),
    ("stop", "BUY"): (110412, "Stop Loss price should be greater than the current price"),
    ("take_profit", "SELL"): (110413, "Take Profit price should be greater than the current price"),
    ("take_profit", "BUY"): (110414, "Take Profit price should be lower than the current price"),
}


@dataclass
class Conditional:
    order_id: int
    client_order_id: str
    api_key: str
    symbol: str
    side: str
    position_side: str
    order_type: str
    quantity: Decimal | None  # None: closes the whole position
    stop_price: Decimal
    price: Decimal | None
    working_type: str
    reduce_only: bool
    time_ms: int
    update_ms: int
    status: str = "NEW"
    actual: Order | None = None

    @property
    def kind(self) -> str:
        return "stop" if self.order_type in STOP_TYPES else "take_profit"


@dataclass(frozen=True)
class Attachment:
    """A takeProfit / stopLoss spec riding on an entry until the entry fills."""

    order_type: str
    stop_price: Decimal
    price: Decimal | None
    working_type: str


class ConditionalBook:
    def __init__(self, exchange: Exchange, clock: Callable[[], int]) -> None:
        self.exchange = exchange
        self.clock = clock
        self.orders: dict[int, Conditional] = {}
        self._waiting: dict[int, tuple[str, list[Attachment]]] = {}  # entry order id -> (key, specs)
        exchange.price_listeners.append(self.on_price)
        exchange.reset_listeners.append(self.reset)

    def reset(self) -> None:
        self._waiting.clear()
        for conditional in self.orders.values():
            if conditional.status == "NEW":
                conditional.status = "CANCELLED"

    # -- reading -------------------------------------------------------------------

    def open_orders(self, account: Account, symbol: str | None = None) -> list[Conditional]:
        return [
            c
            for c in self.orders.values()
            if c.api_key == account.api_key and c.status == "NEW" and symbol in (None, c.symbol)
        ]

    def find(
        self, account: Account, *, order_id: int | None = None, client_order_id: str = ""
    ) -> Conditional:
        for c in self.orders.values():
            if c.api_key != account.api_key:
                continue
            if (order_id is not None and c.order_id == order_id) or (
                order_id is None and client_order_id and c.client_order_id == client_order_id
            ):
                return c
        raise SimError(Reject.UNKNOWN_ORDER, "order does not exist")

    def holds_client_id(self, account: Account, client_order_id: str) -> bool:
        return any(
            c.api_key == account.api_key and c.client_order_id == client_order_id
            for c in self.orders.values()
        )

    # -- placing ---------------------------------------------------------------------

    def place(
        self,
        account: Account,
        *,
        symbol: str,
        side: str,
        position_side: str,
        order_type: str,
        quantity: Decimal | None,
        stop_price: Decimal,
        price: Decimal | None,
        working_type: str,
        reduce_only: bool,
        client_order_id: str,
    ) -> Conditional:
        inst = self.exchange.instrument(symbol)
        if order_type not in CONDITIONAL_TYPES:
            raise BingxError(CODE_INVALID, f"Invalid parameters,type: unsupported {order_type}")
        if working_type not in WORKING_TYPES:
            raise BingxError(CODE_INVALID, "Invalid parameters,workingType: MARK_PRICE or CONTRACT_PRICE")
        stop_price = _truncate(stop_price, inst.price_tick)
        if stop_price <= 0:
            raise BingxError(CODE_INVALID, "Invalid parameters,stopPrice: must be positive.")
        if order_type in ("STOP", "TAKE_PROFIT"):
            if price is None or price <= 0:
                raise BingxError(CODE_INVALID, "Invalid parameters,price: This field is required.")
            price = _truncate(price, inst.price_tick)
        if quantity is not None:
            quantity = _truncate(quantity, inst.qty_step)
            if quantity <= 0:
                raise SimError(Reject.INVALID_PARAMETER, "quantity truncates to zero")
        kind = "stop" if order_type in STOP_TYPES else "take_profit"
        self._check_trigger(kind, side, stop_price, inst.price)
        if client_order_id and (
            client_order_id in account.by_client_id or self.holds_client_id(account, client_order_id)
        ):
            raise SimError(Reject.DUPLICATE_CLIENT_ID, f"clientOrderID {client_order_id} already used")
        now = self.clock()
        conditional = Conditional(
            order_id=self.exchange.new_order_id(),
            client_order_id=client_order_id,
            api_key=account.api_key,
            symbol=symbol,
            side=side,
            position_side=position_side,
            order_type=order_type,
            quantity=quantity,
            stop_price=stop_price,
            price=price,
            working_type=working_type,
            reduce_only=reduce_only,
            time_ms=now,
            update_ms=now,
        )
        self.orders[conditional.order_id] = conditional
        return conditional

    def parse_attachments(
        self, params: dict[str, str], *, side: str, reference: Decimal, symbol: str
    ) -> list[Attachment]:
        """Read and check an entry's takeProfit / stopLoss before the entry is placed."""
        inst = self.exchange.instrument(symbol)
        closing_side = "SELL" if side == "BUY" else "BUY"
        specs = []
        for name, kind, allowed in (
            ("takeProfit", "take_profit", TAKE_PROFIT_TYPES),
            ("stopLoss", "stop", STOP_TYPES),
        ):
            raw = params.get(name)
            if not raw:
                continue
            try:
                spec = json.loads(raw)
            except ValueError:
                raise BingxError(CODE_INVALID, f"Invalid parameters,{name}: must be a JSON object.") from None
            if not isinstance(spec, dict):
                raise BingxError(CODE_INVALID, f"Invalid parameters,{name}: must be a JSON object.")
            order_type = str(spec.get("type", "")).upper()
            if order_type not in allowed:
                raise BingxError(
                    CODE_INVALID, f"Invalid parameters,{name}.type: must be one of {', '.join(allowed)}."
                )
            stop_price = _number(spec.get("stopPrice"), f"{name}.stopPrice")
            limit = (
                _number(spec.get("price"), f"{name}.price") if order_type in ("STOP", "TAKE_PROFIT") else None
            )
            working = str(spec.get("workingType") or "MARK_PRICE").upper()
            if working not in WORKING_TYPES:
                raise BingxError(CODE_INVALID, f"Invalid parameters,{name}.workingType.")
            stop_price = _truncate(stop_price, inst.price_tick)
            self._check_trigger(kind, closing_side, stop_price, reference)
            specs.append(Attachment(order_type, stop_price, limit, working))
        return specs

    def attach(self, account: Account, entry: Order, specs: list[Attachment]) -> None:
        if not specs:
            return
        if entry.status == "FILLED":
            self._arm(account, entry, specs)
        elif entry.status == "NEW":
            self._waiting[entry.order_id] = (account.api_key, specs)

    def _arm(self, account: Account, entry: Order, specs: list[Attachment]) -> None:
        closing_side = "SELL" if entry.side == "BUY" else "BUY"
        now = self.clock()
        for spec in specs:
            conditional = Conditional(
                order_id=self.exchange.new_order_id(),
                client_order_id="",
                api_key=account.api_key,
                symbol=entry.symbol,
                side=closing_side,
                position_side=entry.position_side,
                order_type=spec.order_type,
                quantity=entry.executed_qty,
                stop_price=spec.stop_price,
                price=spec.price,
                working_type=spec.working_type,
                reduce_only=entry.position_side == "BOTH",
                time_ms=now,
                update_ms=now,
            )
            self.orders[conditional.order_id] = conditional

    def cancel(self, conditional: Conditional) -> Conditional:
        if conditional.status != "NEW":
            raise SimError(Reject.UNKNOWN_ORDER, f"order is {conditional.status}, not open")
        conditional.status = "CANCELLED"
        conditional.update_ms = self.clock()
        return conditional

    # -- triggering ---------------------------------------------------------------------

    def on_price(self, symbol: str, mark: Decimal) -> None:
        for entry_id, (api_key, specs) in list(self._waiting.items()):
            account = self.exchange.accounts[api_key]
            entry = account.orders.get(entry_id)
            if entry is None or entry.status == "NEW":
                continue
            del self._waiting[entry_id]
            if entry.status == "FILLED":
                self._arm(account, entry, specs)
        for conditional in list(self.orders.values()):
            if conditional.symbol != symbol or conditional.status != "NEW":
                continue
            if crossed(
                stop=conditional.kind == "stop",
                side=conditional.side,
                trigger=conditional.stop_price,
                mark=mark,
            ):
                self._trigger(conditional)

    def _trigger(self, conditional: Conditional) -> None:
        account = self.exchange.accounts[conditional.api_key]
        quantity = conditional.quantity
        if quantity is None:
            quantity = self.exchange.closable(
                account, conditional.symbol, conditional.position_side, conditional.side
            )
        conditional.update_ms = self.clock()
        if not quantity:
            conditional.status = "CANCELLED"
            return
        market = conditional.order_type.endswith("MARKET")
        try:
            conditional.actual = self.exchange.place_order(
                account,
                symbol=conditional.symbol,
                side=conditional.side,
                position_side=conditional.position_side,
                order_type="MARKET" if market else "LIMIT",
                quantity=quantity,
                price=None if market else conditional.price,
                client_order_id="",
                reduce_only=conditional.reduce_only or conditional.quantity is None,
            )
        except SimError:
            # e.g. the position it guarded was closed by hand: nothing left to reduce.
            conditional.status = "CANCELLED"
            return
        conditional.status = "TRIGGERED"

    @staticmethod
    def _check_trigger(kind: str, closing_side: str, trigger: Decimal, current: Decimal) -> None:
        """A trigger already crossed would fire at once; the venue refuses it instead."""
        if crossed(stop=kind == "stop", side=closing_side, trigger=trigger, mark=current):
            code, words = WRONG_SIDE[(kind, closing_side)]
            raise BingxError(code, words)


def status_of(conditional: Conditional) -> str:
    if conditional.status == "TRIGGERED" and conditional.actual is not None:
        return "FILLED" if conditional.actual.status == "FILLED" else "PENDING"
    return conditional.status


def conditional_json(conditional: Conditional) -> dict[str, Any]:
    actual = conditional.actual
    executed = actual.executed_qty if actual is not None else Decimal(0)
    avg = actual.avg_price if actual is not None else Decimal(0)
    return {
        "symbol": conditional.symbol,
        "orderId": conditional.order_id,
        "orderID": str(conditional.order_id),
        "side": conditional.side,
        "positionSide": conditional.position_side,
        "type": conditional.order_type,
        "origQty": plain(conditional.quantity) if conditional.quantity is not None else "0",
        "price": plain(conditional.price) if conditional.price is not None else "0",
        "executedQty": plain(executed),
        "avgPrice": f"{avg:.4f}",
        "cumQuote": plain(executed * avg),
        "stopPrice": plain(conditional.stop_price),
        "profit": f"{actual.realized_pnl if actual is not None else Decimal(0):.4f}",
        "commission": f"{-(actual.fee if actual is not None else Decimal(0)):.6f}",
        "status": status_of(conditional),
        "time": conditional.time_ms,
        "updateTime": conditional.update_ms,
        "clientOrderId": conditional.client_order_id,
        "reduceOnly": conditional.reduce_only,
        "closePosition": conditional.quantity is None,
        "workingType": conditional.working_type,
        "stopGuaranteed": False,
    }


def _number(value: Any, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise BingxError(CODE_INVALID, f"Invalid parameters,{name}: This field is required.") from None
    if not number.is_finite() or number <= 0:
        raise BingxError(CODE_INVALID, f"Invalid parameters,{name}: must be positive.")
    return number


def _truncate(value: Decimal, step: Decimal) -> Decimal:
    # The venue drops decimals beyond the contract's precision rather than refusing them.
    return (value // step) * step
