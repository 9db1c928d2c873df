"""What a general-purpose client reads besides trading: 24-hour tickers, Binance's leverage
brackets, the listings it loads markets from, and an isolated position's wallet."""

from __future__ import annotations

import itertools
import time
from decimal import Decimal
from typing import Any

import requests

from executor.venues.binance import signing
from simulator.binance.brackets import brackets, max_notional
from simulator.binance.instruments import default_instruments
from simulator.day_stats import DAY_MS, DayWindow
from simulator.exchange import Exchange
from simulator.records import Instrument
from simulator.records import default_instruments as bingx_instruments
from tests.support.inproc import BINANCE_API_KEY, BINANCE_SECRET_KEY, RunningSimulator


def binance(sim: RunningSimulator, method: str, path: str, **params: signing.Param) -> tuple[int, Any]:
    query = signing.signed_query(BINANCE_SECRET_KEY, {**params, "timestamp": int(time.time() * 1000)})
    answer = requests.request(
        method, f"{sim.url}{path}?{query}", headers={"X-MBX-APIKEY": BINANCE_API_KEY}, timeout=5
    )
    return answer.status_code, answer.json()


def test_brackets_keep_the_maintenance_margin_continuous() -> None:
    for inst in default_instruments():
        ladder = brackets(inst)
        assert ladder[0].leverage == inst.max_leverage
        assert [b.floor for b in ladder[1:]] == [b.cap for b in ladder[:-1]]
        for lower, upper in itertools.pairwise(ladder):
            at_floor = upper.floor
            assert at_floor * lower.maint_rate - lower.cum == at_floor * upper.maint_rate - upper.cum
            assert upper.leverage < lower.leverage and upper.maint_rate > lower.maint_rate


def test_max_notional_is_the_last_bracket_a_leverage_reaches() -> None:
    btc = next(i for i in default_instruments() if i.symbol == "BTC-USDT")
    ladder = brackets(btc)
    assert max_notional(btc, btc.max_leverage) == ladder[0].cap
    assert max_notional(btc, 101) == ladder[0].cap
    assert max_notional(btc, 100) == ladder[1].cap
    assert max_notional(btc, 1) == ladder[-1].cap


def test_leverage_bracket_endpoint(simulator: RunningSimulator) -> None:
    status, every = binance(simulator, "GET", "/fapi/v1/leverageBracket")
    assert status == 200
    assert [row["symbol"] for row in every] == [i.base + i.quote for i in default_instruments()]
    status, one = binance(simulator, "GET", "/fapi/v1/leverageBracket", symbol="BTCUSDT")
    assert (status, one) == (200, every[0])
    first = one["brackets"][0]
    assert first == {
        "bracket": 1,
        "initialLeverage": 125,
        "notionalCap": 50000,
        "notionalFloor": 0,
        "maintMarginRatio": 0.004,
        "cum": 0.0,
    }
    assert binance(simulator, "GET", "/fapi/v1/leverageBracket", symbol="NOPEUSDT")[0] == 400


def test_day_window_keeps_24_hours_of_prices_and_fills() -> None:
    now = [1_000_000_000_000]
    exchange = Exchange(
        "x", [Instrument("BTC", "USDT", 3, 1, Decimal("0.001"), Decimal(5), 100, Decimal(100))]
    )
    window = DayWindow(exchange, lambda: now[0])
    exchange.set_price("BTC-USDT", Decimal(120))
    now[0] += DAY_MS // 2
    exchange.set_price("BTC-USDT", Decimal(90))
    day = window.stats("BTC-USDT")
    assert [day.open, day.high, day.low, day.last] == [Decimal(100), Decimal(120), Decimal(90), Decimal(90)]
    assert day.count == 0
    assert day.change_percent == -10
    now[0] += DAY_MS // 2 + 1  # the move to 120 is now older than a day
    day = window.stats("BTC-USDT")
    assert [day.open, day.high, day.low, day.last] == [Decimal(120), Decimal(120), Decimal(90), Decimal(90)]
    assert day.open_ms == now[0] - DAY_MS


def test_tickers_count_the_accounts_fills(simulator: RunningSimulator) -> None:
    status, _ = binance(
        simulator, "POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.01"
    )
    assert status == 200
    ticker = requests.get(
        f"{simulator.url}/fapi/v1/ticker/24hr", params={"symbol": "BTCUSDT"}, timeout=5
    ).json()
    assert (ticker["volume"], ticker["quoteVolume"], ticker["count"]) == ("0.010", "600.00000000", 1)
    assert ticker["firstId"] == ticker["lastId"] > 0
    every = requests.get(f"{simulator.url}/openApi/swap/v2/quote/ticker", timeout=5).json()["data"]
    assert [t["symbol"] for t in every] == [i.symbol for i in bingx_instruments()]
    assert every[0]["volume"] == "0"  # the Binance account's fill is not BingX's


def test_listings_of_markets_the_simulator_does_not_trade(simulator: RunningSimulator) -> None:
    def data(path: str) -> Any:
        return requests.get(f"{simulator.url}{path}", timeout=5).json()["data"]

    assert data("/openApi/spot/v1/common/symbols") == {"symbols": []}
    assert data("/openApi/cswap/v1/market/contracts") == []
    margin = requests.get(
        f"{simulator.url}/sapi/v1/margin/allPairs", headers={"X-MBX-APIKEY": BINANCE_API_KEY}, timeout=5
    )
    assert (margin.status_code, margin.json()) == (200, [])
    assert requests.get(f"{simulator.url}/sapi/v1/margin/allPairs", timeout=5).json()["code"] == -2014
    status, coins = binance(simulator, "GET", "/sapi/v1/capital/config/getall")
    assert status == 200
    assert [c["coin"] for c in coins] == ["USDT", *(i.base for i in default_instruments())]
    assert all(c["networkList"] == [] and not c["depositAllEnable"] for c in coins)


def test_isolated_position_reports_its_wallet(simulator: RunningSimulator) -> None:
    binance(simulator, "POST", "/fapi/v1/leverage", symbol="BTCUSDT", leverage=5)
    binance(simulator, "POST", "/fapi/v1/marginType", symbol="BTCUSDT", marginType="ISOLATED")
    binance(simulator, "POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.01")
    requests.post(
        f"{simulator.url}/_sim/price",
        json={"venue": "binance", "symbol": "BTC-USDT", "price": "61000"},
        timeout=5,
    )
    _, [v3] = binance(simulator, "GET", "/fapi/v3/positionRisk", symbol="BTCUSDT")
    _, [v2] = binance(simulator, "GET", "/fapi/v2/positionRisk", symbol="BTCUSDT")
    for row in (v2, v3):
        assert (row["isolatedWallet"], row["isolatedMargin"]) == ("120.00000000", "130.00000000")
    assert v2["maxNotionalValue"] == str(max_notional(default_instruments()[0], 5))
