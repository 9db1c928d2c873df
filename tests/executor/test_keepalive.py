"""Idle venue connections are kept open, so a signal after a quiet spell pays no handshake."""

from __future__ import annotations

import time

import requests

from executor.config import ExecutorSettings
from executor.core.model import Venue
from executor.server import start
from executor.venues.bingx.adapter import BingxAdapter
from tests.executor.conftest import VenueRig
from tests.support.inproc import RunningSimulator
from tools.processes import free_port, wait_until

SERVER_TIME = "GET /openApi/swap/v2/server/time"


def server_time_reads(simulator: RunningSimulator) -> int:
    counts: dict[str, int] = requests.get(f"{simulator.url}/_sim/requests", timeout=5).json()
    return counts.get(SERVER_TIME, 0)


def test_an_idle_pool_gets_one_cheap_read_and_a_busy_one_none(rig: VenueRig) -> None:
    adapter = rig.adapter
    before = rig.sent("GET", rig.profile.paths.SERVER_TIME)
    assert adapter.keep_warm(idle_s=20) is False  # warm() just used it
    adapter.http.last_used = time.monotonic() - 21
    assert adapter.keep_warm(idle_s=20) is True
    assert rig.sent("GET", rig.profile.paths.SERVER_TIME) == before + 1
    assert adapter.keep_warm(idle_s=20) is False  # that read counts as use


def test_the_executor_keeps_its_venues_warm_until_it_stops(simulator: RunningSimulator) -> None:
    adapter = BingxAdapter("default", simulator.url, "k" * 20, "s" * 40)
    settings = ExecutorSettings(  # type: ignore[call-arg]
        _env_file=None, executor_port=free_port(), venue_keepalive_s=0.4, venue_warm_on_start=False
    )
    running = start(settings, {(Venue.BINGX, "default"): adapter})
    try:
        before = server_time_reads(simulator)
        assert wait_until(lambda: server_time_reads(simulator) >= before + 2, timeout_s=5)
    finally:
        running.stop()
    stopped_at = server_time_reads(simulator)
    time.sleep(0.8)
    assert server_time_reads(simulator) == stopped_at
