"""The venue registry: one row per venue, and every name a row implies is a setting."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from executor.config import ExecutorSettings
from executor.core.model import Venue
from executor.venues.registry import BY_VENUE, VENUES
from executor.wiring import build_adapters


def test_every_venue_has_exactly_one_row() -> None:
    assert [entry.venue for entry in VENUES] == list(Venue)
    assert len({entry.prefix for entry in VENUES}) == len(VENUES)


@pytest.mark.parametrize("entry", VENUES, ids=lambda e: e.prefix)
def test_a_row_names_only_settings_that_exist(entry: object) -> None:
    fields = ExecutorSettings.model_fields
    for suffix in ("api_key", "secret_key", "accounts", "base_url"):
        assert entry.setting(suffix) in fields  # type: ignore[attr-defined]
    assert entry.demo_switch in fields  # type: ignore[attr-defined]


@pytest.mark.parametrize("venue", list(Venue))
def test_wiring_builds_each_venue_from_its_row(venue: Venue, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = BY_VENUE[venue]
    for name in ("API_KEY", "SECRET_KEY", "ACCOUNTS", "BASE_URL"):
        monkeypatch.delenv(f"{entry.prefix}_{name}", raising=False)
    fields: dict[str, object] = {
        entry.setting("api_key"): SecretStr("k"),
        entry.setting("secret_key"): SecretStr("s"),
        entry.demo_switch: True,
    }
    settings = ExecutorSettings(_env_file=None, **fields)  # type: ignore[call-arg, arg-type]
    adapters = build_adapters(settings)
    assert list(adapters) == [(venue, "default")]
    assert adapters[(venue, "default")].base_url == entry.demo_url


@pytest.mark.parametrize("venue", list(Venue))
def test_the_stream_host_follows_the_rest_host_unless_named(
    venue: Venue, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = BY_VENUE[venue]
    for name in ("BASE_URL", "WS_URL"):
        monkeypatch.delenv(f"{entry.prefix}_{name}", raising=False)
    monkeypatch.delenv(entry.demo_switch.upper(), raising=False)

    def ws(**fields: object) -> str:
        return ExecutorSettings(_env_file=None, **fields).ws_url(venue)  # type: ignore[call-arg, arg-type]

    assert ws() == entry.live_ws_url
    assert ws(**{entry.demo_switch: True}) == entry.demo_ws_url
    assert ws(**{entry.setting("base_url"): "https://sim.local:8900"}) == "wss://sim.local:8900"
    named = {entry.setting("base_url"): "http://sim:8900", entry.setting("ws_url"): "wss://other"}
    assert ws(**named) == "wss://other"
