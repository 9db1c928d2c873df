"""The parameters each swap v2 endpoint reads, as its documentation lists them
(docs/venues/bingx.md sections 2.4, 5 and 9; [SKILLS] swap-trade, swap-market, swap-account),
and what the venue does with a request that sends others: it lets them pass, unread.

That last part is a guess; no BingX page says. What points to it: the venue's parameter errors
are field checks on a request structure ("Invalid parameters, err:Key:
'PlaceOrderRequest.ReqOrderData.PositionSide' Error:Field validation for 'PositionSide' failed
on the 'required' tag", ccxt#19422), the kind of binding that keeps the fields it declares and
drops the rest; that same request carried `triggerPrice`, which the swap order endpoint does not
document, and was answered about another field only; and ccxt signs the listen-key calls, which
document no `timestamp` or `signature`, and they work (docs/venues/bingx.md 9.2). The simulator
still counts every such parameter (`GET /_sim/unknown_params`), so our own client's tests can
insist on sending none: a misspelt parameter would pass the venue unread.
"""

from __future__ import annotations

from simulator import wire
from simulator.params import ParamTable

NONE: frozenset[str] = frozenset()
SYMBOL = frozenset({"symbol"})
# Both spellings of the client id: `clientOrderId` in the current pages, `clientOrderID` in
# examples and older pages (docs/venues/bingx.md 5.8), and what ccxt sends.
CLIENT_ID = frozenset({"clientOrderId", "clientOrderID"})
NEW_ORDER = CLIENT_ID | {
    "symbol",
    "type",
    "side",
    "positionSide",
    "reduceOnly",
    "price",
    "quantity",
    "quoteOrderQty",
    "stopPrice",
    "priceRate",
    "workingType",
    "stopLoss",
    "takeProfit",
    "timeInForce",
    "closePosition",
    "activationPrice",
    "stopGuaranteed",
    "positionId",
}
# "Cancel an Existing Order and Send a New Order" (docs/venues/bingx.md 5.10a): the order to
# cancel and how, then the new order's parameters as the order endpoint reads them.
CANCEL_REPLACE = (NEW_ORDER - {"quoteOrderQty"}) | {
    "cancelReplaceMode",
    "cancelOrderId",
    "cancelClientOrderId",
    "cancelRestrictions",
}
ONE_ORDER = CLIENT_ID | {"symbol", "orderId"}
LISTEN_KEY = frozenset({"listenKey"})

TABLE = ParamTable(
    endpoints={
        ("GET", "/openApi/swap/v2/server/time"): NONE,
        ("GET", "/openApi/swap/v2/quote/contracts"): SYMBOL,
        ("GET", "/openApi/swap/v1/ticker/price"): SYMBOL,
        ("GET", "/openApi/swap/v2/quote/price"): SYMBOL,
        ("GET", "/openApi/swap/v3/user/balance"): NONE,
        ("GET", "/openApi/swap/v2/user/balance"): NONE,
        ("GET", "/openApi/swap/v2/user/commissionRate"): NONE,
        # What a general client reads to list markets and coins ([SKILLS] swap-market "24hr
        # ticker", spot "Query Symbols", coin-m "Contract Information", wallet "All coins").
        ("GET", "/openApi/swap/v2/quote/ticker"): SYMBOL,
        ("GET", "/openApi/spot/v1/common/symbols"): SYMBOL,
        ("GET", "/openApi/cswap/v1/market/contracts"): SYMBOL,
        ("GET", "/openApi/wallets/v1/capital/config/getall"): frozenset({"coin"}),
        ("GET", "/openApi/swap/v2/user/positions"): SYMBOL,
        ("GET", "/openApi/swap/v2/trade/leverage"): SYMBOL,
        ("POST", "/openApi/swap/v2/trade/leverage"): frozenset({"symbol", "side", "leverage"}),
        ("GET", "/openApi/swap/v2/trade/marginType"): SYMBOL,
        ("POST", "/openApi/swap/v2/trade/marginType"): frozenset({"symbol", "marginType"}),
        ("GET", "/openApi/swap/v1/positionSide/dual"): NONE,
        ("POST", "/openApi/swap/v1/positionSide/dual"): frozenset({"dualSidePosition"}),
        ("POST", "/openApi/swap/v2/trade/order"): NEW_ORDER,
        ("POST", "/openApi/swap/v2/trade/order/test"): NEW_ORDER,
        ("POST", "/openApi/swap/v1/trade/cancelReplace"): CANCEL_REPLACE,
        ("GET", "/openApi/swap/v2/trade/order"): ONE_ORDER,
        ("DELETE", "/openApi/swap/v2/trade/order"): ONE_ORDER,
        ("GET", "/openApi/swap/v2/trade/openOrders"): frozenset({"symbol", "type"}),
        ("GET", "/openApi/swap/v2/trade/fillHistory"): frozenset(
            {"symbol", "currency", "orderId", "lastFillId", "startTs", "endTs", "pageIndex", "pageSize"}
        ),
        ("GET", "/openApi/swap/v2/trade/allFillOrders"): frozenset(
            {"tradingUnit", "startTs", "endTs", "orderId", "currency", "symbol"}
        ),
        ("POST", "/openApi/user/auth/userDataStream"): NONE,
        ("PUT", "/openApi/user/auth/userDataStream"): LISTEN_KEY,
        ("DELETE", "/openApi/user/auth/userDataStream"): LISTEN_KEY,
    },
    # [SKILLS] lists timestamp and recvWindow as common to every endpoint, public ones included;
    # a signature, when sent, is checked wherever it comes (ccxt signs the listen-key calls).
    common=frozenset({"timestamp", "recvWindow", "signature"}),
    signed=NONE,
)


def read(sent: wire.Sent, accepted: frozenset[str]) -> None:
    """Nothing is refused for its name (see the module's note)."""
