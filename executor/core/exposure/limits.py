"""The account's exposure limits, and each strategy's own (the README's "Risk limits").

Each limit holds per (venue, account). A strategy named in `RISK_STRATEGY_LIMITS` gets its own
values: its open positions, daily loss and losing streak are counted over its own positions and
trades, beside the account's (a strategy cannot loosen the account's caps), and a breach of its
own daily loss or streak pauses that strategy only; its trading hours and cooldown replace the
account's for its signals (a crypto strategy may trade the weekend the account's default does
not). A strategy's position is one its entry opened.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from common.risk_memory import MAX_CONSECUTIVE_LOSSES
from executor.core.exposure.hours import TradingHours, parse_hours

# The settings' names: what refusals quote and what a strategy's entry is written in.
MAX_OPEN_POSITIONS = "RISK_MAX_OPEN_POSITIONS"
MAX_DAILY_LOSS = "RISK_MAX_DAILY_LOSS_USDT"
COOLDOWN_AFTER_STOP = "RISK_COOLDOWN_AFTER_STOP_S"
TRADING_HOURS = "RISK_TRADING_HOURS"
NAMES = (MAX_OPEN_POSITIONS, MAX_DAILY_LOSS, MAX_CONSECUTIVE_LOSSES, COOLDOWN_AFTER_STOP, TRADING_HOURS)


@dataclass(frozen=True)
class ExposureLimits:
    """One scope's limits; None is no limit."""

    max_open_positions: int | None = None
    max_daily_loss: Decimal | None = None  # USDT: realised today plus open unrealised loss
    max_consecutive_losses: int | None = None
    cooldown_after_stop_s: float | None = None  # entries on a symbol after its stop was hit
    trading_hours: TradingHours | None = None

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self))


@dataclass(frozen=True)
class StrategyLimits:
    """A strategy's own counted limits and the per-signal rules that apply to its signals."""

    own: ExposureLimits  # open positions, daily loss, streak: counted over the strategy
    hours: TradingHours | None  # the account's unless the strategy names its own
    cooldown_s: float | None


@dataclass(frozen=True)
class RiskPlan:
    """The account's limits and each strategy's; strategy names are case-insensitive."""

    account: ExposureLimits = field(default_factory=ExposureLimits)
    strategies: Mapping[str, ExposureLimits] = field(default_factory=dict)
    # Which per-signal rules each strategy named (a named null lifts the account's for it).
    named: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return self.account.any or any(s.any for s in self.strategies.values()) or bool(self.named)

    def for_strategy(self, strategy: str) -> StrategyLimits:
        key = strategy.lower()
        own = self.strategies.get(key, ExposureLimits())
        named = self.named.get(key, frozenset())
        return StrategyLimits(
            ExposureLimits(own.max_open_positions, own.max_daily_loss, own.max_consecutive_losses),
            own.trading_hours if TRADING_HOURS in named else self.account.trading_hours,
            own.cooldown_after_stop_s if COOLDOWN_AFTER_STOP in named else self.account.cooldown_after_stop_s,
        )


def parse_limits(values: Mapping[str, Any], where: str) -> ExposureLimits:
    """Limits from settings' names (any case) to values; raises ValueError naming `where`."""
    known = {name.lower(): name for name in NAMES}
    read: dict[str, Any] = {}
    for key, value in values.items():
        name = known.get(str(key).lower()) or known.get(f"risk_{str(key).lower()}")
        if name is None:
            raise ValueError(f"{where}: {key!r} is no limit (one of {', '.join(NAMES)})")
        read[name] = None if value in (None, "") else value
    try:
        return ExposureLimits(
            max_open_positions=_count(read.get(MAX_OPEN_POSITIONS), MAX_OPEN_POSITIONS),
            max_daily_loss=_amount(read.get(MAX_DAILY_LOSS)),
            max_consecutive_losses=_count(read.get(MAX_CONSECUTIVE_LOSSES), MAX_CONSECUTIVE_LOSSES),
            cooldown_after_stop_s=_seconds(read.get(COOLDOWN_AFTER_STOP)),
            trading_hours=parse_hours(str(read.get(TRADING_HOURS) or "")),
        )
    except (ValueError, InvalidOperation) as exc:
        raise ValueError(f"{where}: {exc}") from exc


def parse_strategy_limits(text: str, account: ExposureLimits, where: str) -> RiskPlan:
    """`{"strategy": {"RISK_MAX_OPEN_POSITIONS": 1, ...}, ...}` (a JSON object) over `account`."""
    if not text.strip():
        return RiskPlan(account)
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where} is not JSON: {exc.msg} at line {exc.lineno}") from exc
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise ValueError(f"{where}: write an object of strategy names, each an object of limits")
    strategies: dict[str, ExposureLimits] = {}
    named: dict[str, frozenset[str]] = {}
    for name, values in raw.items():
        key = str(name).strip().lower()
        if not key or key in strategies:
            raise ValueError(f"{where}: strategy {name!r} is empty or named twice")
        strategies[key] = parse_limits(values, f"{where}, strategy {name!r}")
        named[key] = frozenset(n for n in NAMES if any(_same(n, k) for k in values))
    return RiskPlan(account, strategies, named)


def _same(name: str, key: str) -> bool:
    return key.lower() in (name.lower(), name.lower().removeprefix("risk_"))


def _count(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    number = int(value)
    if number < 0:
        raise ValueError(f"{name} must not be negative")
    return number


def _amount(value: Any) -> Decimal | None:
    if value is None:
        return None
    amount = Decimal(str(value))
    if not amount.is_finite() or amount <= 0:
        raise ValueError(f"{MAX_DAILY_LOSS} must be a positive amount, not {value!r}")
    return amount


def _seconds(value: Any) -> float | None:
    if value is None:
        return None
    seconds = float(value)
    if seconds < 0:
        raise ValueError(f"{COOLDOWN_AFTER_STOP} must not be negative")
    return seconds
