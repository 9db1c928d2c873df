"""Venue traffic over TLS: verified against the venue's CA, one handshake for many orders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import trustme
from pydantic import SecretStr
from requests.adapters import HTTPAdapter

from common.errors import ErrorClass, TvbridgeError
from executor.core.engine import ExecutionEngine
from executor.core.model import Outcome, Venue
from executor.venues.bingx.adapter import BingxAdapter
from executor.venues.http import VenueHttp, VenueUnreachable
from simulator.app import build
from simulator.config import SimulatorSettings
from tests.conftest import make_signal
from tests.support.inproc import API_KEY, SECRET_KEY, serve_app
from tools.processes import free_port


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """A throwaway CA and a localhost certificate: (ca bundle, cert, key) paths."""
    folder = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    cert = authority.issue_cert("127.0.0.1", "localhost")
    ca_path, cert_path, key_path = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    authority.cert_pem.write_to_path(str(ca_path))
    cert.cert_chain_pems[0].write_to_path(str(cert_path))
    cert.private_key_pem.write_to_path(str(key_path))
    yield str(ca_path), str(cert_path), str(key_path)


@pytest.fixture
def tls_venue(ca: tuple[str, str, str]) -> Iterator[str]:
    port = free_port()
    settings = SimulatorSettings(
        _env_file=None,  # type: ignore[call-arg]
        simulator_port=port,
        bingx_api_key=SecretStr(API_KEY),
        bingx_secret_key=SecretStr(SECRET_KEY),
    )
    with serve_app(build(settings).app, port, tls=(ca[1], ca[2])):
        yield f"https://127.0.0.1:{port}"


def test_orders_over_tls_reuse_one_connection(tls_venue: str, ca: tuple[str, str, str]) -> None:
    http = VenueHttp(tls_venue, verify_tls=ca[0])
    adapter = BingxAdapter("default", tls_venue, API_KEY, SECRET_KEY, http=http)
    adapter.warm()  # the handshake happens here, before any signal
    engine = ExecutionEngine({(Venue.BINGX, "default"): adapter})
    for n in range(5):
        assert engine.execute(make_signal(signal_id=f"tls-{n}")).outcome is Outcome.EXECUTED
    transport = http.session.get_adapter(tls_venue)
    assert isinstance(transport, HTTPAdapter)
    pools = list(transport.poolmanager.pools._container.values())
    assert [pool.num_connections for pool in pools] == [1]  # one TLS handshake for warm-up and 5 orders


def test_an_untrusted_certificate_is_refused(tls_venue: str) -> None:
    adapter = BingxAdapter("default", tls_venue, API_KEY, SECRET_KEY)  # system CAs only
    with pytest.raises(TvbridgeError) as caught:
        adapter.warm()
    assert caught.value.error_class is ErrorClass.VENUE_UNAVAILABLE
    assert isinstance(caught.value, VenueUnreachable)  # nothing was sent
    assert "certificate verify failed" in caught.value.message.lower()


def test_plain_http_to_a_tls_port_is_not_an_order(tls_venue: str, ca: tuple[str, str, str]) -> None:
    plain = tls_venue.replace("https://", "http://")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{plain}/openApi/swap/v2/server/time", timeout=2)
    assert Path(ca[0]).read_text().startswith("-----BEGIN CERTIFICATE-----")
