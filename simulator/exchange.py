"""A venue-neutral perpetual-futures exchange: instruments, accounts, positions, orders.

Each venue façade (simulator/bingx, later simulator/binance) owns one Exchange
and translates its wire format and error codes onto it. All money is Decimal.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Reject(StrEnum):
    UNKNOWN_SYMBOL = "unknown_symbol"
    PRECISION = "precision"
    MIN_QUANTITY = "min_quantity"
    MIN_NOTIONAL = "min_notional"
    INSUFFICIENT_MARGIN = "insufficient_margin"
    REDUCE_ONLY = "reduce_only"
    NO_POSITION = "no_position"
    DUPLICATE_CLIENT_ID = "duplicate_client_id"
    UNKNOWN_ORDER = "unknown_order"
    INVALID_PARAMETER = "invalid_parameter"
    LEVERAGE = "leverage"
    POSITION_SIDE = "position_side"


class SimError(Exception):
    def __init__(self, reason: Reject, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass
class Instrument:
    base: str
    quote: str
    qty_precision: int
    price_precision: int
    min_qty: Decimal
    min_notional: Decimal
    max_leverage: int
    price: Decimal

    @property
    def symbol(self) -> str:
        return f"{self.base}-{self.quote}"

    @property
    def qty_step(self) -> Decimal:
        return Decimal(1).scaleb(-self.qty_precision)

    @property
    def price_tick(self) -> Decimal:
        return Decimal(1).scaleb(-self.price_precision)


def default_instruments() -> list[Instrument]:
    d = Decimal
    return [
        Instrument("BTC", "USDT", 4, 1, d("0.0001"), d("5"), 125, d("60000.0")),
        Instrument("ETH", "USDT", 2, 2, d("0.01"), d("5"), 100, d("3000.00")),
        Instrument("SOL", "USDT", 1, 3, d("0.1"), d("5"), 50, d("150.000")),
        Instrument("XRP", "USDT", 0, 4, d("1"), d("5"), 75, d("0.6000")),
        Instrument("DOGE", "USDT", 0, 5, d("10"), d("5"), 75, d("0.15000")),
    ]


@dataclass
class Position:
    symbol: str
    side: str  # BOTH, LONG or SHORT
    qty: Decimal = Decimal(0)  # signed for BOTH; non-negative for LONG/SHORT
    entry: Decimal = Decimal(0)
    isolated: bool = False


@dataclass
class Order:
    order_id: int
    client_order_id: str
    symbol: str
    side: str  # BUY or SELL
    position_side: str
    type: str
    qty: Decimal
    price: Decimal | None
    reduce_only: bool
    status: str = "NEW"
    avg_price: Decimal = Decimal(0)
    executed_qty: Decimal = Decimal(0)
    realized_pnl: Decimal = Decimal(0)
    fee: Decimal = Decimal(0)
    time_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    update_ms: int = field(default_factory=lambda: int(time.time() * 1000))


@dataclass
class Account:
    api_key: str
    secret: str
    wallet: Decimal
    hedge_mode: bool = False
    leverage: dict[tuple[str, str], int] = field(default_factory=dict)  # (symbol, LONG|SHORT)
    isolated: dict[str, bool] = field(default_factory=dict)
    positions: dict[tuple[str, str], Position] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    by_client_id: dict[str, int] = field(default_factory=dict)


class Exchange:
    def __init__(
        self,
        venue: str,
        instruments: list[Instrument] | None = None,
        *,
        taker_fee: Decimal = Decimal("0.0005"),
        default_leverage: int = 10,
        truncate_excess_precision: bool = False,
        client_ids_unique_while_open: bool = False,
    ) -> None:
        self.venue = venue
        # BingX truncates excess decimals silently; Binance refuses them.
        self.truncate_excess_precision = truncate_excess_precision
        # Binance only refuses a client id that an open order still holds; BingX refuses any reuse.
        self.client_ids_unique_while_open = client_ids_unique_while_open
        # Called under the lock after every price move, so a façade can trigger its own
        # conditional orders (Binance's algo orders live outside the matching engine).
        self.price_listeners: list[Callable[[str, Decimal], None]] = []
        # Called under the lock by reset(), so façades drop the orders they keep themselves.
        self.reset_listeners: list[Callable[[], None]] = []
        self.instruments = {i.symbol: i for i in (instruments or default_instruments())}
        self.taker_fee = taker_fee
        self.default_leverage = default_leverage
        self.accounts: dict[str, Account] = {}
        self.lock = threading.RLock()
        self._ids = itertools.count(int(time.time() * 1000) * 1000)

    # -- accounts and market -------------------------------------------------

    def add_account(self, api_key: str, secret: str, wallet: Decimal) -> Account:
        with self.lock:
            account = Account(api_key, secret, wallet)
            self.accounts[api_key] = account
            return account

    def reset(self, wallet: Decimal) -> None:
        """Flat, no open orders, the wallet refilled; position mode, leverage and margin mode stay."""
        with self.lock:
            for account in self.accounts.values():
                account.positions.clear()
                for order in account.orders.values():
                    if order.status == "NEW":
                        order.status = "CANCELLED"
                account.wallet = wallet
            for listener in list(self.reset_listeners):
                listener()

    def new_order_id(self) -> int:
        """An id from the same sequence as the book's orders, for orders a façade keeps itself."""
        return next(self._ids)

    def instrument(self, symbol: str) -> Instrument:
        inst = self.instruments.get(symbol)
        if inst is None:
            raise SimError(Reject.UNKNOWN_SYMBOL, f"symbol {symbol} does not exist")
        return inst

    def set_price(self, symbol: str, price: Decimal) -> None:
        with self.lock:
            inst = self.instrument(symbol)
            inst.price = price.quantize(inst.price_tick)
            self._fill_resting(symbol)
            for listener in list(self.price_listeners):
                listener(symbol, inst.price)

    def leverage(self, account: Account, symbol: str, direction: str) -> int:
        return account.leverage.get((symbol, direction), self.default_leverage)

    def set_leverage(self, account: Account, symbol: str, side: str, leverage: int) -> None:
        inst = self.instrument(symbol)
        if not 1 <= leverage <= inst.max_leverage:
            raise SimError(Reject.LEVERAGE, f"leverage must be between 1 and {inst.max_leverage}")
        with self.lock:
            sides = ["LONG", "SHORT"] if side == "BOTH" else [side]
            for s in sides:
                account.leverage[(symbol, s)] = leverage

    # -- balances ------------------------------------------------------------------

    def unrealized(self, account: Account) -> Decimal:
        total = Decimal(0)
        for pos in account.positions.values():
            total += self.pnl(pos, self.instrument(pos.symbol).price)
        return total

    def used_margin(self, account: Account) -> Decimal:
        used = Decimal(0)
        for pos in account.positions.values():
            if pos.qty == 0:
                continue
            direction = self.direction(pos)
            used += abs(pos.qty) * pos.entry / self.leverage(account, pos.symbol, direction)
        for order in account.orders.values():
            if order.status == "NEW" and not order.reduce_only and order.price is not None:
                used += order.qty * order.price / self.leverage(account, order.symbol, _dir(order))
        return used

    def available(self, account: Account) -> Decimal:
        return account.wallet + min(self.unrealized(account), Decimal(0)) - self.used_margin(account)

    # -- orders ---------------------------------------------------------------------

    def place_order(
        self,
        account: Account,
        *,
        symbol: str,
        side: str,
        position_side: str,
        order_type: str,
        quantity: Decimal,
        price: Decimal | None,
        client_order_id: str,
        reduce_only: bool,
    ) -> Order:
        with self.lock:
            inst = self.instrument(symbol)
            if side not in ("BUY", "SELL"):
                raise SimError(Reject.INVALID_PARAMETER, f"side must be BUY or SELL, got {side}")
            if order_type not in ("MARKET", "LIMIT"):
                raise SimError(Reject.INVALID_PARAMETER, f"unsupported order type {order_type}")
            self._check_position_side(account, position_side)
            if not quantity.is_finite() or quantity <= 0:
                raise SimError(Reject.INVALID_PARAMETER, f"quantity must be positive, got {quantity}")
            if _decimals(quantity) > inst.qty_precision:
                if not self.truncate_excess_precision:
                    raise SimError(
                        Reject.PRECISION, f"quantity {quantity} has more than {inst.qty_precision} decimals"
                    )
                quantity = _truncate(quantity, inst.qty_step)
            if order_type == "LIMIT":
                if price is None or price <= 0:
                    raise SimError(Reject.INVALID_PARAMETER, "a LIMIT order needs a price")
                if _decimals(price) > inst.price_precision:
                    if not self.truncate_excess_precision:
                        raise SimError(
                            Reject.PRECISION, f"price {price} has more than {inst.price_precision} decimals"
                        )
                    price = _truncate(price, inst.price_tick)
            if not quantity > 0:
                raise SimError(Reject.INVALID_PARAMETER, f"quantity {quantity} truncates to zero")
            if client_order_id and client_order_id in account.by_client_id:
                held_by = account.orders[account.by_client_id[client_order_id]]
                if not self.client_ids_unique_while_open or held_by.status == "NEW":
                    raise SimError(
                        Reject.DUPLICATE_CLIENT_ID, f"clientOrderID {client_order_id} already used"
                    )
            closing = reduce_only or _closes(position_side, side)
            if closing:
                open_qty = self.closable(account, symbol, position_side, side)
                if open_qty <= 0:
                    raise SimError(
                        Reject.REDUCE_ONLY if reduce_only else Reject.NO_POSITION,
                        "no position to reduce on this side",
                    )
                if quantity > open_qty:
                    if position_side == "BOTH":
                        quantity = open_qty  # reduce-only never flips: the venue trims it
                    else:
                        raise SimError(Reject.REDUCE_ONLY, "close quantity exceeds the open position")
            else:
                if quantity < inst.min_qty:
                    raise SimError(Reject.MIN_QUANTITY, f"quantity {quantity} below minimum {inst.min_qty}")
                ref_price = price if price is not None else inst.price
                notional = quantity * ref_price
                if notional < inst.min_notional:
                    raise SimError(
                        Reject.MIN_NOTIONAL, f"order value {notional} below minimum {inst.min_notional} USDT"
                    )
                direction = "LONG" if side == "BUY" else "SHORT"
                margin = notional / self.leverage(account, symbol, direction)
                if margin > self.available(account):
                    raise SimError(Reject.INSUFFICIENT_MARGIN, "insufficient margin")
            order = Order(
                order_id=self.new_order_id(),
                client_order_id=client_order_id,
                symbol=symbol,
                side=side,
                position_side=position_side,
                type=order_type,
                qty=quantity,
                price=price,
                reduce_only=reduce_only,
            )
            account.orders[order.order_id] = order
            if client_order_id:
                account.by_client_id[client_order_id] = order.order_id
            if order_type == "MARKET" or self._marketable(order, inst.price):
                self._fill(
                    account, order, inst.price if order_type == "MARKET" else order.price or inst.price
                )
            return order

    def find_order(
        self, account: Account, *, order_id: int | None = None, client_order_id: str = ""
    ) -> Order:
        with self.lock:
            if order_id is None and client_order_id:
                order_id = account.by_client_id.get(client_order_id)
            order = account.orders.get(order_id) if order_id is not None else None
            if order is None:
                raise SimError(Reject.UNKNOWN_ORDER, "order does not exist")
            return order

    def cancel_order(self, account: Account, order: Order, *, status: str = "CANCELLED") -> Order:
        """Take an open order off the book; `status` may say EXPIRED when the venue, not the user, did."""
        with self.lock:
            if order.status != "NEW":
                raise SimError(Reject.UNKNOWN_ORDER, f"order is {order.status}, not open")
            order.status = status
            order.update_ms = int(time.time() * 1000)
            return order

    def positions(self, account: Account, symbol: str | None = None) -> list[Position]:
        with self.lock:
            return [
                p for p in account.positions.values() if p.qty != 0 and (symbol is None or p.symbol == symbol)
            ]

    # -- internals -----------------------------------------------------------------

    def _check_position_side(self, account: Account, position_side: str) -> None:
        if account.hedge_mode and position_side not in ("LONG", "SHORT"):
            raise SimError(Reject.POSITION_SIDE, "hedge mode needs positionSide LONG or SHORT")
        if not account.hedge_mode and position_side != "BOTH":
            raise SimError(Reject.POSITION_SIDE, "one-way mode needs positionSide BOTH")

    def closable(self, account: Account, symbol: str, position_side: str, side: str) -> Decimal:
        """What an order on this side may take off the position (0 when it would not reduce it)."""
        pos = account.positions.get((symbol, position_side))
        if pos is None:
            return Decimal(0)
        if position_side == "BOTH":
            # Reduce-only in one-way mode only counts against the opposite side.
            if (side == "SELL" and pos.qty > 0) or (side == "BUY" and pos.qty < 0):
                return abs(pos.qty)
            return Decimal(0)
        return pos.qty

    @staticmethod
    def _marketable(order: Order, market: Decimal) -> bool:
        assert order.price is not None
        return (order.side == "BUY" and order.price >= market) or (
            order.side == "SELL" and order.price <= market
        )

    def _fill_resting(self, symbol: str) -> None:
        price = self.instrument(symbol).price
        for account in self.accounts.values():
            for order in list(account.orders.values()):
                if order.symbol == symbol and order.status == "NEW" and self._marketable(order, price):
                    self._fill(account, order, order.price or price)

    def open_orders(self, account: Account, symbol: str | None = None) -> list[Order]:
        with self.lock:
            return [
                o
                for o in account.orders.values()
                if o.status == "NEW" and (symbol is None or o.symbol == symbol)
            ]

    @staticmethod
    def direction(pos: Position) -> str:
        if pos.side == "BOTH":
            return "LONG" if pos.qty > 0 else "SHORT"
        return pos.side

    @staticmethod
    def pnl(pos: Position, price: Decimal) -> Decimal:
        if pos.qty == 0:
            return Decimal(0)
        signed = pos.qty if pos.side == "BOTH" else (pos.qty if pos.side == "LONG" else -pos.qty)
        return (price - pos.entry) * signed

    def _fill(self, account: Account, order: Order, price: Decimal) -> None:
        key = (order.symbol, order.position_side)
        pos = account.positions.setdefault(key, Position(order.symbol, order.position_side))
        signed = order.qty if order.side == "BUY" else -order.qty
        realized = Decimal(0)
        if order.position_side == "BOTH":
            if pos.qty == 0 or (pos.qty > 0) == (signed > 0):
                pos.entry = (abs(pos.qty) * pos.entry + order.qty * price) / (abs(pos.qty) + order.qty)
                pos.qty += signed
            else:
                closed = min(abs(pos.qty), order.qty)
                realized = (price - pos.entry) * closed * (1 if pos.qty > 0 else -1)
                pos.qty += signed
                if pos.qty != 0 and (pos.qty > 0) == (signed > 0):
                    pos.entry = price  # flipped through zero: the rest opens at the fill
                elif pos.qty == 0:
                    pos.entry = Decimal(0)
        else:
            opening = _dir(order) == order.position_side and not _closes(order.position_side, order.side)
            if opening:
                pos.entry = (pos.qty * pos.entry + order.qty * price) / (pos.qty + order.qty)
                pos.qty += order.qty
            else:
                closed = min(pos.qty, order.qty)
                realized = (price - pos.entry) * closed * (1 if order.position_side == "LONG" else -1)
                pos.qty -= closed
                if pos.qty == 0:
                    pos.entry = Decimal(0)
        fee = order.qty * price * self.taker_fee
        account.wallet += realized - fee
        order.status = "FILLED"
        order.avg_price = price
        order.executed_qty = order.qty
        order.realized_pnl = realized
        order.fee = fee
        order.update_ms = int(time.time() * 1000)


def crossed(*, stop: bool, side: str, trigger: Decimal, mark: Decimal) -> bool:
    """Has the mark reached a trigger? Stops buy on the way up and sell on the way down;
    take-profits the other way round."""
    rising = (side == "BUY") if stop else (side == "SELL")
    return mark >= trigger if rising else mark <= trigger


def _closes(position_side: str, side: str) -> bool:
    """In hedge mode, selling LONG or buying SHORT closes."""
    return (position_side == "LONG" and side == "SELL") or (position_side == "SHORT" and side == "BUY")


def _dir(order: Order) -> str:
    if order.position_side in ("LONG", "SHORT"):
        return order.position_side
    return "LONG" if order.side == "BUY" else "SHORT"


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _truncate(value: Decimal, step: Decimal) -> Decimal:
    return (value // step) * step
