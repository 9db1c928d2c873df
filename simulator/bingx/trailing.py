"""BingX's TRAILING_STOP_MARKET in the venue's words: its parameters, limits, refusals and fields.

It goes through the ordinary order endpoint (`POST /openApi/swap/v2/trade/order`) with a
`quantity`, a callback as `priceRate` (a fraction: 0.01 is 1 %; "Maximum: 1") or as `price`
(for trailing types "the trailing stop distance", in quote units), and an optional
`activationPrice` ("default as the latest price"); no `stopPrice`, no `closePosition` (that is
for STOP_MARKET and TAKE_PROFIT_MARKET only). Sources: docs-v3 "Place order" and "Current All
Open Orders" (docs/venues/bingx.md `[DOCV3]`), api-ai-skills `swap-trade/api-reference.md` and
`references/error-codes.md` (`[SKILLS]`), the swap "Common Error Codes" page's 101400 list
(`[BI]`), and a real answer in BingX-API/BingX-swap-api-doc issue 31 (2024-08).

Limits and refusals, with what is known and what is guessed:
- priceRate below 0.1 %: 110415 ([SKILLS] "callback rate is below the minimum"), worded as the
  [BI] list words it: "Must be greater than the minimum callback rate of 0.1%".
- priceRate above 90 %: "Must be lower than the maximum callback rate of 90%" ([BI], listed
  under 101400 there). The code is a GUESS: 110416, the free number between 110415 and 110418
  in the venue's trailing series ([SKILLS] lists 110415, 110418, 110419, 110420).
- price (distance) beyond 90 % of the price the trail starts from: 110418 "Must be less than
  the maximum trailing distance of <x>" (the real answer in issue 31). That the maximum is 90 %
  of the activation price (the latest price without one) is a GUESS from the 90 % rate limit.
- activationPrice already reached: a SELL's must be above the price (110419), a BUY's below
  (110420) ([SKILLS]; the words are [SKILLS]' descriptions, GUESSED as the answer's text).
- priceRate and price both sent: 109400 (GUESS: the docs give either, never both); neither:
  109400 "priceRate: This field is required." ([SKILLS]: priceRate "required").

Open-order rows carry `priceRate` ("has a value only when ... the priceRate is provided in the
order; otherwise, it is an empty string"), `actPrice` (activation price), `trailingStopRate`
and `trailingStopDistance` (docs-v3 "Current All Open Orders"); the simulator shows them on
every row of a trailing order (REST query and cancel answers too) and `stopPrice` "0" (GUESS:
the venue's rows say nothing of a live trailing level). On the stream the order is one order,
as BingX reports a conditional one, with `sp` 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from common.decimals import plain
from simulator.bingx import codes
from simulator.bingx.codes import BingxError
from simulator.bingx.orders import OrderRequest, as_decimal, flag
from simulator.records import Instrument, Reject, SimError, truncate
from simulator.trailing import Trail, activates

TRAILING_STOP_MARKET = "TRAILING_STOP_MARKET"
WORKING_TYPES = ("MARK_PRICE", "CONTRACT_PRICE")
MIN_RATE = Decimal("0.001")
MAX_RATE = Decimal("0.9")
MAX_DISTANCE_SHARE = Decimal("0.9")  # of the price the trail starts from (a guess, above)

RATE_TOO_LOW = (110415, "Must be greater than the minimum callback rate of 0.1%")
RATE_TOO_HIGH = (110416, "Must be lower than the maximum callback rate of 90%")
DISTANCE_TOO_FAR = 110418
ACTIVATION_REACHED = {
    "SELL": (
        110419,
        "For short trailing stops, the activation price must be greater than the Last/Mark Price",
    ),
    "BUY": (
        110420,
        "For long trailing stops, the activation price must be lower than the Last/Mark Price",
    ),
}


@dataclass(frozen=True)
class TrailingRequest:
    quantity: Decimal
    trail: Trail
    working_type: str


def parse(params: dict[str, str], order: OrderRequest, inst: Instrument) -> TrailingRequest:
    """Check a TRAILING_STOP_MARKET's own parameters against the price now (`inst.price`)."""
    if flag(params, "closePosition"):
        raise codes.invalid("closePosition is only for STOP_MARKET and TAKE_PROFIT_MARKET")
    working = params.get("workingType", "MARK_PRICE").upper()
    if working not in WORKING_TYPES:
        raise codes.invalid("Invalid parameters,workingType: MARK_PRICE or CONTRACT_PRICE")
    quantity = truncate(as_decimal(params, "quantity"), inst.qty_step)
    if quantity <= 0:
        raise SimError(Reject.INVALID_PARAMETER, "quantity truncates to zero")
    activation = _activation(params, order.side, inst)
    start = activation if activation is not None else inst.price
    rate, distance = _callback(params, start, inst)
    trail = Trail.start(order.side, inst.price, activation=activation, rate=rate, distance=distance)
    return TrailingRequest(quantity, trail, working)


def _activation(params: dict[str, str], side: str, inst: Instrument) -> Decimal | None:
    if not params.get("activationPrice"):
        return None
    activation = truncate(as_decimal(params, "activationPrice"), inst.price_tick)
    if activation <= 0:
        raise codes.invalid("Invalid parameters,activationPrice: must be positive.")
    if activates(side, activation, inst.price):
        raise BingxError(*ACTIVATION_REACHED[side])
    return activation


def _callback(
    params: dict[str, str], start: Decimal, inst: Instrument
) -> tuple[Decimal | None, Decimal | None]:
    """The callback as a rate or as a distance, within the venue's limits."""
    has_rate, has_distance = bool(params.get("priceRate")), bool(params.get("price"))
    if has_rate and has_distance:
        raise codes.invalid("Invalid parameters,priceRate and price cannot both be sent.")
    if has_distance:
        distance = truncate(as_decimal(params, "price"), inst.price_tick)
        if distance <= 0:
            raise codes.invalid("Invalid parameters,price: must be positive.")
        most = truncate(start * MAX_DISTANCE_SHARE, inst.price_tick)
        if distance > most:
            raise BingxError(
                DISTANCE_TOO_FAR, f"Must be less than the maximum trailing distance of {plain(most)}"
            )
        return None, distance
    if not has_rate:
        raise codes.required("priceRate")
    rate = as_decimal(params, "priceRate")
    if rate < MIN_RATE:
        raise BingxError(*RATE_TOO_LOW)
    if rate > MAX_RATE:
        raise BingxError(*RATE_TOO_HIGH)
    return rate, None


def trail_fields(trail: Trail) -> dict[str, Any]:
    """A trailing order's own fields on its REST rows."""
    return {
        "priceRate": plain(trail.rate) if trail.rate is not None else "",
        "actPrice": plain(trail.activation),
        "trailingStopRate": float(trail.rate) if trail.rate is not None else 0,
        "trailingStopDistance": float(trail.distance) if trail.distance is not None else 0,
    }
