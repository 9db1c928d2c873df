"""The position keeper against each venue: an orphaned stop never closes a later position.

The four steps of issue 16, on both venues, with the user-data stream and again with the
stream refused (reconciliation alone): a buy with take-profit and stop-loss; the take-profit
fills; the stop is cancelled; a later plain buy survives the price falling through the old
stop's level.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal

import pytest
import requests

from executor.core.keeper.keeper import Keeper
from executor.core.model import Outcome, SizeKind
from tests.executor.conftest import VenueRig
from tools.processes import wait_until


@pytest.fixture(params=["stream", "rest only"])
def keeper(rig: VenueRig, request: pytest.FixtureRequest) -> Iterator[Keeper]:
    reconcile_s = 30.0
    if request.param == "rest only":
        # Every user-stream handshake refused for longer than the test: reconciliation alone.
        body = {"venue": rig.profile.name, "refuse_s": 120}
        requests.post(f"{rig.sim.url}/_sim/streams/drop", json=body, timeout=5).raise_for_status()
        reconcile_s = 0.5
    running = Keeper([rig.adapter], reconcile_s)
    running.start()
    yield running
    running.stop()


def test_an_orphaned_stop_never_closes_the_next_position(rig: VenueRig, keeper: Keeper) -> None:
    engine = rig.engine_on(on_guarded=keeper.guarded)
    symbol = rig.profile.btc
    entry = engine.execute(
        rig.signal(
            signal_id="guarded",
            size=(SizeKind.QUANTITY, "0.01"),
            take_profit=Decimal("62000"),
            stop_loss=Decimal("58000"),
        )
    )
    assert entry.outcome is Outcome.EXECUTED, entry.error
    assert wait_until(lambda: len(rig.adapter.open_protections(symbol)) == 2, timeout_s=5)

    rig.set_price("BTC-USDT", "62500")  # the take-profit fills and the position is gone
    flat_at = time.monotonic()
    assert wait_until(lambda: rig.adapter.positions() == [], timeout_s=5)
    assert wait_until(lambda: rig.adapter.open_protections(symbol) == [], timeout_s=5)
    cancelled_in = time.monotonic() - flat_at
    assert cancelled_in < keeper.reconcile_s + 1 + 1  # the bound, with a second for the venue

    later = engine.execute(rig.signal(signal_id="later", size=(SizeKind.QUANTITY, "0.01")))
    assert later.outcome is Outcome.EXECUTED, later.error
    rig.set_price("BTC-USDT", "57000")  # through the old stop's level: a stop there fires at once
    assert [p.quantity for p in rig.adapter.positions()] == [Decimal("0.01")]
    assert keeper.stats(rig.venue, "default").cancelled == 1
