"""Reading one field of a webhook body: what it must be, and the error that names it.

Every reader refuses a TradingView placeholder left unreplaced, so the trader learns the alert
message is wrong rather than a number is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


class SignalError(Exception):
    """The body is not a signal we can trade: names the field and what was expected."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def refuse_placeholder(field: str, value: Any) -> None:
    if isinstance(value, str) and "{{" in value and "}}" in value:
        raise SignalError(
            field,
            f"holds the TradingView placeholder {value!r}, which was not replaced; check the alert message",
        )


def read_string(
    body: Mapping[str, Any], field: str, *, required: bool = False, label: str = ""
) -> str | None:
    value = body.get(field)
    if value is None:
        if required:
            raise SignalError(label or field, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise SignalError(field, f"must be a string, got {type(value).__name__}")
    refuse_placeholder(field, value)
    text = str(value).strip()
    if required and not text:
        raise SignalError(label or field, "must not be empty")
    return text


def read_choice(
    body: Mapping[str, Any],
    field: str,
    choices: Mapping[str, Any],
    *,
    required: bool = False,
    label: str = "",
) -> Any:
    text = read_string(body, field, required=required, label=label)
    if text is None:
        return None
    key = text.lower().replace(" ", "_").replace("-", "_")
    if key not in choices:
        allowed = ", ".join(sorted(set(choices)))
        raise SignalError(field, f"{text!r} is not one of: {allowed}")
    return choices[key]


def read_number(body: Mapping[str, Any], field: str) -> Decimal | None:
    return as_number(field, body.get(field))


def as_number(field: str, value: Any) -> Decimal | None:
    """`value` as a number, named `field` in a refusal: for values that are not a body's own
    fields, such as one level of a take-profit ladder."""
    if value is None:
        return None
    refuse_placeholder(field, value)
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


def read_positive(body: Mapping[str, Any], field: str) -> Decimal | None:
    return as_positive(field, body.get(field))


def as_positive(field: str, value: Any) -> Decimal | None:
    number = as_number(field, value)
    if number is not None and number <= 0:
        raise SignalError(field, f"must be greater than zero, got {number}")
    return number


def read_whole(body: Mapping[str, Any], field: str) -> int | None:
    """A whole number of at least 1 ("2" and 2.0 are 2)."""
    number = read_positive(body, field)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise SignalError(field, f"must be a whole number, got {number}")
    return int(number)


def read_flag(body: Mapping[str, Any], field: str) -> bool:
    value = body.get(field)
    if value is None or isinstance(value, bool):
        return bool(value)
    refuse_placeholder(field, value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SignalError(field, f"must be true or false, got {value!r}")


def read_time(body: Mapping[str, Any], field: str) -> datetime | None:
    value = body.get(field)
    if value is None or value == "":
        return None
    refuse_placeholder(field, value)
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
