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
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from common.symbols import canonical_symbol
from common.trailing import callback_problem
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
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


class SignalError(Exception):
    """The body is not a signal we can trade: names the field and what was expected."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


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
    if _nesting(text) > MAX_DEPTH:
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
    market_position: MarketPosition | None = _choice(body, "market_position", MARKET_POSITIONS)
    action_field = "action" if "action" in body else "accion"
    # A target ({{strategy.market_position}}) says where to be; the action is then only a label.
    action = _choice(body, action_field, ACTIONS, required=market_position is None, label="action")
    if action is None:
        assert market_position is not None  # _choice demanded an action without one
        action = _TARGET_ACTIONS[market_position]
    symbol_field = "ticker" if "ticker" in body else "symbol"
    symbol_text = _string(body, symbol_field, required=True, label="ticker") or ""
    try:
        symbol = canonical_symbol(symbol_text)
    except ValueError as exc:
        raise SignalError(symbol_field, str(exc)) from None

    venue = _choice(body, "exchange", VENUES) or defaults.venue
    account = _string(body, "account") or defaults.account

    size_kind, size = _size(body, allow_zero=market_position is MarketPosition.FLAT)
    if market_position is MarketPosition.FLAT:
        size_kind, size = None, None  # flat is flat, whatever size came with it
    elif market_position is not None and size is None:
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

    order_type = _choice(body, "order_type", ORDER_TYPES) or OrderType.MARKET
    price = _positive(body, "price")
    if order_type is OrderType.LIMIT and price is None:
        raise SignalError("price", "a limit order needs a price greater than zero")

    leverage = _leverage(body)
    tp_pct = _positive(body, "tp_pct")
    sl_pct = _positive(body, "sl_pct")
    if sl_pct is not None and sl_pct >= 100:
        raise SignalError("sl_pct", "must be below 100 (percent from the fill)")
    take_profit = _positive(body, "take_profit")
    stop_loss = _positive(body, "stop_loss")
    for price_field, pct_field, price_value, pct_value in (
        ("take_profit", "tp_pct", take_profit, tp_pct),
        ("stop_loss", "sl_pct", stop_loss, sl_pct),
    ):
        if price_value is not None and pct_value is not None:
            raise SignalError(
                pct_field, f"give {price_field} (a price) or {pct_field} (percent from the fill), not both"
            )
    trail = _trailing(body, venue)
    guarded = next(
        (
            name
            for name, value in (
                ("take_profit", take_profit),
                ("stop_loss", stop_loss),
                ("tp_pct", tp_pct),
                ("sl_pct", sl_pct),
                *trail.given(),
            )
            if value is not None
        ),
        None,
    )
    opening = market_position in (MarketPosition.LONG, MarketPosition.SHORT) or (
        market_position is None and action in (Action.BUY, Action.SELL) and not _bool(body, "reduce_only")
    )
    if guarded is not None and not opening:
        raise SignalError(
            guarded,
            "take-profit, stop-loss and trailing stops go with a signal that opens a position "
            "(buy, sell or a long/short target)",
        )

    if size_kind is not None and size_kind in RISK_SIZES:
        _check_risk_size(size_kind, opening=opening, stopped=stop_loss is not None or sl_pct is not None)

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
        margin_mode=_choice(body, "margin_mode", MARGIN_MODES),
        order_type=order_type,
        price=price,
        take_profit=take_profit,
        stop_loss=stop_loss,
        tp_pct=tp_pct,
        sl_pct=sl_pct,
        trailing_pct=trail.pct,
        trailing_activation=trail.activation,
        trailing_activation_pct=trail.activation_pct,
        reduce_only=_bool(body, "reduce_only"),
        fired_at=_time(body, "time"),
        received_at=received_at,
        test=_bool(body, "test"),
        strategy=_string(body, "strategy") or "",
        explicit_id=explicit,
    )


# -- field readers ---------------------------------------------------------------


def _placeholder(field: str, value: Any) -> None:
    if isinstance(value, str) and "{{" in value and "}}" in value:
        raise SignalError(
            field,
            f"holds the TradingView placeholder {value!r}, which was not replaced; check the alert message",
        )


def _string(body: Mapping[str, Any], field: str, *, required: bool = False, label: str = "") -> str | None:
    value = body.get(field)
    if value is None:
        if required:
            raise SignalError(label or field, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise SignalError(field, f"must be a string, got {type(value).__name__}")
    _placeholder(field, value)
    text = str(value).strip()
    if required and not text:
        raise SignalError(label or field, "must not be empty")
    return text


def _choice(
    body: Mapping[str, Any],
    field: str,
    choices: Mapping[str, Any],
    *,
    required: bool = False,
    label: str = "",
) -> Any:
    text = _string(body, field, required=required, label=label)
    if text is None:
        return None
    key = text.lower().replace(" ", "_").replace("-", "_")
    if key not in choices:
        allowed = ", ".join(sorted(set(choices)))
        raise SignalError(field, f"{text!r} is not one of: {allowed}")
    return choices[key]


def _number(body: Mapping[str, Any], field: str) -> Decimal | None:
    value = body.get(field)
    if value is None:
        return None
    _placeholder(field, value)
    if isinstance(value, bool):
        raise SignalError(field, "must be a number, got true/false")
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except ArithmeticError:
            raise SignalError(field, f"must be a number, got {value!r}") from None
    else:
        raise SignalError(field, f"must be a number, got {type(value).__name__}")
    if not number.is_finite():
        raise SignalError(field, "must be a finite number")
    return number


def _positive(body: Mapping[str, Any], field: str) -> Decimal | None:
    number = _number(body, field)
    if number is not None and number <= 0:
        raise SignalError(field, f"must be greater than zero, got {number}")
    return number


def _size(body: Mapping[str, Any], *, allow_zero: bool = False) -> tuple[SizeKind | None, Decimal | None]:
    given = [name for name in SIZE_FIELDS if body.get(name) is not None]
    if len(given) > 1:
        raise SignalError(given[1], f"give exactly one size; got {', '.join(given)}")
    if not given:
        return None, None
    field = given[0]
    if allow_zero:
        number = _number(body, field)
        if number is not None and number < 0:
            raise SignalError(field, f"must not be negative, got {number}")
        return SIZE_FIELDS[field], number
    value = _positive(body, field)
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


@dataclass(frozen=True)
class _Trail:
    pct: Decimal | None = None
    activation: Decimal | None = None
    activation_pct: Decimal | None = None

    def given(self) -> tuple[tuple[str, Decimal | None], ...]:
        return (
            ("trailing_pct", self.pct),
            ("trailing_activation", self.activation),
            ("trailing_activation_pct", self.activation_pct),
        )


def _trailing(body: Mapping[str, Any], venue: Venue) -> _Trail:
    """A trailing stop: its callback in percent, within the venue's limits, and where it starts."""
    pct = _positive(body, "trailing_pct")
    activation = _positive(body, "trailing_activation")
    activation_pct = _positive(body, "trailing_activation_pct")
    if activation is not None and activation_pct is not None:
        raise SignalError(
            "trailing_activation_pct",
            "give trailing_activation (a price) or trailing_activation_pct (percent from the fill), not both",
        )
    if pct is None:
        if activation is not None or activation_pct is not None:
            field = "trailing_activation" if activation is not None else "trailing_activation_pct"
            raise SignalError(field, "starts a trailing stop: give its callback too, trailing_pct")
        return _Trail()
    problem = callback_problem(venue, pct)
    if problem is not None:
        raise SignalError("trailing_pct", problem)
    return _Trail(pct, activation, activation_pct)


