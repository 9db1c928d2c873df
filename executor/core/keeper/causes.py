"""Why a position side went flat, told from the fill that flattened it: the trader hears of a
take-profit or stop hit, a liquidation, or a close made outside tvbridge (in the exchange's
app); a close of our own signal is reported by the engine and is no news here."""

from __future__ import annotations

from decimal import Decimal

from common.trading import NewsKind
from executor.core.events import Fill, OrderKind, OrderUpdate
from executor.core.keeper.news import News
from executor.core.legs import CLIENT_ID_PREFIX
from executor.core.model import Side

_TAKE_PROFITS = frozenset({OrderKind.TAKE_PROFIT_MARKET, OrderKind.TAKE_PROFIT})
_STOPS = frozenset({OrderKind.STOP_MARKET, OrderKind.STOP, OrderKind.TRAILING_STOP_MARKET})


def closes(fill: Fill, before: Decimal) -> bool:
    """Whether `fill` trades against a position that held `before` (signed)."""
    return (fill.side is Side.SELL) if before > 0 else (fill.side is Side.BUY)


def flat_news(fill: Fill, order: OrderUpdate | None, before: Decimal) -> News | None:
    """The news of a side flattened by `fill` (of `order`, when known) from `before`."""
    kind = order.kind if order is not None else None
    if fill.liquidation or kind is OrderKind.LIQUIDATION:
        what = NewsKind.LIQUIDATION
    elif kind in _TAKE_PROFITS:
        what = NewsKind.TAKE_PROFIT_HIT
    elif kind in _STOPS:
        what = NewsKind.STOP_HIT
    elif not fill.client_order_id.startswith(CLIENT_ID_PREFIX):
        what = NewsKind.CLOSED_OUTSIDE
    else:
        return None
    where = fill.where
    return News(
        what,
        where.venue,
        where.account,
        where.symbol,
        fill.position_side,
        quantity=abs(before),
        price=fill.price,
        detail=f"realized pnl {fill.realized_pnl}",
        time_ms=fill.time_ms,
    )
