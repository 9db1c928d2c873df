"""BingX conditional orders: stop and take-profit triggers, placed alone or attached to an entry.

A standalone STOP_MARKET / TAKE_PROFIT_MARKET (or the limit variants STOP / TAKE_PROFIT) goes
through the ordinary order endpoint with a `stopPrice`, gets an order id from the same sequence
as every other order, and waits outside the book until the mark price crosses it. An entry may
carry `takeProfit` / `stopLoss` as JSON strings; the venue arms them for the entry's quantity
once the entry fills. A trigger price on the wrong side of the current price is refused with
the venue's 110411-110414 codes, so nothing is placed that would fire at once; stops (and, apart,
take-profits) that would total more than the position are refused (`totals.py`), and an attached
one that would is not armed. A TRAILING_STOP_MARKET waits here too, with its trail; its words are
in simulator/bingx/trailing.py.

The venue takes a `clientOrderId` only on LIMIT and MARKET orders (docs/venues/bingx.md 5.8):
a conditional order's is accepted and not kept, so it can be neither found nor refused as a
repeat by it. `keeps_client_ids` keeps it instead, for a client that wants to see the difference.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from common.decimals import plain
from simulator.bingx import codes
from simulator.bingx.codes import BingxError
from simulator.bingx.orders import CONDITIONAL_TYPES, LIMIT_TRIGGER_TYPES, OrderRequest, TriggerRequest
from simulator.bingx.totals import over_position
from simulator.bingx.trailing import TrailingRequest, trail_fields
from simulator.events import TriggerChange
from simulator.exchange import Exchange
from simulator.records import Account, Order, Reject, SimError, truncate
from simulator.trailing import Trail
from simulator.triggers import STOP_TYPES, TAKE_PROFIT_TYPES, Trigger, TriggerBook, crossed, is_stop
from simulator.venue import Clock

WORKING_TYPES = ("MARK_PRICE", "CONTRACT_PRICE")

# (kind, side of the closing order) -> the venue's code and words when the trigger is on the
# wrong side of the current price.
WRONG_SIDE: dict[tuple[str, str], tuple[int, str]] = {
    ("stop", "SELL"): (110411, "Stop Loss price should be lower than the current price"),
    ("stop", "BUY"): (110412, "Stop Loss price should be greater than the current price"),
    ("take_profit", "SELL"): (110413, "Take Profit price should be greater than the current price"),
    ("take_profit", "BUY"): (110414, "Take Profit price should be lower than the current price"),
}


@dataclass(kw_only=True)
class Conditional(Trigger):
    order_id: int
    client_order_id: str
    stop_price: Decimal
    working_type: str
    time_ms: int

    @property
    def kind(self) -> str:
        return "stop" if is_stop(self.order_type) else "take_profit"


@dataclass(frozen=True)
class Attachment:
    """A takeProfit / stopLoss spec riding on an entry until the entry fills."""

    order_type: str
    stop_price: Decimal
    price: Decimal | None
    working_type: str


class ConditionalBook(TriggerBook[Conditional]):
    CANCELLED: ClassVar[str] = "CANCELLED"
    # The order it would place was refused (nothing left to close): the venue cancels it.
    REFUSED: ClassVar[str] = "CANCELLED"

    def __init__(self, exchange: Exchange, clock: Clock, *, keeps_client_ids: bool = False) -> None:
        super().__init__(exchange, clock)
        self.keeps_client_ids = keeps_client_ids
        self._waiting: dict[int, tuple[str, list[Attachment]]] = {}  # entry order id -> (key, specs)

    def reached(self, trigger: Conditional, mark: Decimal) -> bool:
        return crossed(stop=trigger.kind == "stop", side=trigger.side, trigger=trigger.stop_price, mark=mark)

    def not_open(self, trigger: Conditional) -> Exception:
        return SimError(Reject.UNKNOWN_ORDER, f"order is {trigger.status}, not open")

    def placed_client_id(self) -> str:
        return ""

    def close_is_reduce_only(self, trigger: Conditional) -> bool:
        return True

    def reset(self) -> None:
        self._waiting.clear()
        super().reset()

    # -- reading -------------------------------------------------------------------

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
        self, account: Account, order: OrderRequest, spec: TriggerRequest, *, test: bool = False
    ) -> Conditional:
        """Check and keep a conditional order; a `test` one is checked and built, never kept."""
        inst = self.exchange.instrument(order.symbol)
        if order.order_type not in CONDITIONAL_TYPES:
            raise codes.invalid(f"Invalid parameters,type: unsupported {order.order_type}")
        if spec.working_type not in WORKING_TYPES:
            raise codes.invalid("Invalid parameters,workingType: MARK_PRICE or CONTRACT_PRICE")
        stop_price = truncate(spec.stop_price, inst.price_tick)
        if stop_price <= 0:
            raise codes.invalid("Invalid parameters,stopPrice: must be positive.")
        price = spec.price
        if order.order_type in LIMIT_TRIGGER_TYPES:
            if price is None or price <= 0:
                raise codes.required("price")
            price = truncate(price, inst.price_tick)
        quantity = spec.quantity
        if quantity is not None:
            quantity = truncate(quantity, inst.qty_step)
            if quantity <= 0:
                raise SimError(Reject.INVALID_PARAMETER, "quantity truncates to zero")
        kind = "stop" if is_stop(order.order_type) else "take_profit"
        self._check_trigger(kind, order.side, stop_price, inst.price)
        cid = order.client_order_id if self.keeps_client_ids else ""
        if cid and (cid in account.by_client_id or self.holds_client_id(account, cid)):
            raise SimError(Reject.DUPLICATE_CLIENT_ID, f"clientOrderID {cid} already used")
        conditional = self._build(
            account,
            replace(order, client_order_id=cid),
            TriggerRequest(quantity, stop_price, price, spec.working_type),
            self.clock(),
        )
        refusal = over_position(account, self.open_orders(account, order.symbol), conditional)
        if refusal is not None:
            raise refusal
        if not test:
            self._book(conditional)
        return conditional

    def place_trailing(
        self, account: Account, order: OrderRequest, spec: TrailingRequest, *, test: bool = False
    ) -> Conditional:
        """Keep a checked TRAILING_STOP_MARKET; a `test` one is built, never kept."""
        cid = order.client_order_id if self.keeps_client_ids else ""
        if cid and (cid in account.by_client_id or self.holds_client_id(account, cid)):
            raise SimError(Reject.DUPLICATE_CLIENT_ID, f"clientOrderID {cid} already used")
        trigger = TriggerRequest(spec.quantity, Decimal(0), None, spec.working_type)
        trailing = self._build(
            account, replace(order, client_order_id=cid), trigger, self.clock(), trail=spec.trail
        )
        if not test:
            self._book(trailing)
        return trailing

    def parse_attachments(
        self, params: dict[str, str], *, side: str, reference: Decimal, symbol: str
    ) -> list[Attachment]:
        """Read and check an entry's takeProfit / stopLoss before the entry is placed."""
        tick = self.exchange.instrument(symbol).price_tick
        closing_side = "SELL" if side == "BUY" else "BUY"
        specs = []
        for name, kind, allowed in (
            ("takeProfit", "take_profit", TAKE_PROFIT_TYPES),
            ("stopLoss", "stop", STOP_TYPES),
        ):
            raw = params.get(name)
            if raw:
                spec = _attachment(name, raw, allowed, tick)
                self._check_trigger(kind, closing_side, spec.stop_price, reference)
                specs.append(spec)
        return specs

    def attach(self, account: Account, entry: Order, specs: list[Attachment]) -> None:
        if not specs:
            return
        if entry.status == "FILLED":
            self._arm(account, entry, specs)
        elif entry.status == "NEW":
            self._waiting[entry.order_id] = (account.api_key, specs)

    def _arm(self, account: Account, entry: Order, specs: list[Attachment]) -> None:
        """Each spec becomes a conditional order closing what the entry filled."""
        closing_side = "SELL" if entry.side == "BUY" else "BUY"
        now = self.clock()
        for spec in specs:
            order = OrderRequest(
                entry.symbol,
                closing_side,
                entry.position_side,
                spec.order_type,
                "",
                entry.position_side == "BOTH",
            )
            trigger = TriggerRequest(entry.executed_qty, spec.stop_price, spec.price, spec.working_type)
            armed = self._build(account, order, trigger, now)
            # One that would take the stops (or take-profits) past the position is not armed: the
            # docs do not say what the venue does then, and silence is the worst case for a client.
            if over_position(account, self.open_orders(account, entry.symbol), armed) is None:
                self._book(armed)

    def _build(
        self,
        account: Account,
        order: OrderRequest,
        trigger: TriggerRequest,
        now: int,
        *,
        trail: Trail | None = None,
    ) -> Conditional:
        """A conditional order as it would be kept; `_book` keeps it."""
        return Conditional(
            order_id=self.exchange.new_order_id(),
            client_order_id=order.client_order_id,
            api_key=account.api_key,
            symbol=order.symbol,
            side=order.side,
            position_side=order.position_side,
            order_type=order.order_type,
            quantity=trigger.quantity,
            stop_price=trigger.stop_price,
            price=trigger.price,
            working_type=trigger.working_type,
            reduce_only=order.reduce_only,
            time_ms=now,
            update_ms=now,
            trail=trail,
        )

    def _book(self, conditional: Conditional) -> None:
        self.orders[conditional.order_id] = conditional
        self.announce(conditional, TriggerChange.PLACED)

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
        super().on_price(symbol, mark)

    @staticmethod
    def _check_trigger(kind: str, closing_side: str, trigger: Decimal, current: Decimal) -> None:
        """A trigger already crossed would fire at once; the venue refuses it instead."""
        if crossed(stop=kind == "stop", side=closing_side, trigger=trigger, mark=current):
            code, words = WRONG_SIDE[(kind, closing_side)]
            raise BingxError(code, words)


