"""BingX's refusal codes and wording. Refusals travel as HTTP 200 with the venue's code and
message in the envelope. See docs/venues/bingx.md."""

from __future__ import annotations

from common.decimals import plain
from simulator.records import Reject, SimError
from simulator.routes import Refusal

INVALID = 109400
MODE_BUSY = 109401
BAD_SIGNATURE = 100001
NULL_SIGNATURE = 100412
BAD_API_KEY = 100413
TIMESTAMP = 100421
TOO_MANY_REQUESTS = 100410
BUSY = 80012
NO_POSITION = 80017
# The venue publishes no code for its cumulative stop-quantity rule: 101400 is its code for an
# order that fails its checks (docs/venues/bingx.md 5.8, "Cumulative quantity").
OVER_POSITION = 101400
TIMESTAMP_MESSAGE = (
    "Null timestamp or timestamp mismatch, try to run our sample code from the link "
    "https://bingx-api.github.io/docs/#/en-us/spot/account-api.html#Query%20Assets"
)

# The venue's code and wording for each kind of refusal; None keeps the exchange's words.
REFUSALS: dict[Reject, tuple[int, str | None]] = {
    Reject.UNKNOWN_SYMBOL: (109500, "Account Service Unavailable, err:symbol not exist"),
    Reject.PRECISION: (110425, None),
    Reject.MIN_QUANTITY: (110422, None),
    Reject.MIN_NOTIONAL: (101400, None),
    Reject.INSUFFICIENT_MARGIN: (101204, "Insufficient margin"),
    Reject.REDUCE_ONLY: (
        101290,
        "The Reduce Only order can only decrease the position and not be used to open a position. "
        "Please check your positions and open orders.",
    ),
    Reject.NO_POSITION: (101205, "No position to close"),
    # docs/venues/bingx.md 6: a close for more than the side holds; the words are a guess.
    Reject.OVER_CLOSE: (110203, "Available amount for closing is insufficient"),
    Reject.DUPLICATE_CLIENT_ID: (101481, "clientOrderID cannot be repeated"),
    Reject.UNKNOWN_ORDER: (80016, "order does not exist"),
    Reject.INVALID_PARAMETER: (INVALID, None),
    Reject.LEVERAGE: (INVALID, None),
    Reject.POSITION_SIDE: (INVALID, None),
}


class BingxError(Refusal):
    def __init__(self, code: int, msg: str) -> None:
        super().__init__(code, msg, 200)


# The venue's wording for an order below the contract's minimum value (docs/venues/bingx.md §6).
MIN_NOMINAL = "Please ensure that the minimum nominal value of the order placed must be greater than {}u"


def refusal_for(error: SimError) -> BingxError:
    code, wording = REFUSALS[error.reason]
    if error.reason is Reject.MIN_NOTIONAL and error.limit is not None:
        return BingxError(code, MIN_NOMINAL.format(plain(error.limit)))
    return BingxError(code, wording or error.message)


def invalid(msg: str) -> BingxError:
    return BingxError(INVALID, msg)


def required(name: str) -> BingxError:
    return invalid(f"Invalid parameters,{name}: This field is required.")
