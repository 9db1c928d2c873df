"""Binance's user-data stream on the simulator, over real HTTP and a real websocket: the listen
key, the URL forms, and the events an order's life, a fill, a setting, an algo order, a
liquidation and a close from the app produce, in the venue's shapes."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
import requests
from websockets.exceptions import InvalidStatus

from tests.simulator.user_streams import WAIT_S, Binance, control
from tests.support.inproc import RunningSimulator, running_simulator


@pytest.fixture
def venue(simulator: RunningSimulator) -> Binance:
    return Binance(simulator)


def test_listen_key_takes_the_api_key_alone_and_hands_back_the_live_key(venue: Binance) -> None:
    first = venue.keyed("POST")
    assert first.status_code == 200
    key = first.json()["listenKey"]
    assert len(key) == 64 and key.isalnum()
    assert venue.keyed("POST").json() == {"listenKey": key}  # one live key per account

    kept = venue.keyed("PUT")
    assert (kept.status_code, kept.json()) == (200, {"listenKey": key})

    closed = venue.keyed("DELETE")
    assert (closed.status_code, closed.json()) == (200, {})
    for method in ("PUT", "DELETE"):
        gone = venue.keyed(method)
        assert (gone.status_code, gone.json()["code"]) == (400, -1125)
        assert gone.json()["msg"] == "This listenKey does not exist."
    assert venue.keyed("POST").json()["listenKey"] != key


def test_listen_key_refuses_a_missing_or_unknown_api_key(venue: Binance) -> None:
    missing = venue.keyed("POST", api_key=None)
    assert (missing.status_code, missing.json()["code"]) == (401, -2014)
    unknown = venue.keyed("POST", api_key="x" * 64)
    assert (unknown.status_code, unknown.json()["code"]) == (401, -2015)


@pytest.mark.parametrize(
    "form",
    [
        "/ws/{key}",
        "/private/ws/{key}",
        "/private/ws?listenKey={key}&events=ORDER_TRADE_UPDATE/ACCOUNT_UPDATE",
    ],
)
def test_every_url_form_carries_the_stream(venue: Binance, form: str) -> None:
    with venue.stream(form.format(key=venue.listen_key())) as stream:
        venue.order(side="BUY", type="MARKET", quantity="0.010")
        assert stream.frame()["o"]["x"] == "NEW"


def test_the_events_parameter_chooses_what_is_sent(venue: Binance) -> None:
    key = venue.listen_key()
    with venue.stream(f"/private/ws?listenKey={key}&events=ACCOUNT_UPDATE") as stream:
        venue.order(side="BUY", type="MARKET", quantity="0.010")
        assert stream.frame()["e"] == "ACCOUNT_UPDATE"  # the order's own events were left out
    with venue.stream(f"/private/ws?listenKey={key}") as stream:
        venue.order(side="BUY", type="MARKET", quantity="0.010")
        control(venue.sim, "streams/expire", venue="binance")
        assert stream.frame()["e"] == "listenKeyExpired"  # without `events`, nothing else came


def test_a_key_that_is_not_live_is_refused_at_the_handshake(venue: Binance) -> None:
    with pytest.raises(InvalidStatus) as refused, venue.stream("/ws/" + "k" * 64):
        pass
    assert refused.value.response.status_code == 403


def test_closing_the_key_closes_its_streams_without_a_notice(venue: Binance) -> None:
    with venue.stream() as stream:
        venue.keyed("DELETE")
        closed = stream.closed()
        assert closed.rcvd is not None and closed.rcvd.code == 1000
        assert stream.skipped == []


def test_a_resting_orders_life_and_its_fill(venue: Binance) -> None:
    with venue.stream() as stream:
        placed = venue.order(side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.010", price="59000")
        new = stream.next("ORDER_TRADE_UPDATE")
        o = new["o"]
        assert (o["s"], o["i"], o["c"], o["S"], o["o"], o["f"]) == (
            "BTCUSDT",
            placed["orderId"],
            placed["clientOrderId"],
            "BUY",
            "LIMIT",
            "GTC",
        )
        assert (o["x"], o["X"], o["q"], o["p"], o["z"], o["t"], o["ps"]) == (
            "NEW",
            "NEW",
            "0.010",
            "59000.0",
            "0",
            0,
            "BOTH",
        )
        assert isinstance(new["E"], int) and isinstance(new["T"], int)

        venue.price("58900")
        traded = stream.next("ORDER_TRADE_UPDATE")["o"]
        assert (traded["x"], traded["X"], traded["l"], traded["z"], traded["L"], traded["ap"]) == (
            "TRADE",
            "FILLED",
            "0.010",
            "0.010",
            "59000.0",
            "59000.0",
        )
        # It rested, so it filled as a maker: 0.02% of 590 USDT.
        assert (traded["m"], traded["n"], traded["N"]) == (True, "0.11800000", "USDT")
        assert traded["t"] > 0

        account = stream.next("ACCOUNT_UPDATE")["a"]
        assert account["m"] == "ORDER"
        assert account["B"] == [{"a": "USDT", "wb": "9999.88200000", "cw": "9999.88200000", "bc": "0"}]
        (position,) = account["P"]
        assert (position["s"], position["pa"], position["ep"], position["ps"], position["mt"]) == (
            "BTCUSDT",
            "0.010",
            "59000.0",
            "BOTH",
            "cross",
        )


def test_cancelled_and_expired_orders(venue: Binance) -> None:
    with venue.stream() as stream:
        resting = venue.order(side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.010", price="59000")
        venue.call("DELETE", "/fapi/v1/order", symbol="BTCUSDT", orderId=resting["orderId"])
        assert stream.next("ORDER_TRADE_UPDATE", lambda e: e["o"]["x"] == "CANCELED")["o"]["X"] == "CANCELED"

        venue.order(side="BUY", type="LIMIT", timeInForce="IOC", quantity="0.010", price="59000")
        expired = stream.next("ORDER_TRADE_UPDATE", lambda e: e["o"]["x"] == "EXPIRED")["o"]
        assert (expired["X"], expired["f"], expired["er"]) == ("EXPIRED", "IOC", "2")


def test_a_fill_on_the_stream_is_the_same_trade_by_rest(venue: Binance) -> None:
    with venue.stream() as stream:
        venue.order(side="BUY", type="MARKET", quantity="0.010")
        opened = stream.next("ORDER_TRADE_UPDATE", lambda e: e["o"]["x"] == "TRADE")["o"]
        venue.price("61000")
        venue.order(side="SELL", type="MARKET", quantity="0.010", reduceOnly="true")
        closed = stream.next("ORDER_TRADE_UPDATE", lambda e: e["o"]["x"] == "TRADE")["o"]
        account = stream.next("ACCOUNT_UPDATE")["a"]

    assert (opened["m"], opened["n"]) == (False, "0.30000000")  # a taker: 0.05% of 600 USDT
    assert (closed["rp"], closed["n"], closed["R"]) == ("10.00000000", "0.30500000", True)
    assert account["P"][0]["pa"] == "0.000" and account["P"][0]["cr"] == "10.00000000"

    trades = venue.call("GET", "/fapi/v1/userTrades", symbol="BTCUSDT")
    assert [t["id"] for t in trades] == [opened["t"], closed["t"]]
    last = trades[-1]
    assert (last["orderId"], last["commission"], last["realizedPnl"], last["maker"]) == (
        closed["i"],
        closed["n"],
        closed["rp"],
        False,
    )
    assert (last["side"], last["buyer"], last["price"], last["qty"], last["commissionAsset"]) == (
        "SELL",
        False,
        "61000.0",
        "0.010",
        "USDT",
    )
    assert [
        t["id"] for t in venue.call("GET", "/fapi/v1/userTrades", symbol="BTCUSDT", fromId=closed["t"])
    ] == [closed["t"]]
    assert (
        venue.call("GET", "/fapi/v1/userTrades", symbol="BTCUSDT", orderId=opened["i"])[0]["id"]
        == opened["t"]
    )
    combined = venue.signed("GET", "/fapi/v1/userTrades", symbol="BTCUSDT", fromId=1, startTime=1)
    assert (combined.status_code, combined.json()["code"]) == (400, -1128)


def test_settings_changes(venue: Binance) -> None:
    with venue.stream() as stream:
        venue.call("POST", "/fapi/v1/leverage", symbol="ETHUSDT", leverage=25)
        config = stream.next("ACCOUNT_CONFIG_UPDATE")
        assert config["ac"] == {"s": "ETHUSDT", "l": 25}
        venue.call("POST", "/fapi/v1/marginType", symbol="ETHUSDT", marginType="ISOLATED")
        account = stream.next("ACCOUNT_UPDATE")["a"]
        assert account["m"] == "MARGIN_TYPE_CHANGE"
        assert [(p["s"], p["mt"], p["pa"]) for p in account["P"]] == [("ETHUSDT", "isolated", "0.000")]


def test_an_algo_orders_life(venue: Binance) -> None:
    venue.order(side="BUY", type="MARKET", quantity="0.010")
    with venue.stream() as stream:
        algo = venue.call(
            "POST",
            "/fapi/v1/algoOrder",
            algoType="CONDITIONAL",
            symbol="BTCUSDT",
            side="SELL",
            type="STOP_MARKET",
            triggerPrice="59000",
            closePosition="true",
        )
        placed = stream.next("ALGO_UPDATE")["o"]
        assert (placed["aid"], placed["caid"], placed["X"], placed["o"], placed["tp"], placed["cp"]) == (
            algo["algoId"],
            algo["clientAlgoId"],
            "NEW",
            "STOP_MARKET",
            "59000.0",
            True,
        )
        assert placed["ai"] == ""

        venue.price("58900")
        assert stream.next("ALGO_UPDATE")["o"]["X"] == "TRIGGERING"
        triggered = stream.next("ALGO_UPDATE")["o"]
        assert triggered["X"] == "TRIGGERED" and triggered["ai"] != ""
        actual = int(triggered["ai"])
        assert stream.next("ORDER_TRADE_UPDATE")["o"]["i"] == actual
        fill = stream.next("ORDER_TRADE_UPDATE")["o"]
        assert (fill["i"], fill["x"], fill["X"], fill["o"], fill["S"]) == (
            actual,
            "TRADE",
            "FILLED",
            "MARKET",
            "SELL",
        )
        finished = stream.next("ALGO_UPDATE")["o"]
        assert (finished["X"], finished["aq"], finished["ap"]) == ("FINISHED", "0.010", "58900.0")

        other = venue.call(
            "POST",
            "/fapi/v1/algoOrder",
            algoType="CONDITIONAL",
            symbol="BTCUSDT",
            side="BUY",
            type="TAKE_PROFIT_MARKET",
            triggerPrice="58000",
            quantity="0.010",
        )
        venue.call("DELETE", "/fapi/v1/algoOrder", algoId=other["algoId"])
        cancelled = stream.next("ALGO_UPDATE", lambda e: e["o"]["X"] == "CANCELED")["o"]
        assert cancelled["aid"] == other["algoId"]


def test_a_liquidation(venue: Binance) -> None:
    venue.order(side="BUY", type="MARKET", quantity="0.010")
    resting = venue.order(side="SELL", type="LIMIT", timeInForce="GTC", quantity="0.010", price="61000")
    with venue.stream() as stream:
        (forced,) = control(venue.sim, "liquidate", venue="binance", symbol="BTC-USDT", price="55000")
        expired = stream.next("ORDER_TRADE_UPDATE")["o"]
        assert (expired["i"], expired["x"], expired["X"], expired["er"]) == (
            resting["orderId"],
            "EXPIRED",
            "EXPIRED",
            "5",
        )
        new = stream.next("ORDER_TRADE_UPDATE")["o"]
        assert new["c"].startswith("autoclose-") and new["c"] == forced["client_order_id"]
        assert (new["o"], new["x"], new["X"], new["S"], new["R"]) == (
            "LIQUIDATION",
            "NEW",
            "NEW",
            "SELL",
            True,
        )
        done = stream.next("ORDER_TRADE_UPDATE")["o"]
        assert (done["x"], done["X"], done["L"], done["rp"]) == (
            "CALCULATED",
            "FILLED",
            "55000.0",
            "-50.00000000",
        )
        assert stream.next("ACCOUNT_UPDATE")["a"]["P"][0]["pa"] == "0.000"

    order = venue.call("GET", "/fapi/v1/order", symbol="BTCUSDT", origClientOrderId=forced["client_order_id"])
    assert (order["type"], order["status"]) == ("LIQUIDATION", "FILLED")
    assert venue.call("GET", "/fapi/v1/userTrades", symbol="BTCUSDT")[-1]["id"] == done["t"]


def test_a_close_from_the_venues_app(venue: Binance) -> None:
    mine = venue.order(side="BUY", type="MARKET", quantity="0.010")
    with venue.stream() as stream:
        (closed,) = control(venue.sim, "close", venue="binance", symbol="BTC-USDT")
        new = stream.next("ORDER_TRADE_UPDATE")["o"]
        assert new["c"] == closed["client_order_id"] and new["c"].startswith("web_")
        assert new["c"] != mine["clientOrderId"]
        assert (new["o"], new["S"], new["R"]) == ("MARKET", "SELL", True)
        assert stream.next("ORDER_TRADE_UPDATE")["o"]["X"] == "FILLED"
        assert stream.next("ACCOUNT_UPDATE")["a"]["P"][0]["pa"] == "0.000"
    missing = requests.post(
        f"{venue.sim.url}/_sim/close", json={"venue": "binance", "symbol": "BTC-USDT"}, timeout=5
    )
    assert missing.status_code == 404


@pytest.fixture
def short_lived() -> Iterator[RunningSimulator]:
    with running_simulator(simulator_listen_key_ttl_s=1.0, simulator_stream_lifetime_s=60) as sim:
        yield sim


def test_a_key_left_without_keep_alive_expires(short_lived: RunningSimulator) -> None:
    venue = Binance(short_lived)
    with venue.stream() as stream:
        key = venue.keyed("POST").json()["listenKey"]  # the live key, extended once more
        expired = stream.next("listenKeyExpired", timeout=WAIT_S)
        assert expired == {"e": "listenKeyExpired", "E": expired["E"], "listenKey": key}
        assert isinstance(expired["E"], str) and expired["E"].isdigit()  # a string, as observed
        closed = stream.closed()
        assert closed.rcvd is not None and closed.rcvd.code == 1000
    assert venue.keyed("PUT").json()["code"] == -1125


def test_a_connection_ends_at_its_lifetime() -> None:
    with running_simulator(simulator_stream_lifetime_s=1.5) as sim:
        venue = Binance(sim)
        with venue.stream() as stream:
            closed = stream.closed()
        assert closed.rcvd is not None
        assert (closed.rcvd.code, closed.rcvd.reason) == (1001, "connection lifetime reached")
        with venue.stream() as again:  # the key outlives the connection
            venue.order(side="BUY", type="MARKET", quantity="0.010")
            assert again.next("ORDER_TRADE_UPDATE")["o"]["x"] == "NEW"


def test_decimals_are_strings_at_the_contracts_precision(venue: Binance) -> None:
    with venue.stream() as stream:
        venue.order(side="BUY", type="MARKET", quantity="0.010")
        o = stream.next("ORDER_TRADE_UPDATE", lambda e: e["o"]["x"] == "TRADE")["o"]
    for name in ("q", "p", "ap", "l", "z", "L", "n", "rp"):
        assert isinstance(o[name], str), name
        assert Decimal(o[name]).is_finite()
    assert isinstance(o["i"], int) and isinstance(o["t"], int)


def test_a_websocket_ping_is_answered(venue: Binance) -> None:
    with venue.stream() as stream:
        assert stream.ws.ping(b"alive?").wait(WAIT_S)


def test_an_algo_order_with_nothing_to_close_is_rejected_when_it_fires(venue: Binance) -> None:
    with venue.stream() as stream:
        venue.call(
            "POST",
            "/fapi/v1/algoOrder",
            algoType="CONDITIONAL",
            symbol="BTCUSDT",
            side="SELL",
            type="STOP_MARKET",
            triggerPrice="59000",
            closePosition="true",
        )
        assert stream.next("ALGO_UPDATE")["o"]["X"] == "NEW"
        venue.price("58900")
        assert stream.next("ALGO_UPDATE")["o"]["X"] == "TRIGGERING"
        rejected = stream.next("ALGO_UPDATE")["o"]
        assert (rejected["X"], rejected["rm"], rejected["ai"]) == ("REJECTED", "no position to close", "")
    assert not [e for e in stream.skipped if e["e"] == "ORDER_TRADE_UPDATE"]