def _attachment(name: str, raw: str, allowed: tuple[str, ...], tick: Decimal) -> Attachment:
    try:
        spec = json.loads(raw)
    except ValueError:
        raise codes.invalid(f"Invalid parameters,{name}: must be a JSON object.") from None
    if not isinstance(spec, dict):
        raise codes.invalid(f"Invalid parameters,{name}: must be a JSON object.")
    order_type = str(spec.get("type", "")).upper()
    if order_type not in allowed:
        raise codes.invalid(f"Invalid parameters,{name}.type: must be one of {', '.join(allowed)}.")
    stop_price = _number(spec.get("stopPrice"), f"{name}.stopPrice")
    limit = _number(spec.get("price"), f"{name}.price") if order_type in LIMIT_TRIGGER_TYPES else None
    working = str(spec.get("workingType") or "MARK_PRICE").upper()
    if working not in WORKING_TYPES:
        raise codes.invalid(f"Invalid parameters,{name}.workingType.")
    return Attachment(order_type, truncate(stop_price, tick), limit, working)


def status_of(conditional: Conditional) -> str:
    if conditional.status == "TRIGGERED" and conditional.actual is not None:
        return "FILLED" if conditional.actual.status == "FILLED" else "PENDING"
    return conditional.status


def conditional_json(conditional: Conditional) -> dict[str, Any]:
    actual = conditional.actual
    executed = actual.executed_qty if actual is not None else Decimal(0)
    avg = actual.avg_price if actual is not None else Decimal(0)
    trailing = trail_fields(conditional.trail) if conditional.trail is not None else {}
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
        **trailing,
    }


def _number(value: Any, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise codes.required(name) from None
    if not number.is_finite() or number <= 0:
        raise codes.invalid(f"Invalid parameters,{name}: must be positive.")
    return number
