"""BingX's "Cancel an Existing Order and Send a New Order": `POST /openApi/swap/v1/trade/cancelReplace`
(docs/venues/bingx.md 5.10a).

One request names the order to cancel (`cancelOrderId`, which wins, or `cancelClientOrderId`) and
carries a new order's parameters as the order endpoint reads them. Both halves run under the
exchange's lock, so no price moves between them: nothing can fire in a gap. The cumulative
stop and take-profit rule (`totals.py`) judges the new order after the cancel, so a full-size
stop replaces a full-size stop. With `cancelReplaceMode=STOP_ON_FAILURE` a failed cancel places
nothing; `ALLOW_FAILURE` places the new order whatever the cancel did.

The venue reports each half in the answer's data, under code 0: `cancelResult` / `cancelMsg` /
`cancelResponse` and `replaceResult` / `replaceMsg` / `newOrderResponse`, results as the strings
"true" and "false". Its docs give no refusal codes for the endpoint, so the simulator's choices
are these (guesses, said so in the venue notes): the new order's naming fields (symbol, side,
type, position side, client id) and the cancel's own are checked before anything is cancelled
and refused with the order endpoint's code, as a bad order is; every other check of the new
order runs after the cancel and a refusal there is reported as `replaceResult` "false" with the
order endpoint's words in `replaceMsg`, the cancel standing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulator.bingx import codes, orders, trading
from simulator.bingx.conditional import ConditionalBook
from simulator.bingx.orders import as_int, require
from simulator.exchange import Exchange
from simulator.records import Account, Reject, SimError
from simulator.routes import Refusal, Routes

PATH = "/openApi/swap/v1/trade/cancelReplace"
STOP_ON_FAILURE = "STOP_ON_FAILURE"
ALLOW_FAILURE = "ALLOW_FAILURE"
# cancelRestrictions: the status the order to cancel must have for the cancel to go ahead.
RESTRICTIONS = {"ONLY_NEW": "NEW", "ONLY_PENDING": "PENDING", "ONLY_PARTIALLY_FILLED": "PARTIALLY_FILLED"}
TRUE, FALSE = "true", "false"


def register(route: Routes, exchange: Exchange, book: ConditionalBook) -> None:
    @route("POST", PATH, signed=True)
    async def cancel_replace(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return replace(exchange, book, params, account)


def replace(exchange: Exchange, book: ConditionalBook, params: dict[str, str], account: Account) -> Any:
    mode = require(params, "cancelReplaceMode").upper()
    if mode not in (STOP_ON_FAILURE, ALLOW_FAILURE):
        raise codes.invalid("Invalid parameters,cancelReplaceMode: must be STOP_ON_FAILURE or ALLOW_FAILURE.")
    restriction = (params.get("cancelRestrictions") or "").upper()
    if restriction and restriction not in RESTRICTIONS:
        raise codes.invalid(
            f"Invalid parameters,cancelRestrictions: must be one of {', '.join(RESTRICTIONS)}."
        )
    named = {
        "symbol": require(params, "symbol"),
        "orderId": params.get("cancelOrderId", ""),
        "clientOrderId": "" if params.get("cancelOrderId") else params.get("cancelClientOrderId", ""),
    }
    if not named["orderId"] and not named["clientOrderId"]:
        raise codes.invalid("Invalid parameters,cancelOrderId or cancelClientOrderId is required.")
    if named["orderId"]:
        as_int(named, "orderId")
    with exchange.lock:
        orders.parse_order(account, params)
        answer = _cancel(exchange, book, account, named, RESTRICTIONS.get(restriction))
        if answer["cancelResult"] == FALSE and mode == STOP_ON_FAILURE:
            return answer | {"replaceResult": FALSE, "replaceMsg": "", "newOrderResponse": None}
        try:
            placed = trading.new_order(exchange, book, params, account, test=False)["order"]
        except Refusal as exc:
            return answer | _refused(exc.msg)
        except SimError as exc:
            return answer | _refused(codes.refusal_for(exc).msg)
        return answer | {"replaceResult": TRUE, "replaceMsg": "", "newOrderResponse": _new(placed, params)}


def _cancel(
    exchange: Exchange, book: ConditionalBook, account: Account, named: dict[str, str], status: str | None
) -> dict[str, Any]:
    """The cancel half, as the answer reports it: the order as it stood when cancelled."""
    try:
        found = trading.find(exchange, book, named, account)
    except SimError as exc:
        return _not_cancelled(codes.refusal_for(exc).msg)
    before = trading.row(found)
    if found.symbol != named["symbol"]:  # "must be the same as the original order's symbol"
        return _not_cancelled(codes.refusal_for(SimError(Reject.UNKNOWN_ORDER, "")).msg)
    if status is not None and _status(before) != status:
        return _not_cancelled(f"the order status is {_status(before)}, not {status}")
    try:
        trading.cancel(exchange, book, account, found)
    except SimError as exc:
        return _not_cancelled(codes.refusal_for(exc).msg)
    response = {"cancelClientOrderId": named["clientOrderId"], "cancelOrderId": before["orderId"], **before}
    return {"cancelResult": TRUE, "cancelMsg": "", "cancelResponse": response}


def _not_cancelled(words: str) -> dict[str, Any]:
    return {"cancelResult": FALSE, "cancelMsg": words, "cancelResponse": {}}


def _refused(words: str) -> dict[str, Any]:
    return {"replaceResult": FALSE, "replaceMsg": words, "newOrderResponse": None}


def _status(row: dict[str, Any]) -> str:
    """The status word a restriction names: an open order with a fill is partially filled."""
    if row["status"] in ("NEW", "PENDING") and Decimal(row["executedQty"] or "0") > 0:
        return "PARTIALLY_FILLED"
    return str(row["status"])


def _new(row: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
    """The new order as the endpoint's documented example shows it: prices and quantities as
    JSON numbers, the attached levels as the JSON strings sent, no status."""
    return {
        "orderId": row["orderId"],
        "symbol": row["symbol"],
        "positionSide": row["positionSide"],
        "side": row["side"],
        "type": row["type"],
        "price": float(Decimal(row["price"] or "0")),
        "quantity": float(Decimal(row["origQty"] or "0")),
        "stopPrice": float(Decimal(row["stopPrice"] or "0")),
        "workingType": row["workingType"],
        "clientOrderId": row["clientOrderId"],
        "timeInForce": params.get("timeInForce", "GTC"),
        "priceRate": float(Decimal(row.get("priceRate") or "0")),
        "stopLoss": params.get("stopLoss", ""),
        "takeProfit": params.get("takeProfit", ""),
        "reduceOnly": row["reduceOnly"],
    }
