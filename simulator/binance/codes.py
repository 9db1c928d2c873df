"""Binance's refusal codes and wording, and the HTTP status each travels with.

Business refusals are HTTP 400 with `{"code": <negative>, "msg": ...}`; a key the venue
does not accept is HTTP 401. See docs/venues/binance.md, sections 4 and 6.
"""

from __future__ import annotations

from simulator.records import Reject, SimError
from simulator.routes import Refusal

INVALID_API_KEY = -2015
BAD_API_KEY_FORMAT = -2014
INVALID_SIGNATURE = -1022
INVALID_TIMESTAMP = -1021
ILLEGAL_CHARS = -1100
TOO_MANY_PARAMETERS = -1101
MANDATORY_PARAM = -1102
UNREAD_PARAMETERS = -1104
NOT_REQUIRED_PARAM = -1106
INVALID_TIF = -1115
INVALID_ORDER_TYPE = -1116
INVALID_SYMBOL = -1121
LISTEN_KEY_UNKNOWN = -1125
LOOKUP_INTERVAL = -1127
BAD_PARAM_COMBO = -1128
BAD_PRECISION = -1111
UNKNOWN_ORDER = -2013
CANCEL_REJECTED = -2011
MARGIN_INSUFFICIENT = -2019
# Not on the USDⓈ-M error-code page; real answers to a callbackRate out of range read
# `{"code": -2007, "msg": "Invalid callBack rate."}` (client code handling them, python-binance).
INVALID_CALLBACK_RATE = -2007
WOULD_TRIGGER = -2021
REDUCE_ONLY_REJECTED = -2022
MAX_OPEN_ORDERS = -2025
PRICE_TOO_HIGH = -4002
QTY_NOT_POSITIVE = -4003
QTY_TOO_LOW = -4004
QTY_TOO_HIGH = -4005
PRICE_TOO_LOW = -4013
PRICE_TICK = -4014
CLIENT_ID_INVALID = -4015
PRICE_ABOVE_MARK = -4016
QTY_STEP = -4023
PRICE_BELOW_MARK = -4024
LEVERAGE_INVALID = -4028
MAX_STOP_ORDERS = -4045
NO_NEED_MARGIN_TYPE = -4046
MARGIN_TYPE_OPEN_ORDERS = -4047
MARGIN_TYPE_POSITION = -4048
NO_NEED_POSITION_SIDE = -4059
POSITION_SIDE_MISMATCH = -4061
POSITION_SIDE_OPEN_ORDERS = -4067
POSITION_SIDE_POSITION = -4068
DUPLICATE_CLIENT_ID = -4116
USE_ALGO_API = -4120
MIN_NOTIONAL = -4164
GTX_WOULD_TAKE = -5022
TOO_MANY_REQUESTS = -1003
INTERNAL = -1001

