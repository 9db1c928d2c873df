"""The trading vocabulary both services speak: one definition of each word.

The gateway parses alerts into these words and the executor trades in them; the proto carries
them between the two (each side's convert module checks its tables against the proto's enums).
Order sides stay with each side: the executor's are the venues' capitals, the gateway's answers
spell them in lower case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class Venue(StrEnum):
    """Where a signal trades. Alerts name it in their `exchange` field."""

    BINGX = "bingx"
    BINANCE = "binance"


class Action(StrEnum):
    BUY = "buy"
    SELL = "sell"
    CLOSE = "close"
    CLOSE_LONG = "close_long"
    CLOSE_SHORT = "close_short"
    UPDATE = "update"  # replace the open position's protective orders


class MarketPosition(StrEnum):
    """TradingView's {{strategy.market_position}}: with a size, the signal is a target."""

    LONG = "long"
    SHORT = "short"
    FLAT = "flat"


class SizeKind(StrEnum):
    QUANTITY = "quantity"
    BALANCE = "balance"
    BALANCE_PCT = "balance_pct"
    POSITION_PCT = "position_pct"
    RISK_PCT = "risk_pct"  # percent of account equity lost if the stop is hit
    RISK_USDT = "risk_usdt"  # quote currency lost if the stop is hit


class PositionSide(StrEnum):
    BOTH = "BOTH"  # one-way mode
    LONG = "LONG"  # hedge mode
    SHORT = "SHORT"


class MarginMode(StrEnum):
    ISOLATED = "isolated"
    CROSS = "cross"


class OrderType(StrEnum):
    MARKET = "market"
    LIMIT = "limit"


class OrderStatus(StrEnum):
    """An order's state in our words; each venue adapter translates its venue's
    (executor/venues/*/statuses.py)."""

    NEW = "NEW"  # accepted and resting: a limit, or a trigger not yet set off
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"
    REJECTED = "REJECTED"
    TRIGGERED = "TRIGGERED"  # a trigger order was set off and became a market order
    ATTACHED = "ATTACHED"  # carried by its entry; the venue arms it when the entry fills
    PLANNED = "PLANNED"  # test: true: what would be placed; nothing was sent

    @property
    def traded(self) -> bool:
        return self in (OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED)


class OrderPurpose(StrEnum):
    """What an order is for within its signal; the value also names the order in its client id."""

    ENTRY = "entry"
    CLOSE = "close"
    TAKE_PROFIT = "take_profit"
    STOP_LOSS = "stop_loss"
    TRAILING_STOP = "trailing_stop"


class Outcome(StrEnum):
    """A signal's final state."""

    EXECUTED = "executed"
    REJECTED = "rejected"
    FAILED = "failed"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Balance:
    asset: str
    wallet: Decimal
    available: Decimal
    equity: Decimal
    unrealized_pnl: Decimal


@dataclass(frozen=True)
class Position:
    symbol: str  # canonical BASE-QUOTE
    venue_symbol: str
    position_side: PositionSide | None  # None: the venue did not say
    quantity: Decimal  # signed: positive long, negative short
    entry_price: Decimal
    mark_price: Decimal
    unrealized_pnl: Decimal
    leverage: int
    margin_mode: MarginMode | None


class NewsKind(StrEnum):
    """What the position keeper saw happen that the owner should hear of."""

    TAKE_PROFIT_HIT = "take_profit_hit"
    STOP_HIT = "stop_hit"
    LIQUIDATION = "liquidation"
    CLOSED_OUTSIDE = "closed_outside"  # flattened by an order tvbridge did not place
    STREAM_DOWN = "stream_down"  # the user-data stream has been down past the keeper's limit
    FELL_BACK_TO_REST = "fell_back_to_rest"  # reconciliation alone is keeping watch
    UNPROTECTED = "unprotected"  # a stop asked for is missing and could not be re-placed
    STREAM_RESTORED = "stream_restored"  # back after it was reported down
    EXIT_NOT_FOLLOWED = "exit_not_followed"  # an exit plan's stop not moved, or its trail not placed
    RISK_PAUSED = "risk_paused"  # a daily-loss or losing-streak breach paused an account or strategy


MAX_TAKE_PROFITS = 10  # levels in one take-profit ladder


@dataclass(frozen=True)
class TakeProfitLevel:
    """One level of a take-profit ladder: a price or a percent from the fill (exactly one), and
    its share of the entry in percent."""

    size_pct: Decimal
    price: Decimal | None = None
    pct: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class SignalTerms:
    """What a signal may ask for beyond which signal, where, what and how much: the same optional
    terms whether the gateway has just parsed them or the executor is trading them."""

    market_position: MarketPosition | None = None
    leverage: int | None = None
    margin_mode: MarginMode | None = None
    order_type: OrderType = OrderType.MARKET
    price: Decimal | None = None  # the limit price
    take_profit: Decimal | None = None
    stop_loss: Decimal | None = None
    tp_pct: Decimal | None = None
    sl_pct: Decimal | None = None
    trailing_pct: Decimal | None = None  # a trailing stop's callback, in percent (1 is 1 %)
    trailing_activation: Decimal | None = None  # the price that starts the trail
    trailing_activation_pct: Decimal | None = None  # or percent from the fill, the profit way
    # A take-profit ladder instead of the single take_profit / tp_pct (empty: none).
    take_profits: tuple[TakeProfitLevel, ...] = ()
    breakeven_after: int | None = None  # once take-profit N filled, the stop moves to the entry
    breakeven_offset_pct: Decimal | None = None  # ... plus this, in the profit direction
    trail_after: int | None = None  # the trailing stop starts once take-profit N filled
    reduce_only: bool = False
    fired_at: datetime | None = None  # when TradingView fired, if the alert says
    received_at: datetime | None = None
    test: bool = False
    strategy: str = ""
