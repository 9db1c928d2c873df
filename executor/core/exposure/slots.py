"""Which symbols of one account hold a position, counting entries still in flight.

A position is counted per symbol (a hedge-mode symbol's two sides are one). A symbol is held
while the venue reports a side open, while an entry of ours is being placed (its reservation,
taken before the order leaves and dropped if it is refused or fails), and after our entry was
placed until a report newer than it says how the symbol stands (its pin): the stream or the
next reconciliation may tell of the fill a moment after the engine saw it. A resting limit
entry holds its pin until the venue reports the order finished. Not thread-safe: the account's
book holds the lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from executor.core.model import PositionSide

ZERO = Decimal(0)


@dataclass(frozen=True)
class Side:
    quantity: Decimal  # signed
    time_ms: int


@dataclass(frozen=True)
class Pin:
    created_ms: int
    resting_order_id: str = ""  # a limit entry still resting: held until it finishes


@dataclass(frozen=True)
class Reservation:
    signal_id: str
    strategy: str


class Slots:
    def __init__(self) -> None:
        self.sides: dict[tuple[str, PositionSide], Side] = {}
        self.pins: dict[str, Pin] = {}
        self.reserved: dict[str, Reservation] = {}
        # The strategy whose entry opened the symbol's position ("": unknown, opened before this
        # run or outside tvbridge); kept while the symbol is held.
        self.owners: dict[str, str] = {}

    def held(self, symbol: str) -> bool:
        return (
            symbol in self.reserved
            or symbol in self.pins
            or any(s.quantity != 0 for (sym, _), s in self.sides.items() if sym == symbol)
        )

    def open_symbols(self, strategy: str = "") -> list[str]:
        """Held symbols, of one strategy when named; sorted."""
        symbols = {sym for (sym, _), s in self.sides.items() if s.quantity != 0}
        symbols |= set(self.pins) | set(self.reserved)
        if strategy:
            symbols = {s for s in symbols if self.owner(s) == strategy}
        return sorted(symbols)

    def owner(self, symbol: str) -> str:
        reservation = self.reserved.get(symbol)
        return reservation.strategy if reservation is not None else self.owners.get(symbol, "")

    def reserve(self, symbol: str, signal_id: str, strategy: str) -> None:
        self.reserved[symbol] = Reservation(signal_id, strategy)

    def release(self, symbol: str, signal_id: str) -> None:
        reservation = self.reserved.get(symbol)
        if reservation is not None and reservation.signal_id == signal_id:
            del self.reserved[symbol]

    def placed(self, symbol: str, signal_id: str, now_ms: int, resting_order_id: str) -> None:
        """Our entry reached the venue: the symbol stays held until a newer report says."""
        reservation = self.reserved.get(symbol)
        if reservation is None or reservation.signal_id != signal_id:
            return
        del self.reserved[symbol]
        self.pins[symbol] = Pin(now_ms, resting_order_id)
        self.owners[symbol] = reservation.strategy

    def position(self, symbol: str, side: PositionSide, quantity: Decimal, time_ms: int) -> Decimal | None:
        """A side's quantity as reported at `time_ms`; what it held before, or None when the
        report is older than what is known (and changes nothing)."""
        known = self.sides.get((symbol, side))
        if known is not None and time_ms < known.time_ms:
            return None
        self.sides[(symbol, side)] = Side(quantity, time_ms)
        pin = self.pins.get(symbol)
        if pin is not None and not pin.resting_order_id and time_ms >= pin.created_ms:
            del self.pins[symbol]
        self.forget_owner(symbol)
        return known.quantity if known is not None else ZERO

    def order_finished(self, symbol: str, order_id: str, filled: bool, time_ms: int) -> None:
        """A resting entry finished: a fill leaves the pin to the position's next report."""
        pin = self.pins.get(symbol)
        if pin is None or pin.resting_order_id != order_id:
            return
        if filled:
            self.pins[symbol] = Pin(time_ms)
        else:
            del self.pins[symbol]
            self.forget_owner(symbol)

    def forget_owner(self, symbol: str) -> None:
        if not self.held(symbol):
            self.owners.pop(symbol, None)
