"""The signal language: a webhook body in, a Signal out, or an error naming the field.

Bodies are JSON whatever the Content-Type says (TradingView sends text/plain
unless the message parses as JSON). Keys are case-insensitive. Both seed
formats are accepted as written: {"accion": "BUY", "ticker": "BTCUSDT",
"balance": 100} and {"action": "buy", "ticker": "BTC/USDT", ...}.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from common.symbols import canonical_symbol
from gateway.core.fields import (
    SignalError,
    read_choice,
    read_flag,
    read_number,
    read_positive,
    read_string,
    read_time,
    read_whole,
)
from gateway.core.levels import read_levels
from gateway.core.signal import Action, MarginMode, MarketPosition, OrderType, Signal, SizeKind, Venue

MAX_ID_LENGTH = 128
MAX_LEVERAGE = 200
_ID_RE = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces

ACTIONS: dict[str, Action] = {
    "buy": Action.BUY,
    "long": Action.BUY,
    "sell": Action.SELL,
    "short": Action.SELL,
    "close": Action.CLOSE,
    "exit": Action.CLOSE,
    "flat": Action.CLOSE,
    "close_long": Action.CLOSE_LONG,
    "exit_long": Action.CLOSE_LONG,
    "close_short": Action.CLOSE_SHORT,
    "exit_short": Action.CLOSE_SHORT,
    "update": Action.UPDATE,
}
# The alert's `exchange` field, as users and ccxt spell the venues.
VENUES: dict[str, Venue] = {
    "bingx": Venue.BINGX,
    "binance": Venue.BINANCE,
    "binanceusdm": Venue.BINANCE,
    "binance_futures": Venue.BINANCE,
}
SIZE_FIELDS: dict[str, SizeKind] = {
    "quantity": SizeKind.QUANTITY,
    "qty": SizeKind.QUANTITY,
    "contracts": SizeKind.QUANTITY,
    "balance": SizeKind.BALANCE,
    "balance_pct": SizeKind.BALANCE_PCT,
    "position_pct": SizeKind.POSITION_PCT,
    "risk_pct": SizeKind.RISK_PCT,
    "risk_usdt": SizeKind.RISK_USDT,
}
# Sizes that come from what the stop would lose: they need a stop, and only entries have one.
RISK_SIZES = (SizeKind.RISK_PCT, SizeKind.RISK_USDT)
_PERCENT_SIZES = (SizeKind.BALANCE_PCT, SizeKind.POSITION_PCT, SizeKind.RISK_PCT)
MARKET_POSITIONS = {p.value: p for p in MarketPosition}
MARGIN_MODES = {"isolated": MarginMode.ISOLATED, "cross": MarginMode.CROSS, "crossed": MarginMode.CROSS}
ORDER_TYPES = {t.value: t for t in OrderType}


_TARGET_ACTIONS = {
    MarketPosition.LONG: Action.BUY,
    MarketPosition.SHORT: Action.SELL,
    MarketPosition.FLAT: Action.CLOSE,
}

# A signal is one flat object; a little nesting is tolerated for tools that wrap it.
MAX_DEPTH = 8


@dataclass(frozen=True)
class Defaults:
    venue: Venue = Venue.BINGX
    account: str = "default"


def read_json(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object with lower-cased keys."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SignalError("body", "must be UTF-8 text holding one JSON object") from None
    if not text.strip():
        raise SignalError("body", 'is empty; expected one JSON object, e.g. {"action": "buy", ...}')
    # No more brackets than the limit in all: no deeper than it either (a flat signal has one).
    if text.count("{") + text.count("[") > MAX_DEPTH and _nesting(text) > MAX_DEPTH:
        raise SignalError("body", f"is nested more than {MAX_DEPTH} levels deep; a signal is one flat object")
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except SignalError:
        raise
    except RecursionError:
        raise SignalError("body", "is nested too deeply") from None
    except ValueError as exc:
        hint = ""
        if "{{" in text:
            hint = " (a TradingView placeholder outside quotes must expand to a number)"
        raise SignalError("body", f"is not valid JSON: {exc.args[0] if exc.args else exc}{hint}") from None
    if not isinstance(data, dict):
        raise SignalError("body", f"must be a JSON object, got {type(data).__name__}")
    return {str(k).strip().lower(): v for k, v in data.items()}


def _nesting(text: str) -> int:
    """The deepest bracket nesting outside strings, found before the parser has to recurse."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _reject_constant(name: str) -> Any:
    raise SignalError("body", f"{name} is not a number a signal may carry")


