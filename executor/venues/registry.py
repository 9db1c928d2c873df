"""The venues tvbridge trades, one row each: what config and wiring read.

Adding a venue means a package under `executor/venues/` with an adapter over the core's
`VenueAdapter` port, one row here, and its settings fields in `executor/config.py` (pydantic
must declare an environment name to read it from `.env` and `*_FILE`): `<PREFIX>_API_KEY`,
`<PREFIX>_SECRET_KEY`, `<PREFIX>_ACCOUNTS`, `<PREFIX>_BASE_URL` and its demo switch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from executor.core.model import Venue
from executor.venues.binance import endpoints as binance_endpoints
from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.bingx import endpoints as bingx_endpoints
from executor.venues.bingx.adapter import BingxAdapter
from executor.venues.rest_adapter import RestVenueAdapter


@dataclass(frozen=True)
class VenueEntry:
    venue: Venue
    adapter: type[RestVenueAdapter]
    live_url: str
    demo_url: str  # the venue's own test venue (demo money)
    prefix: str  # of its settings' environment names
    demo_switch: str  # the setting that picks demo_url
    live_ws_url: str  # the user-data stream's host
    demo_ws_url: str
    # A venue with more than one test venue: the setting that names one (live, demo, testnet),
    # each environment's (REST, stream) hosts, and the one the demo switch stands for.
    env_setting: str | None = None
    env_hosts: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    switch_env: str = "demo"

    def setting(self, suffix: str) -> str:
        """The settings field for one of this venue's names, e.g. `api_key` -> `bingx_api_key`."""
        return f"{self.prefix.lower()}_{suffix}"


VENUES: tuple[VenueEntry, ...] = (
    VenueEntry(
        Venue.BINGX,
        BingxAdapter,
        bingx_endpoints.LIVE_BASE_URL,
        bingx_endpoints.DEMO_BASE_URL,
        "BINGX",
        "bingx_demo",
        bingx_endpoints.LIVE_WS_URL,
        bingx_endpoints.DEMO_WS_URL,
    ),
    VenueEntry(
        Venue.BINANCE,
        BinanceAdapter,
        binance_endpoints.LIVE_BASE_URL,
        binance_endpoints.TESTNET_BASE_URL,
        "BINANCE",
        "binance_testnet",
        binance_endpoints.LIVE_WS_URL,
        binance_endpoints.TESTNET_WS_URL,
        env_setting="binance_env",
        env_hosts={
            "live": (binance_endpoints.LIVE_BASE_URL, binance_endpoints.LIVE_WS_URL),
            "demo": (binance_endpoints.DEMO_BASE_URL, binance_endpoints.DEMO_WS_URL),
            "testnet": (binance_endpoints.TESTNET_BASE_URL, binance_endpoints.TESTNET_WS_URL),
        },
        switch_env="testnet",
    ),
)

BY_VENUE: dict[Venue, VenueEntry] = {entry.venue: entry for entry in VENUES}
