"""Settings that follow the exchange: what a settings event says is taken, what it leaves out is
read again, so a change made in the exchange's app does not wait for a restart."""

from __future__ import annotations

import pytest

from common.errors import TvbridgeError
from executor.core.events import AccountConfig, VenueWatch
from executor.core.model import Outcome, PositionSide, SizeKind
from tests.executor.conftest import VenueRig


def leverage_reads(rig: VenueRig) -> int:
    return sum(n for path, n in rig.seen().items() if path.endswith(("/trade/leverage", "/positionRisk")))


def test_a_leverage_change_on_the_venue_is_read_again(rig: VenueRig) -> None:
    # Typed as the keeper's port: mypy proves both adapters offer all of it.
    adapter: VenueWatch = rig.adapter
    symbol = rig.profile.btc
    adapter.leverage(symbol, PositionSide.LONG)
    rig.reset_requests()
    adapter.leverage(symbol, PositionSide.LONG)
    assert leverage_reads(rig) == 0  # cached
    adapter.settings_changed(AccountConfig(rig.venue, "default", symbol, leverage=20))
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
