"""The alert message as a JSON Schema, for the OpenAPI document (the parser is the real judge)."""

from __future__ import annotations

from typing import Any

from common.trading import MAX_TAKE_PROFITS

_NUMBER: dict[str, Any] = {"anyOf": [{"type": "number"}, {"type": "string"}]}
_WHOLE: dict[str, Any] = {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string"}]}
_LEVEL: dict[str, Any] = {
    "type": "object",
    "properties": {"price": _NUMBER, "pct": _NUMBER, "size_pct": _NUMBER},
    "required": ["size_pct"],
    "additionalProperties": False,
}

SIGNAL: dict[str, Any] = {
    "type": "object",
    "required": ["ticker", "passphrase"],
    "properties": {
        "passphrase": {"type": "string"},
        "action": {
            "type": "string",
            "enum": [
                *("buy", "long", "sell", "short", "close", "exit", "flat", "close_long", "close_short"),
                "update",
            ],
        },
        "accion": {"type": "string"},
        "ticker": {"type": "string", "examples": ["BTCUSDT", "BINANCE:BTCUSDT.P", "BTC/USDT"]},
        "symbol": {"type": "string"},
        "exchange": {"type": "string", "enum": ["bingx", "binance"]},
        "account": {"type": "string"},
        "strategy": {"type": "string"},
        "quantity": _NUMBER,
        "qty": _NUMBER,
        "contracts": _NUMBER,
        "balance": _NUMBER,
        "balance_pct": _NUMBER,
        "position_pct": _NUMBER,
        "risk_pct": _NUMBER,
        "risk_usdt": _NUMBER,
        "market_position": {"type": "string", "enum": ["long", "short", "flat"]},
        "leverage": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        "margin_mode": {"type": "string", "enum": ["isolated", "cross"]},
        "order_type": {"type": "string", "enum": ["market", "limit"]},
        "price": _NUMBER,
        "take_profit": {
            "anyOf": [
                {"type": "number"},
                {"type": "string"},
                {"type": "array", "items": _LEVEL, "minItems": 1, "maxItems": MAX_TAKE_PROFITS},
            ]
        },
        "stop_loss": _NUMBER,
        "tp_pct": _NUMBER,
        "sl_pct": _NUMBER,
        "trailing_pct": _NUMBER,
        "trailing_activation": _NUMBER,
        "trailing_activation_pct": _NUMBER,
        "breakeven_after": _WHOLE,
        "breakeven_offset_pct": _NUMBER,
        "trail_after": _WHOLE,
        "reduce_only": {"type": "boolean"},
        "id": {"type": "string"},
        "time": {"type": "string"},
        "test": {"type": "boolean"},
    },
}

WEBHOOK_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": SIGNAL},
            # TradingView sends text/plain unless the message is valid JSON.
            "text/plain": {"schema": {"type": "string"}},
        },
    }
}
