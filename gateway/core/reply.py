"""What the gateway's core answers a caller, before any transport: a body, and whether it is a
decided outcome, a promise (recorded, outcome pending) or a refusal of a given error class.
The HTTP edge (gateway/api/errors.py) turns it into a status code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common.errors import ErrorClass


@dataclass(frozen=True)
class Reply:
    body: dict[str, Any]
    error: ErrorClass | None = None  # a refusal of this class
    pending: bool = False  # recorded; the outcome is not known yet


def error_body(error_class: ErrorClass, message: str, *, field: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": error_class.value, "message": message}
    if field is not None:
        error["field"] = field
    return {"error": error}


def error_reply(error_class: ErrorClass, message: str, *, field: str | None = None) -> Reply:
    return Reply(error_body(error_class, message, field=field), error=error_class)
