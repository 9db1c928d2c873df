"""Requests written exactly as BingX's documentation shows them work against the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests
from pydantic import SecretStr

from simulator.app import build
from simulator.config import SimulatorSettings
from tests.support.inproc import serve_app
from tools.processes import free_port

DOC_KEY = "hO6oQotzTE0S5FRYze2Jx2wGx7eVnJGMolpA1nZyehsoMgCcgKNWQHd4QgTFZuwl4Zt4xMe2PqGBegWXO4A"
DOC_SECRET = "mheO6dR8ovSsxZQCOYEFCtelpuxcWGTfHw7te326y6jOwq5WpvFQ9JNljoTwBXZGv5It07m9RXSPpDQEK2w"
BX1_TS = 1667872120843
BX1_SIG = "4f581ecdb1fa09b9d6e57886b6f70cffed17f82b93399722939e49a38edec2bf"
BX2_TS = 1668159715051
BX2_SIG = "8b756b01e7a30f02e19c58a91ab01b29528694316b08a51ecb8dd072942bd47d"
LEVERAGE = "/openApi/swap/v2/trade/leverage"


@contextmanager
def doc_venue(signed_at_ms: int) -> Iterator[str]:
    """A venue whose clock reads 200 ms after the documented request was signed."""
    port = free_port()
    settings = SimulatorSettings(
        _env_file=None,  # type: ignore[call-arg]
        simulator_port=port,
        bingx_api_key=SecretStr(DOC_KEY),
        bingx_secret_key=SecretStr(DOC_SECRET),
    )
    sim = build(settings, clock=lambda: signed_at_ms + 200)
    sim.exchanges["bingx"].accounts[DOC_KEY].hedge_mode = True  # the doc sets side=LONG
    with serve_app(sim.app, port):
        yield f"http://127.0.0.1:{port}"


def _call(method: str, url: str, body: str | None = None) -> dict[str, object]:
    headers = {"X-BX-APIKEY": DOC_KEY}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    resp = requests.request(method, url, data=body, headers=headers, timeout=5)
    assert resp.status_code == 200
    result: dict[str, object] = resp.json()
    return result


def test_documented_query_string_request() -> None:
    with doc_venue(BX1_TS) as url:
        query = f"symbol=BTC-USDT&timestamp={BX1_TS}&side=LONG&leverage=6&signature={BX1_SIG}"
        reply = _call("POST", f"{url}{LEVERAGE}?{query}")
    assert reply == {"code": 0, "msg": "", "data": {"leverage": 6, "symbol": "BTC-USDT"}}


def test_documented_form_body_request() -> None:
    with doc_venue(BX1_TS) as url:
        body = f"symbol=BTC-USDT&timestamp={BX1_TS}&side=LONG&leverage=6&signature={BX1_SIG}"
        assert _call("POST", f"{url}{LEVERAGE}", body)["code"] == 0


def test_documented_mixed_query_and_body_request() -> None:
    with doc_venue(BX2_TS) as url:
        query = f"symbol=BTC-USDT&timestamp={BX2_TS}&signature={BX2_SIG}"
        assert _call("POST", f"{url}{LEVERAGE}?{query}", "side=LONG&leverage=6")["code"] == 0


def test_one_changed_character_breaks_the_documented_signature() -> None:
    with doc_venue(BX1_TS) as url:
        query = f"symbol=BTC-USDT&timestamp={BX1_TS}&side=LONG&leverage=7&signature={BX1_SIG}"
        assert _call("POST", f"{url}{LEVERAGE}?{query}")["code"] == 100001


def test_the_documented_request_is_refused_once_stale() -> None:
    with doc_venue(BX1_TS + 10_000) as url:
        query = f"symbol=BTC-USDT&timestamp={BX1_TS}&side=LONG&leverage=6&signature={BX1_SIG}"
        assert _call("POST", f"{url}{LEVERAGE}?{query}")["code"] == 100421
