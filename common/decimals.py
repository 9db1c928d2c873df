"""Decimal helpers: plain notation on the wire, strict parsing at the edges."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

# One decoder, built once: `json.loads(text, parse_float=Decimal)` builds a new one on every
# call. Shared between threads as the standard library shares its own default decoder.
_DECIMAL_JSON = json.JSONDecoder(parse_float=Decimal)


def plain(value: Decimal) -> str:
    """`Decimal('1E+1')` -> '10', `Decimal('0.0100')` -> '0.01': no exponent, no trailing zeros."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def plain_or_empty(value: Decimal | None) -> str:
    """`plain`, or "" for a value not given: how an optional decimal travels in protobuf."""
    return plain(value) if value is not None else ""


def parse_decimal(text: str | int | float | Decimal) -> Decimal:
    """Parse a finite decimal; floats go through their shortest repr, never their binary value."""
    try:
        value = Decimal(repr(text)) if isinstance(text, float) else Decimal(text)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not a decimal number: {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not a finite number: {text!r}")
    return value


def decimal_json(text: str) -> Any:
    """JSON with every fraction read as a Decimal, never through a float; ValueError if it is none."""
    return _DECIMAL_JSON.decode(text)
