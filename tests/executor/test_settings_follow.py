"""Settings that follow the exchange: what a settings event says is taken, what it leaves out is
read again, so a change made in the exchange's app does not wait for a restart."""

from __future__ import annotations

from executor.core.events import AccountConfig, VenueWatch
from executor.core.model import PositionSide
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
