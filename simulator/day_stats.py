"""Each contract's last 24 hours, as both venues' 24-hour tickers report them.

The simulator's market is its one price per contract and its accounts' fills: the window's open,
high and low come from the prices it held (every move is recorded as it happens), its volume,
trade count and trade ids from the fills of every account.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from decimal import Decimal

from simulator.exchange import Exchange
from simulator.venue import Clock

DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class DayStats:
    open: Decimal
    high: Decimal
    low: Decimal
    last: Decimal
    volume: Decimal  # base asset
    quote_volume: Decimal
    count: int
    last_qty: Decimal
    first_trade_id: int | None
    last_trade_id: int | None
    open_ms: int
    close_ms: int

    @property
    def change(self) -> Decimal:
        return self.last - self.open

    @property
    def change_percent(self) -> Decimal:
        return self.change * 100 / self.open if self.open else Decimal(0)

    @property
    def weighted_average(self) -> Decimal:
        return self.quote_volume / self.volume if self.volume else self.last


class DayWindow:
    """Records every price move of the exchange and answers each contract's last 24 hours."""

    def __init__(self, exchange: Exchange, clock: Clock) -> None:
        self.exchange = exchange
        self.clock = clock
        # The price in force when the kept moves begin, then each move since, oldest first.
        self._before = {symbol: inst.price for symbol, inst in exchange.instruments.items()}
        self._moves: dict[str, deque[tuple[int, Decimal]]] = {s: deque() for s in exchange.instruments}
        exchange.price_listeners.append(self._moved)

    def _moved(self, symbol: str, price: Decimal) -> None:
        self._moves[symbol].append((self.clock(), price))
        self._forget(symbol, self.clock() - DAY_MS)

    def _forget(self, symbol: str, since_ms: int) -> None:
        moves = self._moves[symbol]
        while moves and moves[0][0] < since_ms:
            self._before[symbol] = moves.popleft()[1]

    def stats(self, symbol: str) -> DayStats:
        with self.exchange.lock:
            inst = self.exchange.instrument(symbol)
            now = self.clock()
            since = now - DAY_MS
            self._forget(symbol, since)
            opening = self._before[symbol]
            prices = [opening, inst.price, *(p for _, p in self._moves[symbol])]
            fills = sorted(
                (f for a in self.exchange.accounts.values() for f in a.fills),
                key=lambda f: f.trade_id,
            )
            fills = [f for f in fills if f.symbol == symbol and f.time_ms >= since]
            prices += [f.price for f in fills]
            return DayStats(
                open=opening,
                high=max(prices),
                low=min(prices),
                last=inst.price,
                volume=sum((f.qty for f in fills), Decimal(0)),
                quote_volume=sum((f.qty * f.price for f in fills), Decimal(0)),
                count=len(fills),
                last_qty=fills[-1].qty if fills else Decimal(0),
                first_trade_id=fills[0].trade_id if fills else None,
                last_trade_id=fills[-1].trade_id if fills else None,
                open_ms=since,
                close_ms=now,
            )
