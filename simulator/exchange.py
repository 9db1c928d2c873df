"""A venue-neutral perpetual-futures exchange: instruments, accounts, positions, orders.

Each venue façade (simulator/bingx, simulator/binance) owns one Exchange and translates its
wire format and error codes onto it. All money is Decimal.
"""

from __future__ import annotations

import copy
import itertools
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from simulator import snapshots
from simulator.events import ConfigChange, EventBus, Execution, Expiry, OrderUpdate
from simulator.positions import closable, closes, direction, fill, order_direction, pnl
from simulator.records import (
    Account,
    Fill,
    Instrument,
    Order,
    Position,
    Reject,
    SimError,
    decimals,
    default_instruments,
    truncate,
)

# The records are the exchange's vocabulary: callers may import them from here.
__all__ = ["Account", "Exchange", "Instrument", "Order", "Position", "Reject", "SimError", "marketable"]


def marketable(side: str, limit: Decimal, market: Decimal) -> bool:
    """Would a limit at this price trade at once against the market?"""
    return (side == "BUY" and limit >= market) or (side == "SELL" and limit <= market)


def now_ms() -> int:
    return int(time.time() * 1000)


class Exchange:
    def __init__(
        self,
        venue: str,
        instruments: list[Instrument] | None = None,
        *,
        # Both venues' published standard rates for USDT perpetuals: 0.05% taker, 0.02% maker
        # (docs/venues/*.md, "User-data stream"). A fill on arrival is a taker's; a resting
        # order's later fill is a maker's.
        taker_fee: Decimal = Decimal("0.0005"),
        maker_fee: Decimal = Decimal("0.0002"),
        default_leverage: int = 10,
        truncate_excess_precision: bool = False,
        client_ids_unique_while_open: bool = False,
        first_order_id: int | None = None,
        margin_asset: str = "USDT",
    ) -> None:
        self.venue = venue
        # The asset its accounts' margin, profit and fees are counted in: every contract here is
        # quoted in USDT, and a BingX demo account holds VST in its stead (docs/venues/bingx.md 1).
        self.margin_asset = margin_asset
        # BingX truncates excess decimals silently; Binance refuses them.
        self.truncate_excess_precision = truncate_excess_precision
        # Binance only refuses a client id that an open order still holds; BingX refuses any reuse.
        self.client_ids_unique_while_open = client_ids_unique_while_open
        # Called under the lock after every price move, so a façade can trigger its own
        # conditional orders (they live outside the matching engine).
        self.price_listeners: list[Callable[[str, Decimal], None]] = []
        # Called under the lock by reset(), so façades drop the orders they keep themselves.
        self.reset_listeners: list[Callable[[], None]] = []
        # The orders façades keep beside the book (conditional orders), each book's lister.
        self.waiting_orders: list[Callable[[Account, str | None], list[Any]]] = []
        self.instruments = {i.symbol: i for i in (instruments or default_instruments())}
        self.taker_fee = taker_fee
        self.maker_fee = maker_fee
        self.default_leverage = default_leverage
        self.accounts: dict[str, Account] = {}
        # Which of the venue's alternative spellings its answers use (simulator/<venue>/spelling.py);
        # a test switches them through /_sim/spellings, and reset() restores the defaults.
        self.spellings: dict[str, bool] = {}
        self.lock = threading.RLock()
        # Every order, fill, balance and setting change, published under the lock as it happens.
        self.events = EventBus()
        self._ids = itertools.count(first_order_id if first_order_id is not None else now_ms() * 1000)
        self._trade_ids = itertools.count(100_000_001)

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
            self.spellings.clear()
            for listener in list(self.reset_listeners):
                listener()

    @staticmethod
    def clock_ms() -> int:
        """The time the exchange stamps on orders, fills and events."""
        return now_ms()

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
            self._config_changed(account, symbol, ConfigChange.LEVERAGE)

    def set_margin_mode(self, account: Account, symbol: str, isolated: bool) -> None:
        with self.lock:
            account.isolated[symbol] = isolated
            self._config_changed(account, symbol, ConfigChange.MARGIN_MODE)

    # -- balances ------------------------------------------------------------------

    def unrealized(self, account: Account) -> Decimal:
        total = Decimal(0)
        for pos in account.positions.values():
            total += pnl(pos, self.instrument(pos.symbol).price)
        return total

    def used_margin(self, account: Account) -> Decimal:
        used = Decimal(0)
        for pos in account.positions.values():
            if pos.qty != 0:
                used += abs(pos.qty) * pos.entry / self.leverage(account, pos.symbol, direction(pos))
        for order in account.orders.values():
            if order.status == "NEW" and not order.reduce_only and order.price is not None:
                used += order.qty * order.price / self.leverage(account, order.symbol, order_direction(order))
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
        time_in_force: str = "GTC",
        accepted: Callable[[Order], None] | None = None,
    ) -> Order:
        """`accepted` sees the order once it is on the book, before anyone hears of it."""
        with self.lock:
            inst = self.instrument(symbol)
            if side not in ("BUY", "SELL"):
                raise SimError(Reject.INVALID_PARAMETER, f"side must be BUY or SELL, got {side}")
            if order_type not in ("MARKET", "LIMIT"):
                raise SimError(Reject.INVALID_PARAMETER, f"unsupported order type {order_type}")
            self._check_position_side(account, position_side)
            quantity = self._sized(inst, quantity)
            if order_type == "LIMIT":
                price = self._priced(inst, price)
            if not quantity > 0:
                raise SimError(Reject.INVALID_PARAMETER, f"quantity {quantity} truncates to zero")
            self._check_client_id(account, client_order_id)
            if reduce_only or closes(position_side, side):
                quantity = self._closing_quantity(account, symbol, position_side, side, quantity, reduce_only)
            else:
                self._check_opening(account, inst, side, quantity, price)
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
                time_in_force=time_in_force,
            )
            self.record(account, order, accepted)
            if order_type == "MARKET":
                self.execute(account, order, inst.price, maker=False)
            elif order.price is not None and marketable(order.side, order.price, inst.price):
                self.execute(account, order, order.price, maker=False)
            return order

    def record(self, account: Account, order: Order, accepted: Callable[[Order], None] | None = None) -> None:
        """Put a new order on the account's books and announce it."""
        account.orders[order.order_id] = order
        if order.client_order_id:
            account.by_client_id[order.client_order_id] = order.order_id
        if accepted is not None:
            accepted(order)
        self._order_changed(account, order, Execution.NEW)

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

    def cancel_order(
        self, account: Account, order: Order, *, status: str = "CANCELLED", why: Expiry = Expiry.NONE
    ) -> Order:
        """Take an open order off the book; `status` may say EXPIRED when the venue, not the user,
        did, and `why` says for what."""
        with self.lock:
            if order.status != "NEW":
                raise SimError(Reject.UNKNOWN_ORDER, f"order is {order.status}, not open")
            order.status = status
            order.update_ms = now_ms()
            execution = Execution.EXPIRED if status == "EXPIRED" else Execution.CANCELED
            self._order_changed(account, order, execution, expiry=why)
            return order

    def positions(self, account: Account, symbol: str | None = None) -> list[Position]:
        with self.lock:
            return [
                p for p in account.positions.values() if p.qty != 0 and (symbol is None or p.symbol == symbol)
            ]

    def open_orders(self, account: Account, symbol: str | None = None) -> list[Order]:
        with self.lock:
            return [
                o
                for o in account.orders.values()
                if o.status == "NEW" and (symbol is None or o.symbol == symbol)
            ]

    # -- order checks, in the order the venues apply them ----------------------------------

    def _check_position_side(self, account: Account, position_side: str) -> None:
        if account.hedge_mode and position_side not in ("LONG", "SHORT"):
            raise SimError(Reject.POSITION_SIDE, "hedge mode needs positionSide LONG or SHORT")
        if not account.hedge_mode and position_side != "BOTH":
            raise SimError(Reject.POSITION_SIDE, "one-way mode needs positionSide BOTH")

    def _sized(self, inst: Instrument, quantity: Decimal) -> Decimal:
        if not quantity.is_finite() or quantity <= 0:
            raise SimError(Reject.INVALID_PARAMETER, f"quantity must be positive, got {quantity}")
        if decimals(quantity) <= inst.qty_precision:
            return quantity
        if not self.truncate_excess_precision:
            raise SimError(
                Reject.PRECISION, f"quantity {quantity} has more than {inst.qty_precision} decimals"
            )
        return truncate(quantity, inst.qty_step)

    def _priced(self, inst: Instrument, price: Decimal | None) -> Decimal:
        if price is None or price <= 0:
            raise SimError(Reject.INVALID_PARAMETER, "a LIMIT order needs a price")
        if decimals(price) <= inst.price_precision:
            return price
        if not self.truncate_excess_precision:
            raise SimError(Reject.PRECISION, f"price {price} has more than {inst.price_precision} decimals")
        return truncate(price, inst.price_tick)

    def _check_client_id(self, account: Account, client_order_id: str) -> None:
        if client_order_id and client_order_id in account.by_client_id:
            held_by = account.orders[account.by_client_id[client_order_id]]
            if not self.client_ids_unique_while_open or held_by.status == "NEW":
                raise SimError(Reject.DUPLICATE_CLIENT_ID, f"clientOrderID {client_order_id} already used")

    def _closing_quantity(
        self,
        account: Account,
        symbol: str,
        position_side: str,
        side: str,
        quantity: Decimal,
        reduce_only: bool,
    ) -> Decimal:
        open_qty = closable(account, symbol, position_side, side)
        if open_qty <= 0:
            raise SimError(
                Reject.REDUCE_ONLY if reduce_only else Reject.NO_POSITION,
                "no position to reduce on this side",
            )
        if quantity <= open_qty:
            return quantity
        if position_side == "BOTH":
            return open_qty  # reduce-only never flips: the venue trims it
        raise SimError(Reject.OVER_CLOSE, "close quantity exceeds the open position")

    def _check_opening(
        self, account: Account, inst: Instrument, side: str, quantity: Decimal, price: Decimal | None
    ) -> None:
        if quantity < inst.min_qty:
            raise SimError(Reject.MIN_QUANTITY, f"quantity {quantity} below minimum {inst.min_qty}")
        notional = quantity * (price if price is not None else inst.price)
        if notional < inst.min_notional:
            raise SimError(
                Reject.MIN_NOTIONAL,
                f"order value {notional} below minimum {inst.min_notional} USDT",
                limit=inst.min_notional,
            )
        direction = "LONG" if side == "BUY" else "SHORT"
        if notional / self.leverage(account, inst.symbol, direction) > self.available(account):
            raise SimError(Reject.INSUFFICIENT_MARGIN, "insufficient margin")

    # -- filling -------------------------------------------------------------------------

    def _fill_resting(self, symbol: str) -> None:
        price = self.instrument(symbol).price
        for account in self.accounts.values():
            for order in list(account.orders.values()):
                if order.symbol != symbol or order.status != "NEW" or order.price is None:
                    continue
                if marketable(order.side, order.price, price):
                    self.execute(account, order, order.price, maker=True)

    def execute(
        self, account: Account, order: Order, price: Decimal, *, maker: bool, how: Execution = Execution.TRADE
    ) -> Fill:
        """Fill the whole order at `price`, keep the trade, and announce the fill and what it did
        to the account."""
        realized, fee = fill(account, order, price, self.maker_fee if maker else self.taker_fee)
        trade = Fill(
            trade_id=next(self._trade_ids),
            order_id=order.order_id,
            client_order_id=order.client_order_id,
            symbol=order.symbol,
            side=order.side,
            position_side=order.position_side,
            qty=order.qty,
            price=price,
            fee=fee,
            fee_asset=self.margin_asset,
            realized_pnl=realized,
            maker=maker,
            time_ms=order.update_ms,
        )
        account.fills.append(trade)
        self._order_changed(account, order, how, fill=trade)
        self.events.publish(snapshots.account_update(self, account, order, trade.time_ms))
        return trade

    # -- what the exchange tells its listeners -----------------------------------------

    def _order_changed(
        self,
        account: Account,
        order: Order,
        execution: Execution,
        *,
        fill: Fill | None = None,
        expiry: Expiry = Expiry.NONE,
    ) -> None:
        event = OrderUpdate(account.api_key, execution, copy.copy(order), now_ms(), fill, expiry)
        self.events.publish(event)

    def _config_changed(self, account: Account, symbol: str, change: ConfigChange) -> None:
        self.events.publish(snapshots.config_update(self, account, symbol, change))
