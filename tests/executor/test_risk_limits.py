"""Risk limits against the simulator, on both venues: each refusal names its limit; nothing
reaches the venue."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from common.errors import ErrorClass
from executor.config import ExecutorSettings
from executor.core.engine import ExecutionEngine
from executor.core.model import Action, Outcome, SizeKind
from executor.core.risk import RiskLimits
from tests.executor.conftest import VenueRig


def engine_with(rig: VenueRig, **limits: object) -> ExecutionEngine:
    return rig.engine_on(risk=RiskLimits(**limits))  # type: ignore[arg-type]


def refused(rig: VenueRig, engine: ExecutionEngine, **fields: Any) -> str:
    result = engine.execute(rig.signal(**fields))
    assert result.outcome is Outcome.REJECTED, result
    assert result.error is not None and result.error.error_class is ErrorClass.RISK_LIMIT
    return result.error.message


def test_symbol_outside_the_allowed_list(rig: VenueRig) -> None:
    engine = engine_with(rig, allowed_symbols=frozenset({"ETH-USDT"}))
    assert "RISK_ALLOWED_SYMBOLS" in refused(rig, engine)
    assert engine.execute(rig.signal(signal_id="eth", symbol="ETH-USDT")).outcome is Outcome.EXECUTED


def test_signal_leverage_above_the_cap_is_never_set(rig: VenueRig) -> None:
    engine = engine_with(rig, max_leverage=5)
    assert "RISK_MAX_LEVERAGE = 5" in refused(rig, engine, leverage=20, size=(SizeKind.BALANCE, "10"))
    assert rig.account.leverage == {}  # the venue's leverage was left alone
    assert rig.orders() == []


def test_account_leverage_above_the_cap_blocks_margin_sizing(rig: VenueRig) -> None:
    engine = engine_with(rig, max_leverage=5)  # the venue account sits at 10x
    assert "leverage 10" in refused(rig, engine, size=(SizeKind.BALANCE, "10"))


def test_order_notional_cap(rig: VenueRig) -> None:
    engine = engine_with(rig, max_order_notional=Decimal("500"))
    # 0.01 BTC x 60000 = 600 USDT > 500; the price is read only because the limit needs it
    assert "RISK_MAX_ORDER_NOTIONAL = 500" in refused(rig, engine, size=(SizeKind.QUANTITY, "0.01"))
    ok = engine.execute(rig.signal(signal_id="ok", size=(SizeKind.QUANTITY, "0.008")))
    assert ok.outcome is Outcome.EXECUTED


def test_position_notional_cap_counts_what_is_already_held(rig: VenueRig) -> None:
    engine = engine_with(rig, max_position_notional=Decimal("1000"))
    first = engine.execute(rig.signal(signal_id="a", size=(SizeKind.QUANTITY, "0.01")))
    assert first.outcome is Outcome.EXECUTED
    # 0.01 held + 0.01 more = 1200 USDT > 1000
    assert "RISK_MAX_POSITION_NOTIONAL = 1000" in refused(
        rig, engine, signal_id="b", size=(SizeKind.QUANTITY, "0.01")
    )
    # selling reduces the position, so the same size the other way is allowed
    assert engine.execute(rig.signal(Action.SELL, signal_id="c")).outcome is Outcome.EXECUTED


def test_closing_is_never_blocked_by_size_limits(rig: VenueRig) -> None:
    engine_with(rig).execute(rig.signal(signal_id="open", size=(SizeKind.QUANTITY, "0.05")))
    tight = engine_with(rig, max_order_notional=Decimal("10"), max_position_notional=Decimal("10"))
    assert tight.execute(rig.signal(Action.CLOSE, signal_id="close", size=None)).outcome is Outcome.EXECUTED


def test_settings_read_limits_in_any_symbol_form(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISK_ALLOWED_SYMBOLS", "BTCUSDT, eth/usdt;SOL-USDT")
    monkeypatch.setenv("RISK_MAX_ORDER_NOTIONAL", "250.5")
    limits = ExecutorSettings(_env_file=None).risk_limits()  # type: ignore[call-arg]
    assert limits.allowed_symbols == {"BTC-USDT", "ETH-USDT", "SOL-USDT"}
    assert limits.max_order_notional == Decimal("250.5")
    assert limits.max_leverage is None
