"""The account state an event carries: a position or a symbol's settings as they stand at the
moment the exchange announces a change, read under its lock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.events import AccountUpdate, ConfigChange, ConfigUpdate, PositionState
from simulator.positions import direction, pnl
from simulator.records import Account, Order, Position

if TYPE_CHECKING:
    from simulator.exchange import Exchange


def position_state(exchange: Exchange, account: Account, pos: Position, order: Order) -> PositionState:
    if pos.qty != 0:
        way = direction(pos)
    else:
        # Flat now: it pointed the way the closing order traded against.
        way = pos.side if pos.side != "BOTH" else ("LONG" if order.side == "SELL" else "SHORT")
    mark = exchange.instrument(pos.symbol).price
    leverage = exchange.leverage(account, pos.symbol, way)
    return PositionState(
        symbol=pos.symbol,
        side=pos.side,
        direction=way,
        qty=pos.qty,
        entry=pos.entry,
        unrealized=pnl(pos, mark),
        margin=abs(pos.qty) * pos.entry / leverage,
        isolated=account.isolated.get(pos.symbol, False),
        realized=pos.realized,
        fees=pos.fees,
    )


def account_update(exchange: Exchange, account: Account, order: Order, time_ms: int) -> AccountUpdate:
    """The wallet and the position an order's fill moved."""
    pos = account.positions[(order.symbol, order.position_side)]
    return AccountUpdate(
        api_key=account.api_key,
        asset=exchange.margin_asset,
        wallet=account.wallet,
        positions=(position_state(exchange, account, pos, order),),
        time_ms=time_ms,
    )


def config_update(exchange: Exchange, account: Account, symbol: str, change: ConfigChange) -> ConfigUpdate:
    return ConfigUpdate(
        api_key=account.api_key,
        change=change,
        symbol=symbol,
        long_leverage=exchange.leverage(account, symbol, "LONG"),
        short_leverage=exchange.leverage(account, symbol, "SHORT"),
        isolated=account.isolated.get(symbol, False),
        asset=exchange.margin_asset,
        wallet=account.wallet,
        time_ms=exchange.clock_ms(),
    )
