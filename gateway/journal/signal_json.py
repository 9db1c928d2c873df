"""The journal's own JSON form of a signal (the `signals.normalized` column).

It is ours, not the executor's wire format, so the proto can change without rewriting the
journal. Keys are snake_case, words are the lower-case values of our enums, decimals are
plain strings (never floats), times are ISO 8601 in UTC to the microsecond, and every key is
always written. `v` numbers the form: a reader meeting a form it does not know refuses it
rather than guessing. Keys added to the form later (`TRAILING`, `EXITS`, `alert_price`) are
read as their defaults (null, or no take-profit ladder) when a row written before them lacks
them.

    {"v": 1, "signal_id": "tv-42", "venue": "bingx", "account": "default",
     "symbol": "BTC-USDT", "action": "buy", "size_kind": "quantity", "size": "0.01",
     "market_position": null, "leverage": 5, "margin_mode": "isolated", "order_type": "market",
     "price": null, "take_profit": null, "stop_loss": null, "tp_pct": null, "sl_pct": null,
     "trailing_pct": "1", "trailing_activation": null, "trailing_activation_pct": "2",
     "take_profits": [{"price": null, "pct": "3", "size_pct": "50"}], "breakeven_after": 1,
     "breakeven_offset_pct": "0.1", "trail_after": null, "reduce_only": false,
     "fired_at": "2024-05-01T12:00:00.000000Z", "received_at": "2024-05-01T12:00:00.210518Z",
     "test": false, "strategy": "ema-cross", "explicit_id": true, "alert_price": "61250.5"}
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from common.decimals import parse_decimal, plain
from common.trading import TakeProfitLevel
from gateway.core.signal import Action, MarginMode, MarketPosition, OrderType, Signal, SizeKind, Venue

VERSION = 1
_PRICES = ("price", "take_profit", "stop_loss", "tp_pct", "sl_pct")
# A trailing stop's terms, added to form 1 after its first rows were written.
TRAILING = ("trailing_pct", "trailing_activation", "trailing_activation_pct")
# A take-profit ladder and what its fills set off, added to form 1 after the trailing terms.
EXITS = ("take_profits", "breakeven_after", "breakeven_offset_pct", "trail_after")
_LEVEL = ("price", "pct", "size_pct")

E = TypeVar("E", bound=StrEnum)


def to_dict(signal: Signal) -> dict[str, Any]:
    return {
        "v": VERSION,
        "signal_id": signal.signal_id,
        "venue": signal.venue.value,
        "account": signal.account,
        "symbol": signal.symbol,
        "action": signal.action.value,
        "size_kind": _word(signal.size_kind),
        "size": _decimal(signal.size),
        "market_position": _word(signal.market_position),
        "leverage": signal.leverage,
        "margin_mode": _word(signal.margin_mode),
        "order_type": signal.order_type.value,
        **{name: _decimal(getattr(signal, name)) for name in _PRICES + TRAILING},
        "take_profits": [
            {key: _decimal(getattr(level, key)) for key in _LEVEL} for level in signal.take_profits
        ],
        "breakeven_after": signal.breakeven_after,
        "breakeven_offset_pct": _decimal(signal.breakeven_offset_pct),
        "trail_after": signal.trail_after,
        "reduce_only": signal.reduce_only,
        "fired_at": _time(signal.fired_at),
        "received_at": _time(signal.received_at),
        "test": signal.test,
        "strategy": signal.strategy,
        "explicit_id": signal.explicit_id,
        "alert_price": _decimal(signal.alert_price),
    }


def dumps(signal: Signal) -> str:
    return json.dumps(to_dict(signal), separators=(",", ":"))


def from_dict(data: dict[str, Any]) -> Signal:
    if data.get("v") != VERSION:
        raise ValueError(f"a journalled signal of form {data.get('v')!r}; this gateway reads form {VERSION}")
    try:
        return Signal(
            signal_id=str(data["signal_id"]),
            venue=Venue(data["venue"]),
            account=str(data["account"]),
            symbol=str(data["symbol"]),
            action=Action(data["action"]),
            size_kind=_enum(SizeKind, data["size_kind"]),
            size=_parse_decimal(data["size"]),
            market_position=_enum(MarketPosition, data["market_position"]),
            leverage=_whole(data["leverage"], "leverage"),
            margin_mode=_enum(MarginMode, data["margin_mode"]),
            order_type=OrderType(data["order_type"]),
            **{name: _parse_decimal(data[name]) for name in _PRICES},
            **{name: _parse_decimal(data.get(name)) for name in (*TRAILING, "breakeven_offset_pct")},
            take_profits=_ladder(data.get("take_profits", [])),
            breakeven_after=_whole(data.get("breakeven_after"), "take-profit number"),
            trail_after=_whole(data.get("trail_after"), "take-profit number"),
            reduce_only=_flag(data["reduce_only"]),
            fired_at=_parse_time(data["fired_at"]),
            received_at=_parse_time(data["received_at"]),
            test=_flag(data["test"]),
            strategy=str(data["strategy"]),
            explicit_id=_flag(data["explicit_id"]),
            alert_price=_parse_decimal(data.get("alert_price")),
        )
    except KeyError as exc:
        raise ValueError(f"a journalled signal without {exc.args[0]!r}") from None


def loads(text: str) -> Signal:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("a journalled signal is a JSON object")
    return from_dict(data)


def _word(value: StrEnum | None) -> str | None:
    return value.value if value is not None else None


def _decimal(value: Decimal | None) -> str | None:
    return plain(value) if value is not None else None


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _enum(kind: Callable[[Any], E], value: Any) -> E | None:
    return kind(value) if value is not None else None


def _parse_decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"a journalled decimal is a string, got {value!r}")
    return parse_decimal(value)


def _whole(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"a journalled {what} is a whole number, got {value!r}")
    return value


def _ladder(value: Any) -> tuple[TakeProfitLevel, ...]:
    if not isinstance(value, list) or not all(isinstance(level, dict) for level in value):
        raise ValueError(f"a journalled take-profit ladder is a list of levels, got {value!r}")
    levels = []
    for level in value:
        size_pct = _parse_decimal(level["size_pct"])
        if size_pct is None:
            raise ValueError(f"a journalled take-profit level has a size_pct, got {level!r}")
        levels.append(
            TakeProfitLevel(
                size_pct=size_pct, price=_parse_decimal(level["price"]), pct=_parse_decimal(level["pct"])
            )
        )
    return tuple(levels)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"a journalled flag is true or false, got {value!r}")
    return value


def _parse_time(value: Any) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise ValueError(f"a journalled time names its zone, got {value!r}")
    return parsed.astimezone(UTC)
