"""A real third-party client, unchanged: ccxt's `bingx` (swap) and `binanceusdm`, with only their
API URLs pointed at the simulator, load the markets, read the account, trade, and are refused a
wrong key the way the venues refuse it.

Every request goes through a session that refuses any host off loopback (tests/support/ccxt_clients.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import ccxt
import pytest
import requests

from tests.support.ccxt_clients import CLIENTS, Client, LoopbackOnly
from tests.support.inproc import API_KEY, BINANCE_API_KEY, BINANCE_SECRET_KEY, SECRET_KEY, RunningSimulator

VENUES = ("bingx", "binance")


@pytest.fixture(params=VENUES)
def client(request: pytest.FixtureRequest, simulator: RunningSimulator) -> Iterator[Client]:
    made = CLIENTS[request.param](simulator)
    yield made
    assert made.session.foreign == []


def move_price(sim: RunningSimulator, client: Client, price: str) -> None:
    answer = requests.post(
        f"{sim.url}/_sim/price",
        json={"venue": client.venue, "symbol": client.contract, "price": price},
        timeout=5,
    )
    assert answer.status_code == 200


def test_every_api_url_is_the_simulators(client: Client, simulator: RunningSimulator) -> None:
    urls = client.exchange.urls["api"]
    assert urls and all(url.startswith(simulator.url + "/") for url in urls.values())


def test_load_markets_lists_the_simulators_contracts(client: Client, simulator: RunningSimulator) -> None:
    markets = client.exchange.load_markets()
    inst = simulator.sim.exchanges[client.venue].instruments["BTC-USDT"]
    listed = simulator.sim.exchanges[client.venue].instruments.values()
    assert set(markets) == {f"{i.base}/USDT:USDT" for i in listed}
    btc = markets[client.symbol]
    assert (btc["swap"], btc["linear"], btc["settle"], btc["active"]) == (True, True, "USDT", True)
    assert Decimal(str(btc["precision"]["amount"])) == inst.qty_step
    assert Decimal(str(btc["precision"]["price"])) == inst.price_tick
    assert Decimal(str(btc["limits"]["amount"]["min"])) == inst.min_qty
    assert "USDT" in client.exchange.currencies


def test_balance_and_ticker(client: Client, simulator: RunningSimulator) -> None:
    balance = client.exchange.fetch_balance()
    assert (balance["USDT"]["free"], balance["USDT"]["total"]) == (10000.0, 10000.0)
    client.exchange.create_order(client.symbol, "market", "buy", 0.01)
    move_price(simulator, client, "61200")
    move_price(simulator, client, "60600")
    ticker = client.exchange.fetch_ticker(client.symbol)
    assert (ticker["open"], ticker["high"], ticker["low"], ticker["last"]) == (60000, 61200, 60000, 60600)
    assert ticker["percentage"] == pytest.approx(1.0)
    assert (ticker["baseVolume"], ticker["quoteVolume"]) == (0.01, 600.0)


def test_market_and_limit_orders_by_id_and_by_client_id(client: Client) -> None:
    ex, symbol = client.exchange, client.symbol
    bought = ex.create_order(symbol, "market", "buy", 0.01)
    assert ex.fetch_order(bought["id"], symbol)["status"] == "closed"
    assert ex.fetch_order(bought["id"], symbol)["filled"] == 0.01

    resting = ex.create_order(symbol, "limit", "buy", 0.01, 50000, {"clientOrderId": "ccxt-limit-1"})
    assert (resting["clientOrderId"], resting["status"]) == ("ccxt-limit-1", "open")
    assert ex.fetch_order(resting["id"], symbol)["clientOrderId"] == "ccxt-limit-1"
    assert fetch_by_client_id(client, "ccxt-limit-1")["id"] == resting["id"]
    assert [o["id"] for o in ex.fetch_open_orders(symbol)] == [resting["id"]]
    assert ex.cancel_order(resting["id"], symbol)["status"] == "canceled"

    other = ex.create_order(symbol, "limit", "sell", 0.01, 70000, {"clientOrderId": "ccxt-limit-2"})
    cancelled = ex.cancel_order(None, symbol, {"clientOrderId": "ccxt-limit-2"})
    assert (cancelled["id"], cancelled["status"]) == (other["id"], "canceled")
    assert ex.fetch_open_orders(symbol) == []


def fetch_by_client_id(client: Client, client_order_id: str) -> dict[str, Any]:
    ex = client.exchange
    if client.venue == "binance":
        return dict(ex.fetch_order(None, client.symbol, {"clientOrderId": client_order_id}))
    # ccxt's bingx fetchOrder always sends orderId; its implicit endpoint takes the client id.
    answer = ex.swapV2PrivateGetTradeOrder({"symbol": client.contract, "clientOrderId": client_order_id})
    return dict(ex.parse_order(answer["data"]["order"], ex.market(client.symbol)))


def test_leverage_margin_mode_and_positions(client: Client) -> None:
    ex, symbol = client.exchange, client.symbol
    ex.set_leverage(7, symbol, client.leverage_params)
    ex.set_margin_mode("isolated", symbol)
    ex.create_order(symbol, "market", "buy", 0.02)
    [position] = ex.fetch_positions([symbol])
    assert (position["symbol"], position["side"], position["contracts"]) == (symbol, "long", 0.02)
    assert (position["marginMode"], position["entryPrice"]) == ("isolated", 60000)
    assert position["initialMargin"] == pytest.approx(0.02 * 60000 / 7, abs=0.01)
    # Binance's positionRisk v3 names no leverage; ccxt reads it from BingX's positions.
    assert position["leverage"] == (7 if client.venue == "bingx" else None)
    ex.create_order(symbol, "market", "sell", 0.02, None, {"reduceOnly": True})
    assert ex.fetch_positions([symbol]) == []
    ex.set_margin_mode("cross", symbol)


def test_stop_loss_and_take_profit_rest_then_fire(client: Client, simulator: RunningSimulator) -> None:
    ex, symbol = client.exchange, client.symbol
    ex.create_order(symbol, "market", "buy", 0.01)
    stop = ex.create_order(symbol, "market", "sell", 0.01, None, {"stopLossPrice": 55000})
    take = ex.create_order(symbol, "market", "sell", 0.01, None, {"takeProfitPrice": 65000})
    waiting = resting_triggers(client)
    assert {o["id"]: trigger_of(o) for o in waiting} == {stop["id"]: 55000, take["id"]: 65000}

    move_price(simulator, client, "54900")
    assert ex.fetch_positions([symbol]) == []
    assert [o["id"] for o in resting_triggers(client)] == [take["id"]]


def resting_triggers(client: Client) -> list[dict[str, Any]]:
    """Conditional orders waiting on the venue: Binance lists them apart (its algo orders)."""
    params = {"trigger": True} if client.venue == "binance" else {}
    return [o for o in client.exchange.fetch_open_orders(client.symbol, None, None, params) if trigger_of(o)]


def trigger_of(order: dict[str, Any]) -> float | None:
    """ccxt reads a BingX stop's price as stopLossPrice / takeProfitPrice, a Binance one's as
    triggerPrice."""
    price = order["triggerPrice"] or order["stopLossPrice"] or order["takeProfitPrice"]
    return None if price is None else float(price)


def test_binance_trigger_price_order_rests_as_an_algo_order(simulator: RunningSimulator) -> None:
    client = CLIENTS["binance"](simulator)
    ex, symbol = client.exchange, client.symbol
    placed = ex.create_order(symbol, "market", "buy", 0.01, None, {"triggerPrice": 62000})
    [waiting] = resting_triggers(client)
    assert (waiting["id"], trigger_of(waiting), waiting["side"]) == (placed["id"], 62000, "buy")
    move_price(simulator, client, "62000")
    [position] = ex.fetch_positions([symbol])
    assert position["contracts"] == 0.01
    assert client.session.foreign == []


def test_bingx_entry_carries_its_stop_loss_and_take_profit(simulator: RunningSimulator) -> None:
    client = CLIENTS["bingx"](simulator)
    ex, symbol = client.exchange, client.symbol
    ex.create_order(
        symbol,
        "market",
        "buy",
        0.01,
        None,
        {"stopLoss": {"triggerPrice": 57000}, "takeProfit": {"triggerPrice": 63000}},
    )
    waiting = resting_triggers(client)
    assert sorted((trigger_of(o), o["amount"], o["side"]) for o in waiting) == [
        (57000, 0.01, "sell"),
        (63000, 0.01, "sell"),
    ]
    assert {o["stopLossPrice"] for o in waiting} == {57000, None}
    move_price(simulator, client, "63000")
    assert ex.fetch_positions([symbol]) == []
    assert client.session.foreign == []


# A wrong credential of the right shape (reversed: same length and alphabet), and the venue's
# code for it, which ccxt maps to AuthenticationError.
WRONG = {
    ("bingx", "secret"): ({"secret": SECRET_KEY[::-1]}, "100001"),
    ("bingx", "api_key"): ({"api_key": API_KEY[::-1]}, "100413"),
    ("binance", "secret"): ({"secret": BINANCE_SECRET_KEY[::-1]}, "-1022"),
    ("binance", "api_key"): ({"api_key": BINANCE_API_KEY[::-1]}, "-2015"),
}


@pytest.mark.parametrize(("venue", "wrong"), list(WRONG))
def test_a_wrong_secret_or_key_is_an_authentication_error(
    venue: str, wrong: str, simulator: RunningSimulator
) -> None:
    credential, code = WRONG[venue, wrong]
    client = CLIENTS[venue](simulator, **credential)
    # Loading the markets signs a request too (the wallet's coin list).
    with pytest.raises(ccxt.AuthenticationError, match=f'"code":{code}'):
        client.exchange.load_markets()
    right = CLIENTS[venue](simulator)
    client.exchange.set_markets(right.exchange.load_markets())
    with pytest.raises(ccxt.AuthenticationError, match=f'"code":{code}'):
        client.exchange.fetch_balance()
    assert client.session.sent[-1].path in ("/openApi/swap/v3/user/balance", "/fapi/v3/account")
    assert client.session.foreign == []


def test_the_session_refuses_a_host_off_loopback() -> None:
    session = LoopbackOnly()
    with pytest.raises(AssertionError, match=r"open-api\.bingx\.com"):
        session.get("https://open-api.bingx.com/openApi/swap/v2/server/time", timeout=1)
    assert (session.foreign, session.sent) == (["https://open-api.bingx.com/openApi/swap/v2/server/time"], [])