MESSAGES: dict[int, str] = {
    INVALID_API_KEY: "Invalid API-key, IP, or permissions for action.",
    BAD_API_KEY_FORMAT: "API-key format invalid.",
    INVALID_SIGNATURE: "Signature for this request is not valid.",
    INVALID_TIMESTAMP: "Timestamp for this request is outside of the recvWindow.",
    INVALID_SYMBOL: "Invalid symbol.",
    TOO_MANY_PARAMETERS: "Too many parameters sent for this endpoint.",
    UNREAD_PARAMETERS: "Not all sent parameters were read.",
    LISTEN_KEY_UNKNOWN: "This listenKey does not exist.",
    LOOKUP_INTERVAL: "Lookup interval is too big.",
    BAD_PARAM_COMBO: "Combination of optional parameters invalid.",
    INVALID_TIF: "Invalid timeInForce.",
    INVALID_ORDER_TYPE: "Invalid orderType.",
    BAD_PRECISION: "Precision is over the maximum defined for this asset.",
    UNKNOWN_ORDER: "Order does not exist.",
    CANCEL_REJECTED: "Unknown order sent.",
    MARGIN_INSUFFICIENT: "Margin is insufficient.",
    INVALID_CALLBACK_RATE: "Invalid callBack rate.",
    WOULD_TRIGGER: "Order would immediately trigger.",
    REDUCE_ONLY_REJECTED: "ReduceOnly Order is rejected.",
    MAX_OPEN_ORDERS: "Reach max open order limit.",
    MAX_STOP_ORDERS: "Reach max stop order limit.",
    PRICE_TOO_HIGH: "Price greater than max price.",
    QTY_NOT_POSITIVE: "Quantity less than or equal to zero.",
    QTY_TOO_LOW: "Quantity less than min quantity.",
    QTY_TOO_HIGH: "Quantity greater than max quantity.",
    PRICE_TOO_LOW: "Price less than min price.",
    PRICE_TICK: "Price not increased by tick size.",
    CLIENT_ID_INVALID: "Client order id length should not be more than 36 chars",
    QTY_STEP: "Qty not increased by step size.",
    NO_NEED_MARGIN_TYPE: "No need to change margin type.",
    MARGIN_TYPE_OPEN_ORDERS: "Margin type cannot be changed if there exists open orders.",
    MARGIN_TYPE_POSITION: "Margin type cannot be changed if there exists position.",
    NO_NEED_POSITION_SIDE: "No need to change position side.",
    POSITION_SIDE_MISMATCH: "Order's position side does not match user's setting.",
    POSITION_SIDE_OPEN_ORDERS: "Position side cannot be changed if there exists open orders.",
    POSITION_SIDE_POSITION: "Position side cannot be changed if there exists position.",
    DUPLICATE_CLIENT_ID: "clientOrderId is duplicated",
    USE_ALGO_API: (
        "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead."
    ),
    GTX_WOULD_TAKE: (
        "Due to the order could not be executed as maker, the Post Only order will be rejected."
    ),
    INTERNAL: "Internal error; unable to process your request. Please try again.",
}

# The exchange's refusals in the venue's codes.
REFUSALS: dict[Reject, int] = {
    Reject.UNKNOWN_SYMBOL: INVALID_SYMBOL,
    Reject.PRECISION: BAD_PRECISION,
    Reject.MIN_QUANTITY: QTY_TOO_LOW,
    Reject.MIN_NOTIONAL: MIN_NOTIONAL,
    Reject.INSUFFICIENT_MARGIN: MARGIN_INSUFFICIENT,
    # In hedge mode a close is reduce-only by its side; the venue refuses both alike, and a
    # close for more than the side holds too (observed: ccxt/ccxt#8304).
    Reject.REDUCE_ONLY: REDUCE_ONLY_REJECTED,
    Reject.NO_POSITION: REDUCE_ONLY_REJECTED,
    Reject.OVER_CLOSE: REDUCE_ONLY_REJECTED,
    Reject.DUPLICATE_CLIENT_ID: DUPLICATE_CLIENT_ID,
    Reject.UNKNOWN_ORDER: UNKNOWN_ORDER,
    Reject.INVALID_PARAMETER: MANDATORY_PARAM,
    Reject.LEVERAGE: LEVERAGE_INVALID,
    Reject.POSITION_SIDE: POSITION_SIDE_MISMATCH,
}


class BinanceError(Refusal):
    def __init__(self, code: int, msg: str | None = None, status: int = 400) -> None:
        super().__init__(
            code, msg if msg is not None else MESSAGES.get(code, "An unknown error occured."), status
        )


def refusal_for(error: SimError) -> BinanceError:
    """The exchange's refusal in the venue's code; a missing parameter keeps the exchange's words."""
    refusal = BinanceError(REFUSALS[error.reason])
    if refusal.code == MANDATORY_PARAM:
        refusal.msg = error.message
    return refusal


def mandatory(name: str) -> BinanceError:
    return BinanceError(
        MANDATORY_PARAM, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
    )


def not_required(name: str) -> BinanceError:
    return BinanceError(NOT_REQUIRED_PARAM, f"Parameter '{name}' sent when not required.")


def illegal(name: str, legal: str) -> BinanceError:
    return BinanceError(
        ILLEGAL_CHARS, f"Illegal characters found in parameter '{name}'; legal range is '{legal}'."
    )


def min_notional(notional: str) -> BinanceError:
    return BinanceError(
        MIN_NOTIONAL, f"Order's notional must be no smaller than {notional} (unless you choose reduce only)."
    )