def parse_signal(
    body: Mapping[str, Any],
    defaults: Defaults,
    *,
    received_at: datetime | None = None,
) -> Signal:
    market_position: MarketPosition | None = read_choice(body, "market_position", MARKET_POSITIONS)
    action_field = "action" if "action" in body else "accion"
    # A target ({{strategy.market_position}}) says where to be; the action is then only a label.
    action = read_choice(body, action_field, ACTIONS, required=market_position is None, label="action")
    if action is None:
        assert market_position is not None  # _choice demanded an action without one
        action = _TARGET_ACTIONS[market_position]
    symbol_field = "ticker" if "ticker" in body else "symbol"
    symbol_text = read_string(body, symbol_field, required=True, label="ticker") or ""
    try:
        symbol = canonical_symbol(symbol_text)
    except ValueError as exc:
        raise SignalError(symbol_field, str(exc)) from None

    venue = read_choice(body, "exchange", VENUES) or defaults.venue
    account = read_string(body, "account") or defaults.account

    updating = action is Action.UPDATE
    if updating:
        _check_update(body, market_position)
        size_kind, size = None, None
    else:
        size_kind, size = _entry_size(body, action, market_position)

    order_type = read_choice(body, "order_type", ORDER_TYPES) or OrderType.MARKET
    price = read_positive(body, "price")
    if order_type is OrderType.LIMIT and price is None:
        raise SignalError("price", "a limit order needs a price greater than zero")

    leverage = _leverage(body)
    levels = read_levels(body, venue)
    opening = not updating and (
        market_position in (MarketPosition.LONG, MarketPosition.SHORT)
        or (
            market_position is None
            and action in (Action.BUY, Action.SELL)
            and not read_flag(body, "reduce_only")
        )
    )
    guarded = levels.first
    if updating and guarded is None:
        raise SignalError(
            action_field,
            "update replaces the open position's take-profit and stop orders: give the new ones "
            "(take_profit, tp_pct, stop_loss, sl_pct or trailing_pct)",
        )
    if guarded is not None and not (opening or updating):
        raise SignalError(
            guarded,
            "take-profit, stop-loss and trailing stops go with a signal that opens a position "
            "(buy, sell or a long/short target), or with update",
        )

    if size_kind is not None and size_kind in RISK_SIZES:
        _check_risk_size(size_kind, opening=opening, stopped=levels.stopped)

    signal_id, explicit = _signal_id(body)
    return Signal(
        signal_id=signal_id,
        venue=venue,
        account=account,
        symbol=symbol,
        action=action,
        size_kind=size_kind,
        size=size,
        market_position=market_position,
        leverage=leverage,
        margin_mode=read_choice(body, "margin_mode", MARGIN_MODES),
        order_type=order_type,
        price=price,
        take_profit=levels.take_profit,
        stop_loss=levels.stop_loss,
        tp_pct=levels.tp_pct,
        sl_pct=levels.sl_pct,
        trailing_pct=levels.trailing_pct,
        trailing_activation=levels.trailing_activation,
        trailing_activation_pct=levels.trailing_activation_pct,
        take_profits=levels.take_profits,
        breakeven_after=levels.after_fills.breakeven_after,
        breakeven_offset_pct=levels.after_fills.breakeven_offset_pct,
        trail_after=levels.after_fills.trail_after,
        reduce_only=read_flag(body, "reduce_only"),
        fired_at=read_time(body, "time"),
        received_at=received_at,
        test=read_flag(body, "test"),
        strategy=read_string(body, "strategy") or "",
        explicit_id=explicit,
        alert_price=read_positive(body, "alert_price"),
    )


