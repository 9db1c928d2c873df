"""The simulator checks Binance requests the way the venue does, and serves its documented examples."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import requests
from pydantic import SecretStr

from executor.venues.binance import signing
from simulator.app import build
from simulator.config import SimulatorSettings
from tests.support.inproc import BINANCE_API_KEY, BINANCE_SECRET_KEY, RunningSimulator, serve_app
from tools.processes import free_port

BALANCE = "/fapi/v3/balance"
ORDER = "/fapi/v1/order"
HEADER = "X-MBX-APIKEY"


def _now() -> int:
    return int(time.time() * 1000)


def _get(sim: RunningSimulator, path: str, query: str, key: str | None = BINANCE_API_KEY) -> tuple[int, Any]:
    headers = {HEADER: key} if key is not None else {}
    resp = requests.get(f"{sim.url}{path}?{query}", headers=headers, timeout=5)
    return resp.status_code, resp.json()


def _signed(secret: str = BINANCE_SECRET_KEY, **params: signing.Param) -> str:
    return signing.signed_query(secret, {"recvWindow": 5000, "timestamp": _now(), **params})


def test_correctly_signed_request_is_served(simulator: RunningSimulator) -> None:
    status, body = _get(simulator, BALANCE, _signed())
    assert status == 200
    assert [row["asset"] for row in body] == ["USDC", "USDT"]
    assert body[1]["balance"] == "10000.00000000"


def test_signature_hex_is_case_insensitive(simulator: RunningSimulator) -> None:
    query, _, sig = _signed().rpartition("&signature=")
    assert _get(simulator, BALANCE, f"{query}&signature={sig.upper()}")[0] == 200


def test_wrong_secret_is_refused(simulator: RunningSimulator) -> None:
    assert _get(simulator, BALANCE, _signed("not-the-secret")) == (
        400,
        {"code": -1022, "msg": "Signature for this request is not valid."},
    )


def test_tampered_parameter_is_refused(simulator: RunningSimulator) -> None:
    query = _signed(symbol="BTCUSDT")
    status, body = _get(simulator, "/fapi/v2/positionRisk", query.replace("BTCUSDT", "ETHUSDT"))
    assert (status, body["code"]) == (400, -1022)


def test_signature_must_be_the_last_parameter(simulator: RunningSimulator) -> None:
    query, _, sig = _signed().rpartition("&")
    assert _get(simulator, BALANCE, f"{sig}&{query}")[1]["code"] == -1022


def test_values_are_signed_as_sent_percent_encoded(simulator: RunningSimulator) -> None:
    params: dict[str, signing.Param] = {
        "symbol": "BTCUSDT",
        "origClientOrderId": "a:b/c",
        "recvWindow": 5000,
        "timestamp": _now(),
    }
    sent = signing.encode(params)
    assert "a%3Ab%2Fc" in sent
    # Signed over the encoded text: past the signature check, the venue looks the order up.
    ok = f"{sent}&signature={signing.signature(BINANCE_SECRET_KEY, sent)}"
    assert _get(simulator, ORDER, ok) == (400, {"code": -2013, "msg": "Order does not exist."})
    decoded = sent.replace("a%3Ab%2Fc", "a:b/c")
    wrong = f"{sent}&signature={signing.signature(BINANCE_SECRET_KEY, decoded)}"
    assert _get(simulator, ORDER, wrong)[1]["code"] == -1022


def test_unknown_api_key_is_refused_with_401(simulator: RunningSimulator) -> None:
    other = "Z" * 64  # well formed, but no account has it
    assert _get(simulator, BALANCE, _signed(), key=other) == (
        401,
        {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."},
    )


def test_malformed_or_missing_api_key_is_refused_with_401(simulator: RunningSimulator) -> None:
    for key in ("someone-else", None):
        assert _get(simulator, BALANCE, _signed(), key=key) == (
            401,
            {"code": -2014, "msg": "API-key format invalid."},
        )


def test_stale_timestamp_is_refused(simulator: RunningSimulator) -> None:
    stale = signing.signed_query(BINANCE_SECRET_KEY, {"recvWindow": 5000, "timestamp": _now() - 10_000})
    assert _get(simulator, BALANCE, stale) == (
        400,
        {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."},
    )


def test_timestamp_a_second_ahead_is_refused(simulator: RunningSimulator) -> None:
    ahead = signing.signed_query(BINANCE_SECRET_KEY, {"timestamp": _now() + 2_000})
    status, body = _get(simulator, BALANCE, ahead)
    assert (status, body["code"]) == (400, -1021)
    assert "ahead of the server's time" in body["msg"]


def test_a_wider_recv_window_admits_an_older_timestamp(simulator: RunningSimulator) -> None:
    older = {"timestamp": _now() - 10_000}
    assert _get(simulator, BALANCE, signing.signed_query(BINANCE_SECRET_KEY, older))[0] == 400
    wide = signing.signed_query(BINANCE_SECRET_KEY, {**older, "recvWindow": 20_000})
    assert _get(simulator, BALANCE, wide)[0] == 200


def test_missing_signature_or_timestamp_is_a_missing_parameter(simulator: RunningSimulator) -> None:
    status, body = _get(simulator, BALANCE, f"timestamp={_now()}")
    assert (status, body["code"]) == (400, -1102)
    assert "'signature'" in body["msg"]
    no_time = f"recvWindow=5000&signature={signing.signature(BINANCE_SECRET_KEY, 'recvWindow=5000')}"
    assert "'timestamp'" in _get(simulator, BALANCE, no_time)[1]["msg"]


def test_public_endpoints_need_no_key(simulator: RunningSimulator) -> None:
    status, body = _get(simulator, "/fapi/v1/time", "", key=None)
    assert status == 200 and abs(body["serverTime"] - _now()) < 5_000


def test_every_answer_reports_the_used_weight(simulator: RunningSimulator) -> None:
    first = requests.get(f"{simulator.url}/fapi/v1/time", timeout=5)
    refused = requests.get(f"{simulator.url}{BALANCE}?{_signed()}", headers={HEADER: "x"}, timeout=5)
    assert int(refused.headers["X-MBX-USED-WEIGHT-1M"]) > int(first.headers["X-MBX-USED-WEIGHT-1M"])


# -- the documented examples, replayed against a venue whose clock is pinned -----------------

KEY_A = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SECRET_A = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
KEY_B = "dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83"
SECRET_B = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
TS_A = 1499827319559
TS_B = 1591702613943
BN1_SIG = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
BN2_SIG = "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3"
BN4_SIG = "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77"
BN5_SIG = "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9"
BN6_SIG = "f9d0ae5e813ef6ccf15c2b5a434047a0181cb5a342b903b367ca6d27a66e36f2"
# BN-6 recomputed over the bytes the documented curl really sends (no stray space).
BN6_SENT_SIG = "30baaf0fab549bbeda7f5ef201898b34122da25fd23c646cac2c529aebe670a4"
BN5_QUERY = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000"


@contextmanager
def doc_venue(signed_at_ms: int) -> Iterator[str]:
    """A venue holding both documented key pairs, its clock 200 ms after the request was signed."""
    port = free_port()
    settings = SimulatorSettings(
        _env_file=None,  # type: ignore[call-arg]
        simulator_port=port,
        binance_api_key=SecretStr(KEY_B),
        binance_secret_key=SecretStr(SECRET_B),
    )
    sim = build(settings, clock=lambda: signed_at_ms + 200)
    sim.exchanges["binance"].add_account(KEY_A, SECRET_A, Decimal(10000))
    with serve_app(sim.app, port):
        yield f"http://127.0.0.1:{port}"


def _post(url: str, key: str, body: str | None = None) -> tuple[int, Any]:
    headers = {HEADER: key}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    resp = requests.post(url, data=body, headers=headers, timeout=5)
    return resp.status_code, resp.json()


def test_documented_query_string_order() -> None:
    with doc_venue(TS_B) as url:
        status, order = _post(f"{url}{ORDER}?{BN5_QUERY}&timestamp={TS_B}&signature={BN5_SIG}", KEY_B)
    assert status == 200, order
    assert (order["symbol"], order["side"], order["type"], order["status"]) == (
        "BTCUSDT",
        "BUY",
        "LIMIT",
        "NEW",
    )
    assert (order["origQty"], order["price"], order["timeInForce"]) == ("1.000", "9000.0", "GTC")


def test_documented_form_body_order() -> None:
    with doc_venue(TS_B) as url:
        status, order = _post(f"{url}{ORDER}", KEY_B, f"{BN5_QUERY}&timestamp={TS_B}&signature={BN5_SIG}")
    assert (status, order["status"]) == (200, "NEW")


def test_documented_mixed_order_as_printed_is_refused() -> None:
    # The published signature covers "timestamp= 1591702613943" (a stray space) the curl never sends.
    with doc_venue(TS_B) as url:
        query = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
        body = f"quantity=1&price=9000&recvWindow=5000&timestamp={TS_B}"
        printed = _post(f"{url}{ORDER}?{query}", KEY_B, f"{body}&signature={BN6_SIG}")
        sent = _post(f"{url}{ORDER}?{query}", KEY_B, f"{body}&signature={BN6_SENT_SIG}")
    assert printed == (400, {"code": -1022, "msg": "Signature for this request is not valid."})
    assert (sent[0], sent[1]["status"]) == (200, "NEW")


def test_documented_spot_vectors_pass_the_signature_check() -> None:
    # BN-1 (query), BN-2 (percent-encoded symbol) and BN-4 (query + body) are spot requests: the
    # signature is accepted, and the futures venue then knows no such symbol.
    spot = "side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000"
    bn1 = f"symbol=LTCBTC&{spot}&timestamp={TS_A}&signature={BN1_SIG}"
    odd = "%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96"
    bn2 = f"symbol={odd}&{spot}&timestamp={TS_A}&signature={BN2_SIG}"
    bn4_body = f"quantity=1&price=0.1&recvWindow=5000&timestamp={TS_A}&signature={BN4_SIG}"
    invalid_symbol = (400, {"code": -1121, "msg": "Invalid symbol."})
    with doc_venue(TS_A) as url:
        assert _post(f"{url}{ORDER}?{bn1}", KEY_A) == invalid_symbol
        assert _post(f"{url}{ORDER}?{bn2}", KEY_A) == invalid_symbol
        mixed = f"{url}{ORDER}?symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC"
        assert _post(mixed, KEY_A, bn4_body) == invalid_symbol
        # the same request under the other documented key is not signed by its secret
        assert _post(f"{url}{ORDER}?{bn1}", KEY_B)[1]["code"] == -1022


def test_one_changed_character_breaks_the_documented_signature() -> None:
    with doc_venue(TS_B) as url:
        changed = BN5_QUERY.replace("price=9000", "price=9001")
        status, body = _post(f"{url}{ORDER}?{changed}&timestamp={TS_B}&signature={BN5_SIG}", KEY_B)
    assert (status, body["code"]) == (400, -1022)


def test_the_documented_order_is_refused_once_stale() -> None:
    with doc_venue(TS_B + 10_000) as url:
        status, body = _post(f"{url}{ORDER}?{BN5_QUERY}&timestamp={TS_B}&signature={BN5_SIG}", KEY_B)
    assert (status, body["code"]) == (400, -1021)
