"""The user-data stream trusts what the venue's REST calls trust: VENUE_CA_BUNDLE (a private CA,
as the benchmark's simulator and a TLS-inspecting proxy use) or VENUE_VERIFY_TLS=false."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from executor.venues.http import VenueHttp
from executor.venues.stream_base import tls_context
from tests.executor.conftest import BINANCE, BINGX, VenueProfile
from tests.executor.stream_support import streaming
from tests.support.inproc import running_simulator
from tests.support.tls import private_ca


@pytest.mark.parametrize("profile", [BINGX, BINANCE], ids=lambda p: p.venue.value)
def test_the_stream_connects_to_a_venue_signed_by_the_ca_bundle(
    tmp_path: Path, profile: VenueProfile
) -> None:
    tls = private_ca(tmp_path)
    with running_simulator(tls=(tls.cert, tls.key)) as sim:
        http = VenueHttp(sim.url, verify_tls=tls.ca)
        adapter = profile.adapter_type("default", sim.url, profile.api_key, profile.secret_key, http=http)
        assert adapter.stream_url.startswith("wss://")
        try:
            with streaming(adapter.user_stream()):
                pass  # connected on entry, or it fails there
        finally:
            http.close()  # a kept connection would hold the server's shutdown for its whole grace


def test_the_context_follows_the_rest_setting(tmp_path: Path) -> None:
    ca = private_ca(tmp_path).ca
    assert tls_context("wss://venue.example", True) is None  # the system's CAs, as requests does
    assert tls_context("ws://127.0.0.1:1", ca) is None  # no TLS to set up
    bundle = tls_context("wss://venue.example", ca)
    assert bundle is not None and bundle.verify_mode is ssl.CERT_REQUIRED and bundle.check_hostname
    assert len(bundle.get_ca_certs()) == 1
    unverified = tls_context("wss://venue.example", False)
    assert unverified is not None and unverified.verify_mode is ssl.CERT_NONE
