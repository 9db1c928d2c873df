"""Settings that follow the exchange: what a settings event says is taken, what it leaves out is
read again, so a change made in the exchange's app does not wait for a restart. Without the
stream, each reconciliation forgets the cached leverage and margin modes; an order the venue
refuses for margin at a leverage it no longer has is sized again, once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import requests

from common.errors import ErrorClass, TvbridgeError
from executor.core.events import AccountConfig, VenueWatch
from executor.core.keeper.keeper import Keeper
from executor.core.model import MarginMode, Outcome, PositionSide, SizeKind
from tests.executor.conftest import VenueRig
from tests.executor.stream_support import streaming
from tools.processes import free_port, wait_until

RECONCILE_S = 0.2


def leverage_reads(rig: VenueRig) -> int:
    return sum(n for path, n in rig.seen().items() if path.endswith(("/trade/leverage", "/positionRisk")))


def test_a_leverage_change_on_the_venue_is_taken_or_read_again(rig: VenueRig) -> None:
    # Typed as the keeper's port: mypy proves both adapters offer all of it.
    adapter: VenueWatch = rig.adapter
    symbol = rig.profile.btc
    adapter.leverage(symbol, PositionSide.LONG)
    rig.reset_requests()
    adapter.leverage(symbol, PositionSide.LONG)
    assert leverage_reads(rig) == 0  # cached
    # An event naming the leverage is taken as it is, for either side: nothing to read.
    adapter.settings_changed(AccountConfig(rig.venue, "default", symbol, leverage=20))
    assert adapter.leverage(symbol, PositionSide.LONG) == 20
    assert adapter.leverage(symbol, PositionSide.SHORT) == 20
    assert leverage_reads(rig) == 0
    # One that leaves it out (a margin-mode change) has it read again when next needed.
    adapter.settings_changed(AccountConfig(rig.venue, "default", symbol, margin_mode=MarginMode.CROSS))
    adapter.leverage(symbol, PositionSide.LONG)
    assert leverage_reads(rig) == 1


def test_a_position_mode_change_is_taken_from_the_event(rig: VenueRig) -> None:
    adapter = rig.adapter
    assert adapter.hedge_mode() is False
    adapter.settings_changed(AccountConfig(rig.venue, "default", None, hedge_mode=True))
    rig.reset_requests()
    assert adapter.hedge_mode() is True
    assert rig.seen() == {}


def test_a_position_mode_switched_in_the_app_is_read_again_and_the_signal_retried(rig: VenueRig) -> None:
    engine = rig.engine
    first = engine.execute(rig.signal(signal_id="one-way", size=(SizeKind.QUANTITY, "0.01")))
    assert first.outcome is Outcome.EXECUTED, first.error
    rig.account.hedge_mode = True  # switched in the exchange's app; nothing tells the executor
    later = rig.signal(signal_id="after-switch", size=(SizeKind.QUANTITY, "0.01"))
    with pytest.raises(TvbridgeError) as caught:
        engine.execute(later)
    assert caught.value.retryable and caught.value.sent is False
    assert "position mode has changed" in caught.value.message
    again = engine.execute(later, attempt=2)  # the gateway's redelivery
    assert again.outcome is Outcome.EXECUTED, again.error
    assert again.orders[0].position_side is PositionSide.LONG
    assert len(rig.orders()) == 2


# -- changed in the exchange's app (the simulator's /_sim/outside/settings) -------------------


def in_the_app(rig: VenueRig, **change: Any) -> dict[str, Any]:
    """Change the account's settings as its owner would in the exchange's app; what it now has."""
    body = {"venue": rig.profile.name, "symbol": "BTC-USDT", **change}
    resp = requests.post(f"{rig.sim.url}/_sim/outside/settings", json=body, timeout=5)
    resp.raise_for_status()
    shown: dict[str, Any] = resp.json()[0]
    return shown


def test_settings_changed_in_the_app_are_told_on_the_stream(rig: VenueRig) -> None:
    with streaming(rig.adapter.user_stream()) as (sink, _, _):
        in_the_app(rig, leverage=5)
        told = sink.wait_for(AccountConfig, lambda c: c.leverage == 5)
        in_the_app(rig, margin_mode="isolated")
        isolated = sink.wait_for(AccountConfig, lambda c: c.margin_mode is MarginMode.ISOLATED)
    assert told.venue_symbol == isolated.venue_symbol == rig.profile.btc


def test_the_app_refuses_a_mode_change_the_venue_would(rig: VenueRig) -> None:
    done = rig.engine.execute(rig.signal(signal_id="held", size=(SizeKind.QUANTITY, "0.01")))
    assert done.outcome is Outcome.EXECUTED, done.error
    body = {"venue": rig.profile.name, "symbol": "BTC-USDT"}
    for change in ({"margin_mode": "isolated"}, {"hedge_mode": True}):
        resp = requests.post(f"{rig.sim.url}/_sim/outside/settings", json={**body, **change}, timeout=5)
        assert resp.status_code == 409, resp.text
    assert not rig.account.isolated.get("BTC-USDT", False) and not rig.account.hedge_mode


def test_without_the_stream_reconciliation_takes_leverage_and_margin_mode_changed_in_the_app(
    rig: VenueRig,
) -> None:
    adapter, symbol = rig.adapter, rig.profile.btc
    assert adapter.leverage(symbol, PositionSide.LONG) == 10
    assert adapter.margin_mode(symbol) is MarginMode.CROSS
    adapter.stream_url = f"ws://127.0.0.1:{free_port()}"  # the stream host unreachable: REST only
    keeper = Keeper([adapter], RECONCILE_S)
    keeper.start()
    try:
        in_the_app(rig, leverage=5, margin_mode="isolated")
        runs = keeper.stats(rig.venue, "default").reconciles
        # Two more runs: the first may have read the venue before the change.
        assert wait_until(lambda: keeper.stats(rig.venue, "default").reconciles >= runs + 2, timeout_s=5)
    finally:
        keeper.stop()
    result = rig.engine.execute(
        rig.signal(signal_id="after-app", size=(SizeKind.BALANCE, "100"), margin_mode=MarginMode.CROSS)
    )
    assert result.outcome is Outcome.EXECUTED, result.error
    assert result.sizing is not None and result.sizing.leverage == 5  # not the 10 read before
    assert result.sizing.quantity == rig.profile.qty_for_50_usdt  # 100 USDT at 5x = 50 at 10x
    assert not rig.account.isolated.get("BTC-USDT", False)  # switched back: cross was asked


def test_a_first_order_refused_for_margin_at_a_stale_leverage_is_sized_again_once(rig: VenueRig) -> None:
    symbol = rig.profile.btc
    assert rig.adapter.leverage(symbol, PositionSide.LONG) == 10
    in_the_app(rig, leverage=2)  # no stream, no reconciliation: the adapter still holds 10
    rig.reset_requests()
    result = rig.engine.execute(rig.signal(signal_id="stale", size=(SizeKind.BALANCE_PCT, "90")))
    assert result.outcome is Outcome.EXECUTED, result.error
    # 90 % of 10,000 at 2x on 60,000; at the cached 10x it was five times that, and refused.
    assert result.sizing is not None and result.sizing.leverage == 2
    assert result.sizing.quantity == Decimal("0.3")
    assert rig.sent("POST", rig.profile.paths.ORDER) == 2
    assert rig.held() == Decimal("0.3")


def test_a_margin_refusal_at_the_leverage_in_force_stands_with_the_venues_code(rig: VenueRig) -> None:
    symbol = rig.profile.btc
    assert rig.adapter.leverage(symbol, PositionSide.LONG) == 10
    rig.reset_requests()
    # 20,000 USDT of margin on a 10,000 USDT wallet.
    result = rig.engine.execute(rig.signal(signal_id="too-big", size=(SizeKind.BALANCE, "20000")))
    assert result.outcome is Outcome.REJECTED
    error = result.error
    assert error is not None and error.error_class is ErrorClass.INSUFFICIENT_MARGIN
    assert error.venue_code == rig.profile.insufficient_margin_code and error.venue_message
    assert rig.sent("POST", rig.profile.paths.ORDER) == 1  # not sent again: the leverage is the same
    assert leverage_reads(rig) == 1  # read once, to tell
    assert rig.held() == 0


def test_a_margin_mode_switched_in_the_app_is_not_refused_as_a_change(rig: VenueRig) -> None:
    symbol = rig.profile.btc
    assert rig.adapter.margin_mode(symbol) is MarginMode.CROSS
    in_the_app(rig, margin_mode="isolated")
    opened = rig.engine.execute(rig.signal(signal_id="open", size=(SizeKind.QUANTITY, "0.01")))
    assert opened.outcome is Outcome.EXECUTED, opened.error
    # The adapter still says cross; the venue refuses any change with a position open (BingX), or
    # answers that none is needed (Binance -4046). Either way isolated is what the symbol has.
    more = rig.engine.execute(
        rig.signal(signal_id="more", size=(SizeKind.QUANTITY, "0.01"), margin_mode=MarginMode.ISOLATED)
    )
    assert more.outcome is Outcome.EXECUTED, more.error
    assert rig.account.isolated.get("BTC-USDT", False)
    assert rig.held() == Decimal("0.02")
