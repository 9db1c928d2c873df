"""What the journal records and returns: the shapes its callers build and read."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

FINAL = ("executed", "rejected", "failed", "expired")
PENDING = "pending"


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class NewSignal:
    signal_id: str
    status: str  # pending, or rejected when the gateway refused it
    body: str
    received_ms: int
    venue: str = ""
    account: str = ""
    symbol: str = ""
    action: str = ""
    strategy: str = ""
    test: bool = False
    normalized: str | None = None
    fired_ms: int | None = None
    expires_ms: int | None = None
    dedupe_key: str | None = None
    dedupe_until_ms: int | None = None
    # Count attempt 1 in the admitting transaction: the executor is connected and the signal
    # goes out next, so the commit that numbers the attempt is saved from the answer's path.
    first_attempt: bool = False
    error_code: str | None = None
    reason: str | None = None
    result: dict[str, Any] | None = None


@dataclass(frozen=True)
class Admission:
    new: bool
    row: dict[str, Any]


@dataclass(frozen=True)
class Trade:
    venue: str
    symbol: str
    side: str
    quantity: str
    price: str
    order_id: str
    purpose: str


@dataclass(frozen=True)
class OrderLink:
    """An order a signal placed: how the ledger finds a fill's signal."""

    venue: str
    account: str
    order_id: str
    client_order_id: str
    purpose: str
    venue_symbol: str = ""


@dataclass(frozen=True)
class Outcome:
    status: str
    result: dict[str, Any]
    error_code: str | None = None
    reason: str | None = None
    executor_ms: int | None = None
    venue_ms: int | None = None
    trades: list[Trade] = field(default_factory=list)
    links: list[OrderLink] = field(default_factory=list)  # every order of the answer, traded or not
    finished_ms: int | None = None  # when it was decided; now by default
