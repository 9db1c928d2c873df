"""What happens to an account from outside its API: the venue liquidating a position, or the
account's owner closing one in the venue's app. Both close a whole position with a market
order the client never placed, under a client id that is not the client's, and both are told
on the user-data stream like any order.
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
