"""What happens to an account from outside its API: the venue liquidating a position, or the
account's owner closing one in the venue's app. Both close a whole position with a market
order the client never placed, under a client id that is not the client's, and both are told
on the user-data stream like any order. The owner may also change the account's settings in the
app (`change_settings`), told on the stream as the venue tells them.
"""

from __future__ import annotations

from decimal import Decimal

from simulator.events import Execution, Expiry
from simulator.exchange import Exchange
from simulator.positions import direction
from simulator.records import Account, Order, Position, Reject, SimError


def _open_position(account: Account, symbol: str, position_side: str) -> Position:
    pos = account.positions.get((symbol, position_side))
    if pos is None or pos.qty == 0:
        raise SimError(Reject.NO_POSITION, f"no {position_side} position on {symbol}")
    return pos


def _closing_side(pos: Position) -> str:
    return "SELL" if direction(pos) == "LONG" else "BUY"


def liquidate(
    exchange: Exchange,
    account: Account,
    symbol: str,
    position_side: str,
    *,
    client_order_id: str,
    price: Decimal | None = None,
) -> Order:
    """Close the position by force at `price` (the mark when None): its open orders on that
    side expire first, then a LIQUIDATION order takes the whole position, as a taker."""
    with exchange.lock:
        pos = _open_position(account, symbol, position_side)
        for order in exchange.open_orders(account, symbol):
            if order.position_side == position_side:
                exchange.cancel_order(account, order, status="EXPIRED", why=Expiry.LIQUIDATION)
        forced = Order(
            order_id=exchange.new_order_id(),
            client_order_id=client_order_id,
            symbol=symbol,
            side=_closing_side(pos),
            position_side=position_side,
            type="LIQUIDATION",
            qty=abs(pos.qty),
            price=None,
            reduce_only=True,
            time_in_force="IOC",
        )
        exchange.record(account, forced)
        at = price if price is not None else exchange.instrument(symbol).price
        exchange.execute(account, forced, at, maker=False, how=Execution.LIQUIDATION)
        return forced


def close_from_app(
    exchange: Exchange, account: Account, symbol: str, position_side: str, *, client_order_id: str
) -> Order:
    """A market order for the whole position, as the venue's app sends one."""
    with exchange.lock:
        pos = _open_position(account, symbol, position_side)
        return exchange.place_order(
            account,
            symbol=symbol,
            side=_closing_side(pos),
            position_side=position_side,
            order_type="MARKET",
            quantity=abs(pos.qty),
            price=None,
            client_order_id=client_order_id,
            reduce_only=position_side == "BOTH",
        )


def change_settings(
    exchange: Exchange,
    account: Account,
    symbol: str | None,
    *,
    leverage: int | None = None,
    leverage_side: str = "BOTH",
    isolated: bool | None = None,
    hedge_mode: bool | None = None,
) -> None:
    """Leverage (one side's, or BOTH), margin mode and position mode as the owner sets them in
    the venue's app, under the app's rules: a margin mode changes only while the symbol has no
    position or open order, the position mode only while the account has none, and nothing
    changes when one of them is refused. A leverage or margin-mode change is told on the
    user-data stream like any (the exchange publishes it); a position-mode change by nothing,
    as neither venue documents an event for it."""
    with exchange.lock:
        if (leverage is not None or isolated is not None) and symbol is None:
            raise SimError(Reject.UNKNOWN_SYMBOL, "a leverage or margin mode needs a symbol")
        if symbol is not None:
            exchange.instrument(symbol)
        changes_margin = (
            symbol is not None and isolated is not None and account.isolated.get(symbol, False) != isolated
        )
        if changes_margin and _busy(exchange, account, symbol):
            raise SimError(
                Reject.INVALID_PARAMETER, f"{symbol} has a position or open orders: its margin mode stays"
            )
        if hedge_mode is not None and hedge_mode != account.hedge_mode and _busy(exchange, account):
            raise SimError(
                Reject.INVALID_PARAMETER, "the account has positions or open orders: its position mode stays"
            )
        if leverage is not None and symbol is not None:
            exchange.set_leverage(account, symbol, leverage_side, leverage)
        if changes_margin and symbol is not None and isolated is not None:
            exchange.set_margin_mode(account, symbol, isolated)
        if hedge_mode is not None:
            account.hedge_mode = hedge_mode


def _busy(exchange: Exchange, account: Account, symbol: str | None = None) -> bool:
    """A position or an open order, on the book or waiting beside it, on the account (or one
    symbol): what keeps both venues from changing a margin mode or the position mode."""
    return bool(
        exchange.positions(account, symbol)
        or exchange.open_orders(account, symbol)
        or any(lister(account, symbol) for lister in exchange.waiting_orders)
    )
