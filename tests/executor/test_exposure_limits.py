"""Exposure limits in the engine against the simulator, on both venues: entries refused with the
limit and the figures, closes always passing, and the open-position cap holding when twenty
entries arrive at once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from common.errors import ErrorClass
from common.pauses import PauseChange, PauseEvent
from executor.config import ExecutorSettings
from executor.core.engine import ExecutionEngine
from executor.core.exposure.guard import ExposureGuard
from executor.core.exposure.limits import ExposureLimits, RiskPlan, parse_limits
from executor.core.model import Action, ExecutionResult, Outcome, SizeKind
from tests.executor.conftest import VenueRig

# Twenty contracts both venues list, each at a few USDT of margin above its minimums.
BASES = "ETH SOL XRP DOGE BNB ADA AVAX LINK DOT TRX LTC BCH NEAR UNI ATOM ETC FIL APT ARB OP"
SYMBOLS = [f"{base}-USDT" for base in BASES.split(" ")]
MARGIN = (SizeKind.BALANCE, "20")  # 200 USDT at the account's 10x


def engine_with(rig: VenueRig, limits: ExposureLimits, **kw: Any) -> ExecutionEngine:
    return rig.engine_on(exposure=ExposureGuard(RiskPlan(limits), **kw))


def refused(result: ExecutionResult) -> str:
    assert result.outcome is Outcome.REJECTED, result
    assert result.error is not None and result.error.error_class is ErrorClass.RISK_LIMIT
    return result.error.message


def held_symbols(rig: VenueRig) -> set[str]:
    """The simulator's open positions, by contract (BASE-QUOTE on both venues)."""
    return {str(p["symbol"]).replace("-", "") for p in rig.positions()}


def test_twenty_entries_at_once_against_two_slots_open_exactly_two(rig: VenueRig) -> None:
    engine = engine_with(rig, ExposureLimits(max_open_positions=2))
    start = threading.Barrier(len(SYMBOLS))

    def enter(symbol: str) -> ExecutionResult:
        signal = rig.signal(signal_id=f"burst-{symbol}", symbol=symbol, size=MARGIN)
        start.wait()
        return engine.execute(signal)

    with ThreadPoolExecutor(len(SYMBOLS)) as pool:
        results = list(pool.map(enter, SYMBOLS))

    executed = [r for r in results if r.outcome is Outcome.EXECUTED]
    assert len(executed) == 2, [
        r.error for r in results if r.error and r.error.error_class is not ErrorClass.RISK_LIMIT
    ]
    for result in results:
        if result.outcome is not Outcome.EXECUTED:
            assert f"RISK_MAX_OPEN_POSITIONS = 2: {rig.venue.value}/default holds 2" in refused(result)
    assert len(held_symbols(rig)) == 2
    assert len([o for o in rig.orders() if o["status"] == "FILLED"]) == 2


def test_a_refused_entry_gives_its_slot_back(rig: VenueRig) -> None:
    engine = engine_with(rig, ExposureLimits(max_open_positions=1))
    too_big = engine.execute(rig.signal(signal_id="big", symbol="ETH-USDT", size=(SizeKind.QUANTITY, "500")))
    assert too_big.error is not None and too_big.error.error_class is ErrorClass.INSUFFICIENT_MARGIN
    assert (
        engine.execute(rig.signal(signal_id="ok", symbol="SOL-USDT", size=MARGIN)).outcome is Outcome.EXECUTED
    )


def test_closes_pass_a_full_book_and_free_its_slot(rig: VenueRig) -> None:
    engine = engine_with(rig, ExposureLimits(max_open_positions=1))
    assert (
        engine.execute(rig.signal(signal_id="eth", symbol="ETH-USDT", size=MARGIN)).outcome
        is Outcome.EXECUTED
    )
    message = refused(engine.execute(rig.signal(signal_id="sol", symbol="SOL-USDT", size=MARGIN)))
    assert "holds 1 (ETH-USDT, entries in flight included); SOL-USDT would be one more" in message
    # Adding to the position held opens nothing new; a test signal is checked like the rest.
    assert (
        engine.execute(rig.signal(signal_id="add", symbol="ETH-USDT", size=MARGIN)).outcome
        is Outcome.EXECUTED
    )
    refused(engine.execute(rig.signal(signal_id="dry", symbol="SOL-USDT", size=MARGIN, test=True)))
    close = engine.execute(rig.signal(Action.CLOSE, signal_id="close", symbol="ETH-USDT", size=None))
    assert close.outcome is Outcome.EXECUTED, close.error
    assert (
        engine.execute(rig.signal(signal_id="sol-2", symbol="SOL-USDT", size=MARGIN)).outcome
        is Outcome.EXECUTED
    )
    assert held_symbols(rig) == {"SOLUSDT"}


