"""BingX's swap user-data stream on the simulator, over real HTTP and a real websocket: the listen
key, gzip framing and the Ping/Pong heartbeat, the settings snapshot, and the events orders,
fills, conditional orders, a liquidation and a close from the app produce."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import pytest
import requests
from websockets.sync.client import connect

from executor.venues.bingx import signing
from simulator.records import default_instruments
from tests.simulator.user_streams import WAIT_S, Bingx, control, ws_url
from tests.support.inproc import API_KEY, RunningSimulator, running_simulator

LISTEN_KEY = "/openApi/user/auth/userDataStream"
# Every contract the simulator lists, in its order: the settings snapshot names each.
SYMBOLS = [inst.symbol for inst in default_instruments()]


@pytest.fixture
def venue(simulator: RunningSimulator) -> Bingx:
    return Bingx(simulator)


def _listen_key(venue: Bingx, method: str, key: str | None) -> requests.Response:
    query = f"?listenKey={key}" if key is not None else ""
    return requests.request(method, f"{venue.sim.url}{LISTEN_KEY}{query}", timeout=5)


def test_generating_a_key_takes_the_api_key_and_answers_it_bare(venue: Bingx) -> None:
    plain = requests.post(f"{venue.sim.url}{LISTEN_KEY}", headers={"X-BX-APIKEY": API_KEY}, timeout=5)
    assert plain.status_code == 200
    key = plain.json()["listenKey"]
    assert len(key) == 64 and all(c in "0123456789abcdef" for c in key)
    assert set(plain.json()) == {"listenKey"}  # no {"code", "data"} envelope

    signed = venue.signed("POST", LISTEN_KEY)  # as ccxt sends it
    assert signed.status_code == 200 and signed.json()["listenKey"] not in ("", key)

    query = signing.signed_query("not-the-secret", {"timestamp": 1})
    forged = requests.post(
        f"{venue.sim.url}{LISTEN_KEY}?{query}", headers={"X-BX-APIKEY": API_KEY}, timeout=5
    )
    assert forged.json()["code"] == 100001
    nobody = requests.post(f"{venue.sim.url}{LISTEN_KEY}", timeout=5)
    assert nobody.json()["code"] == 100413


def test_extending_and_deleting_a_key_answer_with_the_status_alone(venue: Bingx) -> None:
    key = venue.listen_key()
    for method in ("PUT", "DELETE"):
        unnamed = _listen_key(venue, method, None)
        assert (unnamed.status_code, unnamed.content) == (204, b"")
        unknown = _listen_key(venue, method, "f" * 64)
        assert unknown.status_code == 404
    extended = _listen_key(venue, "PUT", key)
    assert (extended.status_code, extended.content) == (200, b"")
    with venue.stream(key) as stream:
        deleted = _listen_key(venue, "DELETE", key)
        assert (deleted.status_code, deleted.content) == (200, b"")
        closed = stream.closed()
        assert closed.rcvd is not None and closed.rcvd.code == 1000
        assert all(event["e"] == "ACCOUNT_CONFIG_UPDATE" for event in stream.skipped)  # no notice
    assert _listen_key(venue, "PUT", key).status_code == 404


def test_frames_are_gzip_in_binary_frames_and_open_with_a_settings_snapshot(venue: Bingx) -> None:
    key = venue.listen_key()
    with connect(ws_url(venue.sim, f"/swap-market?listenKey={key}"), open_timeout=WAIT_S) as ws:
        first = ws.recv(timeout=WAIT_S)
        assert isinstance(first, bytes) and first[:2] == b"\x1f\x8b"  # the gzip magic number
        assert b'"ACCOUNT_CONFIG_UPDATE"' in gzip.decompress(first)
    with venue.stream() as stream:
        snapshot = [stream.next("ACCOUNT_CONFIG_UPDATE") for _ in SYMBOLS]
    assert [e["ac"]["s"] for e in snapshot] == SYMBOLS
    assert snapshot[0]["ac"] == {"s": "BTC-USDT", "l": 10, "S": 10, "mt": "cross"}


@pytest.fixture
def quick_heartbeat() -> Iterator[RunningSimulator]:
    with running_simulator(simulator_bingx_heartbeat_s=0.3, simulator_bingx_snapshot_s=60) as sim:
        yield sim


def test_a_pinged_client_that_answers_pong_stays(quick_heartbeat: RunningSimulator) -> None:
    venue = Bingx(quick_heartbeat)
    with venue.stream() as stream:
        stream.heartbeats(4)  # each answered: twice the time that ends a silent connection
        venue.order(side="BUY", type="MARKET", quantity="0.01")
        assert stream.next("ORDER_TRADE_UPDATE")["o"]["x"] == "NEW"


def test_a_client_that_never_answers_ping_is_closed(quick_heartbeat: RunningSimulator) -> None:
    venue = Bingx(quick_heartbeat)
    with venue.stream(answer_pings=False) as stream:
        closed = stream.closed()
    assert closed.rcvd is not None
    assert (closed.rcvd.code, closed.rcvd.reason) == (1000, "heartbeat not answered")
    assert stream.pings >= 2


def test_an_orders_fill_on_the_stream_and_by_rest(venue: Bingx) -> None:
    with venue.stream() as stream:
        placed = venue.order(side="BUY", type="MARKET", quantity="0.01", clientOrderId="Mine-1")
        new = stream.next("ORDER_TRADE_UPDATE")["o"]
        assert (new["i"], new["c"], new["s"], new["S"], new["o"], new["x"], new["X"]) == (
            placed["orderId"],
            "mine-1",
            "BTC-USDT",
            "BUY",
            "MARKET",
            "NEW",
            "NEW",
        )
        assert isinstance(new["i"], int)  # a bare integer, as the venue sends it
        order = stream.next("ORDER_TRADE_UPDATE")["o"]
        assert (order["x"], order["X"], order["z"], order["ap"]) == (
            "TRADE",
            "FILLED",
            "0.01000000",
            "60000.00000000",
        )
        assert (order["n"], order["N"], order["rp"]) == ("-0.30000000", "USDT", "0.00000000")
        trade = stream.next("TRADE_UPDATE")
        assert trade["o"]["i"] == placed["orderId"] and trade["o"]["x"] == "TRADE"
        assert isinstance(trade["o"]["td"], int) and trade["o"]["tv"] == "600"
        account = stream.next("ACCOUNT_UPDATE")["a"]
        assert account["m"] == "ORDER"
        assert account["B"] == [{"a": "USDT", "wb": "9999.70000000", "cw": "9999.70000000", "bc": "0"}]
        (position,) = account["P"]
        assert (position["s"], position["pa"], position["ep"], position["ps"], position["cr"]) == (
            "BTC-USDT",
            "0.01000000",
            "60000.00000000",
            "LONG",
            "-0.30000000",
        )

    history = venue.call("GET", "/openApi/swap/v2/trade/fillHistory", symbol="BTC-USDT")
    assert history["total"] == 1
    (row,) = history["fill_history_orders"]
    assert (row["tradeId"], row["orderId"], row["commission"], row["role"], row["side"]) == (
        str(trade["o"]["td"]),
        str(placed["orderId"]),
        "-0.3",
        "taker",
        "buy",
    )
    assert (row["qty"], row["price"], row["quoteQty"], row["commissionAsset"]) == (
        "0.01",
        "60000",
        "600",
        "USDT",
    )
    after = venue.call(
        "GET", "/openApi/swap/v2/trade/fillHistory", symbol="BTC-USDT", lastFillId=row["tradeId"]
    )
    assert after == {"fill_history_orders": [], "total": 0}
    start_only = venue.call("GET", "/openApi/swap/v2/trade/fillHistory", symbol="BTC-USDT", startTs=1)
    assert start_only["fill_history_orders"] == []  # as documented
    older = venue.call(
        "GET",
        "/openApi/swap/v2/trade/allFillOrders",
        symbol="BTC-USDT",
        tradingUnit="COIN",
        startTs=1,
        endTs=2**41,
    )
    assert [(r["orderId"], r["clientOrderId"], r["volume"]) for r in older["fill_orders"]] == [
        (str(placed["orderId"]), "mine-1", "0.01")
    ]


def test_a_cancelled_order_is_spelled_with_one_l(venue: Bingx) -> None:
    with venue.stream() as stream:
        placed = venue.order(side="BUY", type="LIMIT", quantity="0.01", price="59000")
        assert stream.next("ORDER_TRADE_UPDATE")["o"]["X"] == "NEW"
        venue.call("DELETE", "/openApi/swap/v2/trade/order", symbol="BTC-USDT", orderId=placed["orderId"])
        cancelled = stream.next("ORDER_TRADE_UPDATE")["o"]
        assert (cancelled["i"], cancelled["x"], cancelled["X"]) == (placed["orderId"], "CANCELED", "CANCELED")


def test_a_conditional_order_is_one_order_on_the_stream(venue: Bingx) -> None:
    venue.order(side="BUY", type="MARKET", quantity="0.01")
    with venue.stream() as stream:
        stop = venue.order(side="SELL", type="STOP_MARKET", stopPrice="59000", closePosition="true")
        placed = stream.next("ORDER_TRADE_UPDATE")["o"]
        assert (placed["i"], placed["o"], placed["sp"], placed["X"]) == (
            stop["orderId"],
            "STOP_MARKET",
            "59000.00000000",
            "NEW",
        )
        venue.price("58900")
        filled = stream.next("ORDER_TRADE_UPDATE")["o"]  # no second NEW: the order it placed is this one
        assert (filled["i"], filled["o"], filled["x"], filled["X"], filled["ap"]) == (
            stop["orderId"],
            "STOP_MARKET",
            "TRADE",
            "FILLED",
            "58900.00000000",
        )
        trade = stream.next("TRADE_UPDATE")["o"]
        assert trade["i"] == stop["orderId"]
        assert stream.next("ACCOUNT_UPDATE")["a"]["P"][0]["pa"] == "0.00000000"
    rows = venue.call("GET", "/openApi/swap/v2/trade/fillHistory", orderId=stop["orderId"])[
        "fill_history_orders"
    ]
    assert [r["tradeId"] for r in rows] == [str(trade["td"])]


def test_settings_changes(venue: Bingx) -> None:
    with venue.stream() as stream:
        venue.call("POST", "/openApi/swap/v2/trade/leverage", symbol="ETH-USDT", side="BOTH", leverage=7)
        changed = stream.next("ACCOUNT_CONFIG_UPDATE", lambda e: e["ac"]["l"] == 7)
        assert changed["ac"] == {"s": "ETH-USDT", "l": 7, "S": 7, "mt": "cross"}
        venue.call("POST", "/openApi/swap/v2/trade/marginType", symbol="ETH-USDT", marginType="ISOLATED")
        isolated = stream.next("ACCOUNT_CONFIG_UPDATE", lambda e: e["ac"]["mt"] == "isolated")
        assert isolated["ac"]["s"] == "ETH-USDT"


def test_a_liquidation(venue: Bingx) -> None:
    venue.order(side="SELL", type="MARKET", quantity="0.01")
    with venue.stream() as stream:
        control(venue.sim, "liquidate", venue="bingx", symbol="BTC-USDT")
        new = stream.next("ORDER_TRADE_UPDATE")["o"]
        assert (new["o"], new["x"], new["S"], new["c"]) == ("LIQUIDATION", "NEW", "BUY", "")
        done = stream.next("ORDER_TRADE_UPDATE")["o"]
        assert (done["x"], done["X"]) == ("CALCULATED", "FILLED")
        position = stream.next("ACCOUNT_UPDATE")["a"]["P"][0]
        assert (position["pa"], position["ps"]) == ("0.00000000", "SHORT")


def test_a_close_from_the_venues_app(venue: Bingx) -> None:
    venue.order(side="BUY", type="MARKET", quantity="0.01", clientOrderId="mine-2")
    with venue.stream() as stream:
        control(venue.sim, "close", venue="bingx", symbol="BTC-USDT")
        new = stream.next("ORDER_TRADE_UPDATE")["o"]
        assert (new["o"], new["S"], new["c"]) == ("MARKET", "SELL", "")
        assert stream.next("ORDER_TRADE_UPDATE")["o"]["X"] == "FILLED"
    assert venue.call("GET", "/openApi/swap/v2/user/positions", symbol="BTC-USDT") == []


def test_an_expired_key_says_so_and_cannot_be_extended(venue: Bingx) -> None:
    key = venue.listen_key()
    with venue.stream(key) as stream:
        assert control(venue.sim, "streams/expire", venue="bingx", listen_key=key) == {"expired": [key]}
        expired = stream.next("listenKeyExpired")
        assert expired == {"e": "listenKeyExpired", "E": expired["E"], "listenKey": key}
        assert isinstance(expired["E"], int)
        closed = stream.closed()
        assert closed.rcvd is not None and closed.rcvd.code == 1000
    assert _listen_key(venue, "PUT", key).status_code == 404


def test_a_conditional_order_that_cannot_fire_is_cancelled(venue: Bingx) -> None:
    with venue.stream() as stream:
        stop = venue.order(side="SELL", type="STOP_MARKET", stopPrice="59000", closePosition="true")
        assert stream.next("ORDER_TRADE_UPDATE")["o"]["X"] == "NEW"
        venue.price("58900")  # nothing to close: the venue cancels it
        cancelled = stream.next("ORDER_TRADE_UPDATE")["o"]
        assert (cancelled["i"], cancelled["x"], cancelled["X"]) == (stop["orderId"], "CANCELED", "CANCELED")
