"""Binance answer codes in the project's error taxonomy, by code and message together
(docs/venues/binance.md, section 6, lists every rule with its class and retry decision).

Sources (binance.md section 0): [ERR] the USD-M futures "Error Codes" page, by its groups 10xx
(server or network), 11xx (request), 20xx (processing), 40xx (filters and other), 50xx (order
execution); [GI] the General Info page (HTTP codes, -1008 throttling); [CL] the change log's
Algo Order move (section 5.9, -4120). Binance's codes are mostly one meaning each; where a code
carries several messages ([ERR] -1003, -1008, -1021, -2010, -4028) the rules below read them.
"""

from __future__ import annotations

from common.errors import ErrorClass as E
from common.errors import TvbridgeError
from executor.venues.answer_codes import CodeRule as R
from executor.venues.answer_codes import CodeTable

# Named because the adapter and the stream read them.
LISTEN_KEY_UNKNOWN = -1125  # listen-key keep-alive: the key has lapsed (section 9.2)
# The order named the other position mode's sides: the trader switched hedge / one-way.
POSITION_SIDE_NOT_MATCH = -4061
# Not a refusal: the margin type asked for is already set.
NO_NEED_TO_CHANGE_MARGIN_TYPE = -4046

TABLE = CodeTable(
    [
        # 10xx: keys, signatures and clocks. [ERR] -1002, -1022, -1099 ("Not found,
        # unauthenticated, or unauthorized"), -2014, -2015, -2017 (keys locked); -1021 both
        # messages ("outside of the recvWindow", "1000ms ahead"), -5028 the matching engine's.
        R(-1002, E.AUTH),
        R(-1022, E.AUTH),
        R(-1099, E.AUTH),
        R(-2014, E.AUTH),
        R(-2015, E.AUTH),
        R(-2017, E.AUTH),
        # Not on the futures [ERR] page: "Invalid Api-Key ID." answers a key another environment
        # issued (live, Demo Trading and the testnet each have their own; binance.md section 1).
        R(-2008, E.AUTH),
        R(-1021, E.TIMESTAMP),
        R(-5028, E.TIMESTAMP),
        # Limits. [ERR] -1003 (429 "Too many requests", 418 "IP banned until": the HTTP status
        # sets the wait), -1015 too many new orders; [GI] -1008 "Request throttled by
        # system-level protection ... Please try again" / "Server is currently overloaded".
        R(-1003, E.RATE_LIMITED),
        R(-1015, E.RATE_LIMITED),
        R(-1008, E.VENUE_UNAVAILABLE),
        # No verdict: sent, outcome unknown, so the engine asks by client id before resending.
        # [ERR] -1000 unknown, -1001 "Internal error ... Please try again", -1006 "Execution
        # status unknown", -1007 "Send status unknown; execution status unknown", -4117 "stop
        # order is triggering".
        R(-1000, E.VENUE_UNAVAILABLE),
        R(-1001, E.VENUE_UNAVAILABLE),
        R(-1006, E.VENUE_UNAVAILABLE),
        R(-1007, E.VENUE_UNAVAILABLE),
        R(-4117, E.VENUE_UNAVAILABLE),
        # Margin. [ERR] -2018, -2019, -2028 ("insufficient margin balance"), -4050, -4051; -2010
        # NEW_ORDER_REJECTED carries the venue's reason, balance among them.
        R(-2018, E.INSUFFICIENT_MARGIN),
        R(-2019, E.INSUFFICIENT_MARGIN),
        R(-2028, E.INSUFFICIENT_MARGIN),
        R(-4050, E.INSUFFICIENT_MARGIN),
        R(-4051, E.INSUFFICIENT_MARGIN),
        R(-2010, E.INSUFFICIENT_MARGIN, "insufficient balance"),
        R(-2010, E.VENUE_REJECTED),
        # Minimums and precision. [ERR] -4003 quantity <= 0, -4004 below minQty, -4164 and
        # -5029 MIN_NOTIONAL; -1111 BAD_PRECISION, -4014 tick, -4023 step.
        R(-4003, E.BELOW_MINIMUM),
        R(-4004, E.BELOW_MINIMUM),
        R(-4164, E.BELOW_MINIMUM),
        R(-5029, E.BELOW_MINIMUM),
        R(-1111, E.PRECISION),
        R(-4014, E.PRECISION),
        R(-4023, E.PRECISION),
        # Orders and positions that are not there. [ERR] -2013 NO_SUCH_ORDER, -2011
        # CANCEL_REJECTED (the venue answers "Unknown order sent."), -2022 REDUCE_ONLY_REJECT,
        # -2024 POSITION_NOT_SUFFICIENT, -4118 reduce-only margin check.
        R(-2013, E.UNKNOWN_ORDER),
        R(-2011, E.UNKNOWN_ORDER),
        R(-2022, E.NO_POSITION),
        R(-2024, E.NO_POSITION),
        R(-4118, E.NO_POSITION),
        R(-4116, E.DUPLICATE_CLIENT_ID),  # [ERR] DUPLICATED_CLIENT_ORDER_ID
        # Symbols. [ERR] -1121 BAD_SYMBOL; -1122, -4140, -4141 a symbol not open for trading.
        R(-1121, E.UNKNOWN_SYMBOL),
        R(-1122, E.TRADING_DISABLED),
        R(-4140, E.TRADING_DISABLED),
        R(-4141, E.TRADING_DISABLED),
        # The venue's limits. [ERR] -4005 above maxQty, -2025 max open orders, -2027 max
        # position at this leverage, -4045 max stop orders, -4028 leverage not valid ("is not
        # valid", "already exist"), -4202..-4209 and -4403 leverage caps.
        R(-4005, E.RISK_LIMIT),
        R(-2025, E.RISK_LIMIT),
        R(-2027, E.RISK_LIMIT),
        R(-4045, E.RISK_LIMIT),
        R(-4028, E.RISK_LIMIT),
        R(-4202, E.RISK_LIMIT),
        R(-4203, E.RISK_LIMIT),
        R(-4205, E.RISK_LIMIT),
        R(-4206, E.RISK_LIMIT),
        R(-4208, E.RISK_LIMIT),
        R(-4209, E.RISK_LIMIT),
        R(-4403, E.RISK_LIMIT),
        # Trading closed to this account. [ERR] -2023 in liquidation, -4087 reduce-only only,
        # -4088 may not place orders, -4192 cooling-off, -4400/-4401 reduce-only by risk rules,
        # -4402 not in this region.
        R(-2023, E.TRADING_DISABLED),
        R(-4087, E.TRADING_DISABLED),
        R(-4088, E.TRADING_DISABLED),
        R(-4192, E.TRADING_DISABLED),
        R(-4400, E.TRADING_DISABLED),
        R(-4401, E.TRADING_DISABLED),
        R(-4402, E.TRADING_DISABLED),
        # Order terms the venue refuses, for good. [ERR] -1016 service retired, -1100..-1136
        # request issues, -2020 unable to fill, -2021 would trigger at once, -2026, -4001/-4002/
        # -4013/-4016/-4024 price bounds, -4015 client id, -4047/-4048/-4067/-4068 settings
        # blocked by orders or positions, -4059 position side already so, -4061 the other
        # position mode (the adapter reads the mode again), -4062, -4131 PERCENT_PRICE, -4142
        # TP/SL would trigger, -4161, -4183/-4184, -5021 FOK, -5022 post-only; [CL] -4120.
        R(-1016, E.VENUE_REJECTED),
        R(-1100, E.VENUE_REJECTED),
        R(-1101, E.VENUE_REJECTED),
        R(-1102, E.VENUE_REJECTED),
        R(-1103, E.VENUE_REJECTED),
        R(-1104, E.VENUE_REJECTED),
        R(-1105, E.VENUE_REJECTED),
        R(-1106, E.VENUE_REJECTED),
        R(-1115, E.VENUE_REJECTED),
        R(-1116, E.VENUE_REJECTED),
        R(-1117, E.VENUE_REJECTED),
        R(LISTEN_KEY_UNKNOWN, E.VENUE_REJECTED),
        R(-1127, E.VENUE_REJECTED),
        R(-1128, E.VENUE_REJECTED),
        R(-1130, E.VENUE_REJECTED),
        R(-1136, E.VENUE_REJECTED),
        # -2007 "Invalid callBack rate.": a trailing stop's callbackRate out of its limits
        # (section 5.9; not on [ERR], quoted from real answers).
        R(-2007, E.VENUE_REJECTED),
        R(-2020, E.VENUE_REJECTED),
        R(-2021, E.VENUE_REJECTED),
        R(-2026, E.VENUE_REJECTED),
        R(-4001, E.VENUE_REJECTED),
        R(-4002, E.VENUE_REJECTED),
        R(-4013, E.VENUE_REJECTED),
        R(-4015, E.VENUE_REJECTED),
        R(-4016, E.VENUE_REJECTED),
        R(-4024, E.VENUE_REJECTED),
        R(NO_NEED_TO_CHANGE_MARGIN_TYPE, E.VENUE_REJECTED),
        R(-4047, E.VENUE_REJECTED),
        R(-4048, E.VENUE_REJECTED),
        R(-4059, E.VENUE_REJECTED),
        R(POSITION_SIDE_NOT_MATCH, E.VENUE_REJECTED),
        R(-4062, E.VENUE_REJECTED),
        R(-4067, E.VENUE_REJECTED),
        R(-4068, E.VENUE_REJECTED),
        R(-4120, E.VENUE_REJECTED),
        R(-4131, E.VENUE_REJECTED),
        R(-4142, E.VENUE_REJECTED),
        R(-4161, E.VENUE_REJECTED),
        R(-4183, E.VENUE_REJECTED),
        R(-4184, E.VENUE_REJECTED),
        R(-5021, E.VENUE_REJECTED),
        R(-5022, E.VENUE_REJECTED),
    ]
)


def classify(code: int | None, msg: str, http_status: int) -> TvbridgeError:
    shown = msg or (f"code {code}" if code is not None else f"HTTP {http_status}")
    return TvbridgeError(
        _error_class(code, msg, http_status),
        f"Binance refused: {shown}",
        venue_code=str(code) if code is not None else str(http_status),
        venue_message=msg,
    )


def _error_class(code: int | None, msg: str, http_status: int) -> E:
    if http_status >= 500 or http_status == 408:
        # Sent, but no verdict ([GI] 5xx): the venue may have acted; the engine asks before resending.
        return E.VENUE_UNAVAILABLE
    known = TABLE.classify(code, msg) if code is not None else None
    if http_status in (418, 429) or (http_status == 403 and known is None):
        # 403 without a code is the web firewall's limit ([GI]): back off as for 429.
        return E.RATE_LIMITED
    if known is not None:
        return known
    return E.AUTH if http_status == 401 else E.VENUE_REJECTED
