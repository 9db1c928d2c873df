"""The parameters each `/fapi` endpoint reads, as its documentation lists them
(docs/venues/binance.md sections 5 and 9; the official connector's docstrings), and what the
venue answers a request that sends others.

A parameter the endpoint does not read is refused with -1104 "Not all sent parameters were
read; read 'N' parameter(s) but was sent 'M'." (HTTP 400), where M counts every pair sent,
`signature` included, and N those the endpoint reads: the futures error page lists the code and
wording, and every published sample counts that way (ccxt#7082: 10 pairs sent with one unknown,
"read '9' ... sent '10'"). Those samples are all from spot (`/api/v3`); that USDⓈ-M answers the
same is the simulator's reading of its error page (simulator/README.md, "Guesses").
A name repeated within the query string or within the body is refused with -1101 "Duplicate
values for a parameter detected." (a message the error page lists under -1101); a name in both
is not, the query string's value wins, as the SIGNED-endpoint section documents.
"""

from __future__ import annotations

from simulator import wire
from simulator.binance import codes
from simulator.binance.codes import BinanceError
from simulator.params import ParamTable

NONE: frozenset[str] = frozenset()
SYMBOL = frozenset({"symbol"})
# Every field the New Order page lists. The conditional ones (stopPrice .. priceProtect) are
# still read, so a conditional type is refused for its type (-4120, observed live) and not for
# them; the official connector dropped them from its docstring on 2025-12-22.
NEW_ORDER = frozenset(
    {
        "symbol",
        "side",
        "positionSide",
        "type",
        "timeInForce",
        "quantity",
        "reduceOnly",
        "price",
        "newClientOrderId",
        "stopPrice",
        "closePosition",
        "activationPrice",
        "callbackRate",
        "workingType",
        "priceProtect",
        "newOrderRespType",
        "priceMatch",
        "selfTradePreventionMode",
        "goodTillDate",
    }
)
NEW_ALGO_ORDER = frozenset(
    {
        "algoType",
        "symbol",
        "side",
        "positionSide",
        "type",
        "timeInForce",
        "quantity",
        "price",
        "triggerPrice",
        "workingType",
        "priceMatch",
        "closePosition",
        "priceProtect",
        "reduceOnly",
        "activatePrice",
        "callbackRate",
        "clientAlgoId",
        "newOrderRespType",
        "selfTradePreventionMode",
        "goodTillDate",
    }
)
ONE_ORDER = frozenset({"symbol", "orderId", "origClientOrderId"})
ONE_ALGO_ORDER = frozenset({"algoId", "clientAlgoId"})
# The listen key's keep-alive and close document no parameter; the official connector sends
# the key as `listenKey`, and the simulator checks it against the account's live key.
LISTEN_KEY = frozenset({"listenKey"})

TABLE = ParamTable(
    endpoints={
        ("GET", "/fapi/v1/ping"): NONE,
        ("GET", "/fapi/v1/time"): NONE,
        ("GET", "/fapi/v1/exchangeInfo"): NONE,
        ("GET", "/fapi/v1/ticker/price"): SYMBOL,
        ("GET", "/fapi/v2/ticker/price"): SYMBOL,
        ("GET", "/fapi/v1/premiumIndex"): SYMBOL,
        ("GET", "/fapi/v2/balance"): NONE,
        ("GET", "/fapi/v3/balance"): NONE,
        ("GET", "/fapi/v2/account"): NONE,
        ("GET", "/fapi/v3/account"): NONE,
        ("GET", "/fapi/v1/commissionRate"): SYMBOL,
        # What a general client reads to list markets and coins (USD-M "24hr Ticker Price
        # Change Statistics", "Notional and Leverage Brackets"; wallet "All Coins' Information";
        # margin "Get All Cross Margin Pairs").
        ("GET", "/fapi/v1/ticker/24hr"): SYMBOL,
        ("GET", "/fapi/v1/leverageBracket"): SYMBOL,
        ("GET", "/sapi/v1/capital/config/getall"): NONE,
        # A MARKET_DATA endpoint (API key only), which ccxt signs anyway and which answers it
        # live: the wallet API reads the signing fields wherever they come (a guess, README).
        ("GET", "/sapi/v1/margin/allPairs"): SYMBOL | {"timestamp", "recvWindow", "signature"},
        ("GET", "/fapi/v2/positionRisk"): SYMBOL,
        ("GET", "/fapi/v3/positionRisk"): SYMBOL,
        ("POST", "/fapi/v1/leverage"): frozenset({"symbol", "leverage"}),
        ("POST", "/fapi/v1/marginType"): frozenset({"symbol", "marginType"}),
        ("GET", "/fapi/v1/positionSide/dual"): NONE,
        ("POST", "/fapi/v1/positionSide/dual"): frozenset({"dualSidePosition"}),
        ("POST", "/fapi/v1/order"): NEW_ORDER,
        ("POST", "/fapi/v1/order/test"): NEW_ORDER,
        ("GET", "/fapi/v1/order"): ONE_ORDER,
        ("DELETE", "/fapi/v1/order"): ONE_ORDER,
        ("GET", "/fapi/v1/openOrders"): SYMBOL,
        ("POST", "/fapi/v1/algoOrder"): NEW_ALGO_ORDER,
        ("GET", "/fapi/v1/algoOrder"): ONE_ALGO_ORDER,
        ("DELETE", "/fapi/v1/algoOrder"): ONE_ALGO_ORDER,
        ("DELETE", "/fapi/v1/algoOpenOrders"): SYMBOL,
        ("GET", "/fapi/v1/openAlgoOrders"): frozenset({"algoType", "symbol", "algoId"}),
        ("GET", "/fapi/v1/allAlgoOrders"): frozenset(
            {"symbol", "algoId", "startTime", "endTime", "page", "limit"}
        ),
        ("GET", "/fapi/v1/userTrades"): frozenset(
            {"symbol", "orderId", "startTime", "endTime", "fromId", "limit"}
        ),
        ("POST", "/fapi/v1/listenKey"): NONE,
        ("PUT", "/fapi/v1/listenKey"): LISTEN_KEY,
        ("DELETE", "/fapi/v1/listenKey"): LISTEN_KEY,
    },
    common=NONE,
    signed=frozenset({"timestamp", "recvWindow", "signature"}),
)


def read(sent: wire.Sent, accepted: frozenset[str]) -> None:
    for part in (sent.query, sent.body):
        names = [p.key for p in part]
        if len(names) != len(set(names)):
            raise BinanceError(codes.TOO_MANY_PARAMETERS, "Duplicate values for a parameter detected.")
    pairs = sent.query + sent.body
    read_count = sum(1 for p in pairs if p.key in accepted)
    if read_count != len(pairs):
        raise BinanceError(
            codes.UNREAD_PARAMETERS,
            f"Not all sent parameters were read; read '{read_count}' parameter(s) but was sent "
            f"'{len(pairs)}'.",
        )
