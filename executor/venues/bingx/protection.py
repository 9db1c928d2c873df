"""BingX's trigger orders that protect a position: their parameters on the order endpoint
(docs/venues/bingx.md 5.8), and putting one in the place of another with one cancelReplace
request (section 5.10a).

cancelReplace cancels the old order and places the new one in one request; sent with
`cancelReplaceMode=STOP_ON_FAILURE`, a failed cancel places nothing. Each half's outcome comes
back in the answer's data, under code 0: `cancelResult` and `replaceResult` ("true" / "false"),
with the venue's words in `cancelMsg` / `replaceMsg` and no code. What can leave the position
without the order is a cancel that went through and a new order the venue refused: then the
old one is placed again from its own terms, and the refusal raised. An old order already gone
when the cancel is tried is no error: the new one is placed by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from common.errors import ErrorClass, TvbridgeError
from executor.core.model import PositionSide, Side
from executor.core.ports import VENUE_TYPES, OpenProtection, ProtectionKind, ProtectionRequest, VenueOrder
from executor.core.resting import as_found, sent_one
from executor.venues.base import venue_order
from executor.venues.bingx import endpoints
from executor.venues.bingx.errors import classify_words
from executor.venues.bingx.events import HUNDRED
from executor.venues.bingx.statuses import STATUSES

Send = Callable[[str, Mapping[str, Any]], Any]  # the adapter's order POST
Resting = Callable[[str], list[OpenProtection]]  # the symbol's trigger orders, as listed now

KINDS = {venue_type: kind for kind, venue_type in VENUE_TYPES.items()}


def trigger_params(
    venue_symbol: str,
    kind: ProtectionKind,
    side: Side,
    position_side: PositionSide,
    quantity: Decimal | None,
    trigger_price: Decimal | None,
    callback_pct: Decimal | None = None,
    client_order_id: str = "",
) -> dict[str, Any]:
    """A market trigger order's parameters; a None quantity closes the whole position."""
    params: dict[str, Any] = {
        "symbol": venue_symbol,
        "side": side.value,
        "positionSide": position_side.value,
        "type": VENUE_TYPES[kind],
        "workingType": "MARK_PRICE",
    }
    if quantity is None:
        params["closePosition"] = "true"  # reduce-only by itself; the venue refuses both together
    else:
        params["quantity"] = quantity
    if client_order_id:
        params["clientOrderId"] = client_order_id
    if kind is ProtectionKind.TRAILING_STOP:
        # Section 5.8: the callback as `priceRate`, a fraction (0.01 is 1 %), and an optional
        # `activationPrice`, without which the trail starts from the latest price.
        assert callback_pct is not None
        params["priceRate"] = callback_pct / HUNDRED
        if trigger_price is not None:
            params["activationPrice"] = trigger_price
    else:
        params["stopPrice"] = trigger_price
    if position_side is PositionSide.BOTH and quantity is not None:
        params["reduceOnly"] = "true"  # refused in hedge mode, where the side says it
    return params


def request_params(request: ProtectionRequest) -> dict[str, Any]:
    return trigger_params(
        request.venue_symbol,
        request.kind,
        request.side,
        request.position_side,
        request.quantity,
        request.trigger_price,
        request.callback_pct,
        request.client_order_id,
    )


def again_params(venue_symbol: str, old: OpenProtection) -> dict[str, Any]:
    """The parameters that place `old` again as it was; refused (UNSUPPORTED) for a type this
    adapter never places, whose terms an open-order row does not carry whole (a limit price)."""
    kind = KINDS.get(old.order_type)
    if kind is None:
        raise TvbridgeError(
            ErrorClass.UNSUPPORTED, f"BingX {old.order_type} orders are not replaced by tvbridge"
        )
    trigger = old.activation_price if kind is ProtectionKind.TRAILING_STOP else old.trigger_price
    quantity = None if old.close_position else old.quantity
    return trigger_params(
        venue_symbol,
        kind,
        old.side,
        old.position_side,
        quantity,
        trigger,
        old.callback_pct,
        old.client_order_id,
    )


def replace(send: Send, resting: Resting, old: OpenProtection, request: ProtectionRequest) -> VenueOrder:
    """`request` in the place of `old`, in one cancelReplace request."""
    again = again_params(request.venue_symbol, old)  # before anything is sent
    params = {
        **request_params(request),
        "cancelOrderId": old.order_id,
        "cancelReplaceMode": "STOP_ON_FAILURE",
    }
    try:
        answer = send(endpoints.CANCEL_REPLACE, params) or {}
    except TvbridgeError as exc:
        if exc.error_class is not ErrorClass.VENUE_UNAVAILABLE or not exc.sent:
            raise  # refused as a request: nothing was cancelled
        return _after_lost_answer(send, resting, old, request, again, exc)
    if not _succeeded(answer.get("cancelResult")):
        refusal = classify_words(str(answer.get("cancelMsg") or ""))
        if any(o.order_id == old.order_id for o in resting(request.venue_symbol)):
            raise refusal
        return _placed(send(endpoints.ORDER, request_params(request)), request)
    if not _succeeded(answer.get("replaceResult", answer.get("newOrderResult"))):
        refusal = classify_words(str(answer.get("replaceMsg") or ""))
        _place_again(send, old, again, refusal)
        raise refusal
    new = answer.get("newOrderResponse") or {"orderId": answer.get("newOrderId")}
    return _placed({"order": new}, request)


def _after_lost_answer(
    send: Send,
    resting: Resting,
    old: OpenProtection,
    request: ProtectionRequest,
    again: Mapping[str, Any],
    lost: TvbridgeError,
) -> VenueOrder:
    """No answer: the venue may have done both halves, the cancel alone, or nothing. The new
    order is placed only after the cancel, so while the old one rests nothing was done."""
    now = resting(request.venue_symbol)
    if any(o.order_id == old.order_id for o in now):
        raise lost
    found = sent_one(now, request)
    if found is not None:
        return as_found(found, request)
    _place_again(send, old, again, lost)
    raise lost


def _place_again(send: Send, old: OpenProtection, again: Mapping[str, Any], why: TvbridgeError) -> None:
    try:
        send(endpoints.ORDER, again)
    except TvbridgeError as exc:
        raise TvbridgeError(
            exc.error_class,
            f"BingX cancelled {old.order_type} {old.order_id} and its replacement failed "
            f"({why.message}); placing it again failed too ({exc.message})",
            venue_code=exc.venue_code,
            venue_message=exc.venue_message,
        ) from exc


def _succeeded(result: Any) -> bool:
    """The docs spell a half's result "true" / "false"; [SKILLS] SUCCESS / FAILED, and the new
    order's `newOrderResult` / `newOrderId` where the docs have `replaceResult` /
    `newOrderResponse` (docs/venues/bingx.md 5.10a)."""
    return str(result).lower() in ("true", "success")


def _placed(data: Any, request: ProtectionRequest) -> VenueOrder:
    return venue_order(data.get("order", data), request.client_order_id, STATUSES)
