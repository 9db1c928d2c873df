"""Venue traffic over TLS: verified against the venue's CA, one handshake for many orders."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from common.errors import ErrorClass, TvbridgeError
from executor.core.engine import ExecutionEngine
from executor.core.model import Outcome
from executor.venues.http import VenueHttp
from tests.conftest import make_signal
from tests.executor.conftest import VenueProfile
from tests.support.inproc import RunningSimulator
from tools.stack import VenueTls


def test_orders_over_tls_reuse_one_connection(
    venue_profile: VenueProfile, tls_simulator: RunningSimulator, venue_tls: VenueTls
) -> None:
    p = venue_profile
    tls_venue = tls_simulator.url
    http = VenueHttp(tls_venue, verify_tls=venue_tls.ca)
    adapter = p.adapter_type("default", tls_venue, p.api_key, p.secret_key, http=http)
    adapter.warm()  # the handshake happens here, before any signal
    engine = ExecutionEngine({(p.venue, "default"): adapter})
    for n in range(5):
        signal = make_signal(signal_id=f"tls-{n}", venue=p.venue)
        assert engine.execute(signal).outcome is Outcome.EXECUTED
    assert http.connections_opened == 1  # one TLS handshake for warm-up and 5 orders
    adapter.close()


def test_an_untrusted_certificate_is_refused(
    venue_profile: VenueProfile, tls_simulator: RunningSimulator
) -> None:
    p = venue_profile
    adapter = p.adapter_type("default", tls_simulator.url, p.api_key, p.secret_key)  # system CAs only
    with pytest.raises(TvbridgeError) as caught:
        adapter.warm()
    assert caught.value.error_class is ErrorClass.VENUE_UNAVAILABLE
    assert caught.value.sent is False  # nothing was sent
    assert "certificate verify failed" in caught.value.message.lower()


def test_plain_http_to_a_tls_port_is_not_an_order(
    tls_simulator: RunningSimulator, venue_tls: VenueTls
) -> None:
    tls_venue = tls_simulator.url
    plain = tls_venue.replace("https://", "http://")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{plain}/openApi/swap/v2/server/time", timeout=2)
    assert Path(venue_tls.ca).read_text().startswith("-----BEGIN CERTIFICATE-----")
