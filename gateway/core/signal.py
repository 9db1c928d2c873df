"""A signal as the gateway understands it, after parsing and before forwarding."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from common.trading import Action, MarginMode, MarketPosition, OrderType, SignalTerms, SizeKind, Venue

__all__ = ["Action", "MarginMode", "MarketPosition", "OrderType", "Signal", "SizeKind", "Venue"]


@dataclass(frozen=True, kw_only=True)
class Signal(SignalTerms):
    signal_id: str
    venue: Venue
    account: str
    symbol: str  # canonical BASE-QUOTE
    action: Action
    size_kind: SizeKind | None
    size: Decimal | None
    explicit_id: bool = False
    # The price when the alert fired ({{close}}): analytics measure slippage from it. The
    # executor never needs it, so it stays in the gateway's signal and the journal.
    alert_price: Decimal | None = None