def _entry_size(
    body: Mapping[str, Any], action: Action, market_position: MarketPosition | None
) -> tuple[SizeKind | None, Decimal | None]:
    """The size of anything but an update: a target's position, or what to trade."""
    size_kind, size = _size(body, allow_zero=market_position is MarketPosition.FLAT)
    if market_position is MarketPosition.FLAT:
        return None, None  # flat is flat, whatever size came with it
    if market_position is not None and size is None:
        raise SignalError(
            "quantity",
            f"a {market_position} target needs the position size, e.g. {{{{strategy.market_position_size}}}}",
        )
    if size is None and market_position is None and action in (Action.BUY, Action.SELL):
        raise SignalError(
            "quantity",
            f"'{action.value}' needs exactly one size: quantity (coins), balance (USDT margin), "
            "balance_pct, position_pct, risk_pct or risk_usdt",
        )
    return size_kind, size


# With update these belong to an entry: it replaces the protective orders of the position there is.
_ENTRY_ONLY = ("breakeven_after", "trail_after", "leverage", "margin_mode")


def _check_update(body: Mapping[str, Any], market_position: MarketPosition | None) -> None:
    """An update's market_position is no target: it says which side's position (hedge mode)."""
    if market_position is MarketPosition.FLAT:
        raise SignalError(
            "market_position", "with update it names the position to protect: long or short, not flat"
        )
    sized = next((name for name in SIZE_FIELDS if body.get(name) is not None), None)
    if sized is not None:
        raise SignalError(sized, "update changes the position's take-profit and stop orders, not its size")
    if read_choice(body, "order_type", ORDER_TYPES) is OrderType.LIMIT or body.get("price") is not None:
        field = "price" if body.get("price") is not None else "order_type"
        raise SignalError(field, "update places trigger orders only: no limit order and no price")
    entry_only = next((name for name in _ENTRY_ONLY if body.get(name) is not None), None)
    if entry_only is not None:
        raise SignalError(
            entry_only, "goes only with an entry (buy, sell or a long/short target), not with update"
        )


def _size(body: Mapping[str, Any], *, allow_zero: bool = False) -> tuple[SizeKind | None, Decimal | None]:
    given = [name for name in SIZE_FIELDS if body.get(name) is not None]
    if len(given) > 1:
        raise SignalError(given[1], f"give exactly one size; got {', '.join(given)}")
    if not given:
        return None, None
    field = given[0]
    if allow_zero:
        number = read_number(body, field)
        if number is not None and number < 0:
            raise SignalError(field, f"must not be negative, got {number}")
        return SIZE_FIELDS[field], number
    value = read_positive(body, field)
    kind = SIZE_FIELDS[field]
    if kind in _PERCENT_SIZES and value is not None and value > 100:
        raise SignalError(field, f"is a percentage and must be at most 100, got {value}")
    return kind, value


def _check_risk_size(kind: SizeKind, *, opening: bool, stopped: bool) -> None:
    if not opening:
        raise SignalError(
            kind.value, "sizes an entry by its stop: use it with buy, sell or a long/short target"
        )
    if not stopped:
        raise SignalError(
            kind.value,
            "sizing by risk needs a stop: give stop_loss (a price) or sl_pct (percent from the fill)",
        )


def _leverage(body: Mapping[str, Any]) -> int | None:
    raw = body.get("leverage")
    if isinstance(raw, str) and raw.strip().lower().endswith("x"):
        raw = raw.strip()[:-1]
        body = {**body, "leverage": raw}
    number = read_whole(body, "leverage")
    if number is not None and number > MAX_LEVERAGE:
        raise SignalError("leverage", f"must be a whole number from 1 to {MAX_LEVERAGE}, got {number}")
    return number


def _signal_id(body: Mapping[str, Any]) -> tuple[str, bool]:
    text = read_string(body, "id")
    if not text:
        return uuid.uuid4().hex, False
    if len(text) > MAX_ID_LENGTH or not _ID_RE.match(text):
        raise SignalError("id", f"must be 1-{MAX_ID_LENGTH} printable characters without spaces")
    return text, True
