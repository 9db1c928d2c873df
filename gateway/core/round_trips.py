"""Round trips: the ledger's fills grouped into trades, the unit analytics count.

A trade is the life of one position: one symbol on one account of one venue, one side of it in
hedge mode. It opens with the fill that takes the position away from flat and closes with the
fill that brings it back to flat. Whatever happens in between belongs to it: fills that add to
the position, and partial closes (a take-profit ladder's levels, a close of half), so a ladder
of three take-profits is one trade. Its PnL is the realised PnL of all its fills, its fees those
of all its fills, opening ones included; it belongs to the strategy whose signal opened it,
whoever closes it (a take-profit, a close signal, the exchange's app).

In one-way mode a fill larger than the position closes the trade and opens the next one, in the
other direction, with the rest: the closing part keeps all the fill's realised PnL (the venue
realises PnL only on what closes) and its share of the fee by quantity. A close whose opening the
ledger never saw (a position from before tvbridge recorded fills) is a trade of its own, of the
closing fill's strategy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from common.trade_net import ZERO, quote_fee, quote_of

HEDGE_SIDES = ("LONG", "SHORT")


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else ZERO


@dataclass(frozen=True)
class LedgerFill:
    """A fill as analytics read it: the ledger's row (gateway/journal/ledger.py) typed."""

    id: int
    venue: str
    account: str
    symbol: str
    side: str  # buy or sell
    position_side: str  # LONG or SHORT in hedge mode; BOTH or empty in one-way mode
    quantity: Decimal
    price: Decimal
    fee: Decimal  # positive: paid
    fee_asset: str
    realized_pnl: Decimal
    time_ms: int
    signal_id: str = ""
    purpose: str = ""
    strategy: str = ""

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> LedgerFill:
        return cls(
            id=int(row["id"]),
            venue=str(row["venue"]),
            account=str(row["account"]),
            symbol=str(row["symbol"]),
            side=str(row["side"]),
            position_side=str(row["position_side"]),
            quantity=_decimal(row["quantity"]),
            price=_decimal(row["price"]),
            fee=_decimal(row["fee"]),
            fee_asset=str(row["fee_asset"]),
            realized_pnl=_decimal(row["realized_pnl"]),
            time_ms=int(row["time_ms"]),
            signal_id=str(row["signal_id"]),
            purpose=str(row["purpose"]),
            strategy=str(row["strategy"]),
        )

    @property
    def direction(self) -> int:
        return 1 if self.side == "buy" else -1

    @property
    def hedged(self) -> bool:
        return self.position_side in HEDGE_SIDES

    @property
    def quote_fee(self) -> Decimal:
        """The fee in the asset PnL is counted in (common/trade_net.py); a fee paid in another
        asset is counted apart."""
        return quote_fee(self.fee, self.fee_asset, self.quote)

    @property
    def quote(self) -> str:
        return quote_of(self.symbol)


@dataclass(eq=False)
class Trade:
    strategy: str
    direction: int  # 1 long, -1 short
    opened_ms: int | None  # None: its opening is not in the ledger
    open_quantity: Decimal = ZERO
    closed_ms: int | None = None
    realized_pnl: Decimal = ZERO
    fees: Decimal = ZERO

    @property
    def net_pnl(self) -> Decimal:
        return self.realized_pnl - self.fees


@dataclass(frozen=True)
class Share:
    """The part of one fill that belongs to one trade (a whole fill, but for a one-way flip)."""

    fill: LedgerFill
    trade: Trade
    realized_pnl: Decimal
    fee: Decimal  # in the quote asset
    other_fee: Decimal  # in the fill's own fee asset, when that is not the quote asset


@dataclass
class RoundTrips:
    shares: list[Share] = field(default_factory=list)
    trades: list[Trade] = field(default_factory=list)  # in the order they opened


def round_trips(fills: Iterable[LedgerFill]) -> RoundTrips:
    """Fills oldest first (the ledger's time, then its row id) in; each one's shares, and the
    trades, out."""
    book = _Book()
    for fill in fills:
        book.add(fill)
    return book.result


class _Book:
    def __init__(self) -> None:
        self.open: dict[tuple[str, str, str, str], Trade] = {}
        self.result = RoundTrips()

    def add(self, fill: LedgerFill) -> None:
        key = (fill.venue, fill.account, fill.symbol, fill.position_side if fill.hedged else "BOTH")
        trade = self.open.get(key)
        if trade is None:
            if not self._closes_unseen(fill):
                self.open[key] = self._opened(fill, fill.direction, fill.time_ms, fill.quantity)
                self._share(fill, self.open[key], fill.quantity)
                return
            trade = self._opened(fill, -fill.direction, None, fill.quantity)
        if fill.direction == trade.direction:
            trade.open_quantity += fill.quantity
            self._share(fill, trade, fill.quantity)
            return
        # A hedge-mode side cannot flip: a close of more than was seen closes what there is.
        closing = fill.quantity if fill.hedged else min(fill.quantity, trade.open_quantity)
        self._share(fill, trade, closing)
        trade.open_quantity -= closing
        if trade.open_quantity <= 0:
            trade.closed_ms = fill.time_ms
            self.open.pop(key, None)
        rest = fill.quantity - closing
        if rest > 0:
            self.open[key] = self._opened(fill, fill.direction, fill.time_ms, rest)
            self._share(fill, self.open[key], rest)

    @staticmethod
    def _closes_unseen(fill: LedgerFill) -> bool:
        """A fill on a flat position that can only be a close: a sell on a hedge-mode long side
        (a buy on a short one), or a one-way fill that realised PnL."""
        if fill.hedged:
            return fill.direction != (1 if fill.position_side == "LONG" else -1)
        return fill.realized_pnl != 0

    def _opened(self, fill: LedgerFill, direction: int, opened_ms: int | None, quantity: Decimal) -> Trade:
        trade = Trade(
            strategy=fill.strategy, direction=direction, opened_ms=opened_ms, open_quantity=quantity
        )
        self.result.trades.append(trade)
        return trade

    def _share(self, fill: LedgerFill, trade: Trade, quantity: Decimal) -> None:
        """`quantity` of the fill goes to the trade; the first share of a fill takes all its
        realised PnL, a second (the rest of a flip) what is left of the fee."""
        taken = [s for s in self.result.shares[-1:] if s.fill is fill]
        if taken:
            realized, fee, other = ZERO, fill.quote_fee - taken[0].fee, _other(fill) - taken[0].other_fee
        elif quantity == fill.quantity:
            realized, fee, other = fill.realized_pnl, fill.quote_fee, _other(fill)
        else:
            realized = fill.realized_pnl
            fee = fill.quote_fee * quantity / fill.quantity
            other = _other(fill) * quantity / fill.quantity
        trade.realized_pnl += realized
        trade.fees += fee
        self.result.shares.append(Share(fill, trade, realized, fee, other))


def _other(fill: LedgerFill) -> Decimal:
    return fill.fee - fill.quote_fee