def test_an_owners_pause_holds_with_no_limit_set_and_a_close_still_passes(rig: VenueRig) -> None:
    guard = ExposureGuard(RiskPlan())  # no limit counts anything
    engine = rig.engine_on(exposure=guard)
    opened = engine.execute(rig.signal(signal_id="eth", symbol="ETH-USDT", size=MARGIN))
    assert opened.outcome is Outcome.EXECUTED
    venue, at = rig.venue.value, int(time.time() * 1000)
    guard.sync([PauseEvent(PauseChange.OWNER_PAUSED, venue, "default", "", at, actor="telegram:42")])
    message = refused(engine.execute(rig.signal(signal_id="sol", symbol="SOL-USDT", size=MARGIN)))
    assert message == f"{venue}/default is paused by telegram:42 until resumed"
    close = engine.execute(rig.signal(Action.CLOSE, signal_id="close", symbol="ETH-USDT", size=None))
    assert close.outcome is Outcome.EXECUTED, close.error
    guard.sync([PauseEvent(PauseChange.RESUMED, venue, "default", "", at + 1, actor="telegram:42")])
    assert (
        engine.execute(rig.signal(signal_id="sol-2", symbol="SOL-USDT", size=MARGIN)).outcome
        is Outcome.EXECUTED
    )


def test_positions_opened_before_the_executor_count(rig: VenueRig) -> None:
    rig.engine.execute(rig.signal(signal_id="before", symbol="ETH-USDT", size=MARGIN))
    engine = engine_with(rig, ExposureLimits(max_open_positions=1))  # a restarted executor
    assert "holds 1 (ETH-USDT" in refused(
        engine.execute(rig.signal(signal_id="x", symbol="SOL-USDT", size=MARGIN))
    )


def test_the_venues_unrealised_loss_counts_toward_the_daily_loss_and_pauses(rig: VenueRig) -> None:
    engine = engine_with(rig, ExposureLimits(max_daily_loss=Decimal(30)), unrealised_max_age_s=0)
    engine.execute(rig.signal(signal_id="eth", symbol="ETH-USDT", size=(SizeKind.QUANTITY, "1")))
    rig.set_price("ETH-USDT", "2960")  # 40 USDT down on 1 ETH bought at 3000
    message = refused(engine.execute(rig.signal(signal_id="sol", symbol="SOL-USDT", size=MARGIN)))
    assert message.startswith("RISK_MAX_DAILY_LOSS_USDT = 30: ") and "unrealised 40" in message
    [pause] = engine.exposure.in_force()
    assert (pause.limit, pause.strategy) == ("RISK_MAX_DAILY_LOSS_USDT", "")
    rig.set_price("ETH-USDT", "3000")  # back: the pause holds until tomorrow or a resume
    assert "is paused until" in refused(
        engine.execute(rig.signal(signal_id="sol-2", symbol="SOL-USDT", size=MARGIN))
    )
    close = engine.execute(rig.signal(Action.CLOSE, signal_id="close", symbol="ETH-USDT", size=None))
    assert close.outcome is Outcome.EXECUTED, close.error


def test_outside_trading_hours_only_entries_are_refused(rig: VenueRig) -> None:
    saturday_noon = 1_795_262_400.0  # 2026-11-21 12:00 UTC
    limits = parse_limits({"RISK_TRADING_HOURS": "Mon-Fri 07:00-21:00 UTC"}, "test")
    rig.engine.execute(rig.signal(signal_id="open", size=(SizeKind.QUANTITY, "0.01")))
    engine = engine_with(rig, limits, clock=lambda: saturday_noon)
    assert refused(engine.execute(rig.signal(signal_id="sat"))) == (
        "RISK_TRADING_HOURS = Mon-Fri 07:00-21:00 UTC: entries are closed at Sat 12:00 UTC"
    )
    assert rig.engine.execute(rig.signal(Action.CLOSE, signal_id="c", size=None)).outcome is Outcome.EXECUTED


def test_settings_read_the_limits_and_the_strategy_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "limits.json"
    path.write_text('{"scalper": {"RISK_MAX_OPEN_POSITIONS": 1, "RISK_TRADING_HOURS": null}}')
    monkeypatch.setenv("RISK_MAX_OPEN_POSITIONS", "3")
    monkeypatch.setenv("RISK_MAX_DAILY_LOSS_USDT", "250.5")
    monkeypatch.setenv("RISK_TRADING_HOURS", "Mon-Fri 07:00-21:00 UTC")
    monkeypatch.setenv("RISK_STRATEGY_LIMITS_FILE", str(path))
    plan = ExecutorSettings(_env_file=None).risk_plan()  # type: ignore[call-arg]
    assert (plan.account.max_open_positions, plan.account.max_daily_loss) == (3, Decimal("250.5"))
    scalper = plan.for_strategy("Scalper")
    assert (scalper.own.max_open_positions, scalper.hours) == (1, None)
    assert plan.for_strategy("swing").hours == plan.account.trading_hours
    monkeypatch.setenv("RISK_MAX_CONSECUTIVE_LOSSES", "-1")
    with pytest.raises(ValueError, match="RISK_MAX_CONSECUTIVE_LOSSES must not be negative"):
        ExecutorSettings(_env_file=None)  # type: ignore[call-arg]