def _leverage(body: Mapping[str, Any]) -> int | None:
    raw = body.get("leverage")
    if isinstance(raw, str) and raw.strip().lower().endswith("x"):
        raw = raw.strip()[:-1]
        body = {**body, "leverage": raw}
    number = _positive(body, "leverage")
    if number is None:
        return None
    if number != number.to_integral_value() or number > MAX_LEVERAGE:
        raise SignalError("leverage", f"must be a whole number from 1 to {MAX_LEVERAGE}, got {number}")
    return int(number)


def _bool(body: Mapping[str, Any], field: str) -> bool:
    value = body.get(field)
    if value is None or isinstance(value, bool):
        return bool(value)
    _placeholder(field, value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SignalError(field, f"must be true or false, got {value!r}")


def _time(body: Mapping[str, Any], field: str) -> datetime | None:
    value = body.get(field)
    if value is None or value == "":
        return None
    _placeholder(field, value)
    if isinstance(value, bool):
        raise SignalError(field, "must be an ISO-8601 time such as TradingView's {{timenow}}")
    if isinstance(value, int | Decimal) or (isinstance(value, str) and value.strip().isdigit()):
        epoch = Decimal(str(value).strip())
        # Millisecond epochs are 13 digits today; second epochs 10.
        seconds = epoch / 1000 if epoch > 10**11 else epoch
        try:
            return datetime.fromtimestamp(float(seconds), tz=UTC)
        except (OverflowError, ValueError, OSError):
            raise SignalError(field, f"{value} is not a valid epoch time") from None
    if not isinstance(value, str):
        raise SignalError(field, "must be an ISO-8601 time such as TradingView's {{timenow}}")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise SignalError(field, f"{value!r} is not an ISO-8601 time such as 2024-05-01T12:00:00Z") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _signal_id(body: Mapping[str, Any]) -> tuple[str, bool]:
    text = _string(body, "id")
    if not text:
        return uuid.uuid4().hex, False
    if len(text) > MAX_ID_LENGTH or not _ID_RE.match(text):
        raise SignalError("id", f"must be 1-{MAX_ID_LENGTH} printable characters without spaces")
    return text, True
