"""BingX answer codes in the project's error taxonomy, by code and message together
(docs/venues/bingx.md, section 6, lists every rule with its class and retry decision).

BingX reuses codes across unrelated refusals: its own code list gives 80012 both "The current
system is busy" and "margin is not enough", 80001 both "order not exist" and "The current system
is busy". A refusal that is the signal's or the account's must reach the trader as `rejected` with
the venue's words at once; only a passing condition may be retried. Sources (bingx.md section 0):
[BI] docs-v3 swapV2 "Basic Information / Common Error Codes", the per-code message lists;
[DOCV3] the current endpoint error tables (Place order, Set leverage, Change margin type, Query
order); [SKILLS] api-ai-skills error-codes.md; [CCXT] ccxt's bingx exception samples.
"""

from __future__ import annotations

from common.errors import ErrorClass as E
from common.errors import TvbridgeError
from executor.venues.answer_codes import CodeRule as R
from executor.venues.answer_codes import CodeTable

# Named because the adapter reads it: the position-mode refusals travel under it.
INVALID_PARAMETERS = 109400

TABLE = CodeTable(
    [
        # Keys and signatures. [BI] common list; [SKILLS] Common Error Codes.
        R(100001, E.AUTH),  # signature verification failed
        R(100412, E.AUTH),  # null signature
        R(100413, E.AUTH),  # incorrect API key
        R(100004, E.AUTH),  # key created without the permission
        R(100419, E.AUTH),  # IP not on the key's whitelist
        # 100421 is the timestamp code in [BI], but [DOCV3] (spot tables) and [CCXT] show it for
        # pairs closed to API orders, unknown contracts and unknown orders too.
        R(100421, E.TRADING_DISABLED, "restricted from API trading"),
        R(100421, E.TRADING_DISABLED, "not available to place order"),
        R(100421, E.TRADING_DISABLED, "prohibit openApi"),
        R(100421, E.UNKNOWN_SYMBOL, "contract not exist"),
        R(100421, E.UNKNOWN_ORDER, "order not exist"),
        R(100421, E.TIMESTAMP),  # "Null timestamp or timestamp mismatch"
        # Limits. [BI] "100410 - rate limitation"; [SKILLS] 109403 risk-control rate, 109429 too
        # many invalid requests ("temporarily restricted ... retry later").
        R(100410, E.RATE_LIMITED),
        R(109403, E.RATE_LIMITED),
        R(109429, E.RATE_LIMITED),
        # The venue busy or down: the same request later may pass. [BI] 100500 internal error,
        # 101500 rpc timeout, 80019 "being processed"; [SKILLS] 110500 "Order system busy",
        # 109701 network exception, 101214 funding settlement, 101219 assets being processed,
        # 101412 "Account information has changed. Please refresh and try again".
        R(100500, E.VENUE_UNAVAILABLE),
        R(101500, E.VENUE_UNAVAILABLE),
        R(110500, E.VENUE_UNAVAILABLE),
        R(109701, E.VENUE_UNAVAILABLE),
        R(80019, E.VENUE_UNAVAILABLE),
        R(101214, E.VENUE_UNAVAILABLE),
        R(101219, E.VENUE_UNAVAILABLE),
        R(101412, E.VENUE_UNAVAILABLE),
        # 109500: [SKILLS] "Internal server error ... retry later"; [DOCV3] Set leverage lists it
        # also as "symbol not exist" (and, on endpoints without a symbol, as "Account Service
        # Unavailable, err:symbol not exist", read here as a symbol refusal all the same).
        R(109500, E.UNKNOWN_SYMBOL, "symbol not exist"),
        R(109500, E.VENUE_UNAVAILABLE),
        # 80012: [BI] "service unavailable", whose message list also holds permanent refusals;
        # [CCXT] sample msg `{"Code":101253,"Msg":"margin is not enough"}`; [DOCV3] Change margin
        # type "query Service Unavailable, err:contract not exist".
        R(80012, E.INSUFFICIENT_MARGIN, "margin is not enough"),
        R(80012, E.RISK_LIMIT, "leverage illegal"),
        R(80012, E.RISK_LIMIT, "position limit"),
        R(80012, E.RISK_LIMIT, "hit limit"),  # "stop order cnt hit limit 50"
        R(80012, E.UNKNOWN_SYMBOL, "contract not exist"),
        R(80012, E.UNKNOWN_SYMBOL, "symbol not exist"),
        R(80012, E.TRADING_DISABLED, "trading has been locked"),
        R(80012, E.VENUE_REJECTED, "invalid parameter"),
        R(80012, E.VENUE_REJECTED, "later than endTime"),
        R(80012, E.VENUE_UNAVAILABLE),  # busy, connection refused, network failed, ...
        # 80001: [DOC23] "request failed"; [BI] and [DOCV3] (Place order, Batch orders, Query
        # order, Close all) list under it refusals of every kind, and "The current system is busy".
        R(80001, E.INSUFFICIENT_MARGIN, "margin is not enough"),
        R(80001, E.INSUFFICIENT_MARGIN, "margin not enough"),
        R(80001, E.INSUFFICIENT_MARGIN, "insufficient margin"),
        R(80001, E.NO_POSITION, "no position to close"),
        R(80001, E.UNKNOWN_ORDER, "order not exist"),
        R(80001, E.UNKNOWN_ORDER, "order doesn't exist"),
        R(80001, E.TRADING_DISABLED, "temporarily suspended"),
        R(80001, E.TRADING_DISABLED, "trading strategy available is false"),
        R(80001, E.RISK_LIMIT, "maximum leverage"),
        R(80001, E.RISK_LIMIT, "position limit"),
        R(80001, E.RISK_LIMIT, "maximum position value"),
        R(80001, E.VENUE_UNAVAILABLE, "system is busy"),
        R(80001, E.VENUE_UNAVAILABLE, "assets are being processed"),
        R(80001, E.VENUE_UNAVAILABLE, "request failed"),
        R(80001, E.VENUE_UNAVAILABLE, "tickers is nil"),
        R(80001, E.VENUE_REJECTED),  # pending orders in the way, TP/SL on the wrong side, ...
        # Parameters. [BI] 80014 "Invalid parameter", 100400 "arguments invalid"; [SKILLS] 100404
        # no such path, 109400 the generic code since 2025-10; [DOCV3] Place order lists
        # 80014/109400 "API orders are temporarily disabled" and 109400 "copy trading signal in
        # process, please try again later"; Set leverage 109400 "margin is not enough".
        R(80014, E.TRADING_DISABLED, "temporarily disabled"),
        R(80014, E.VENUE_REJECTED),
        R(100400, E.VENUE_REJECTED),
        R(100404, E.VENUE_REJECTED),
        R(INVALID_PARAMETERS, E.TRADING_DISABLED, "temporarily disabled"),
        R(INVALID_PARAMETERS, E.VENUE_UNAVAILABLE, "please try again later"),
        R(INVALID_PARAMETERS, E.INSUFFICIENT_MARGIN, "margin is not enough"),
        R(INVALID_PARAMETERS, E.UNKNOWN_SYMBOL, "symbol not exist"),
        R(INVALID_PARAMETERS, E.VENUE_REJECTED),  # position-mode mismatch among them (adapter)
        # 101400: [BI] list (no position, order size, insufficient margin, callback rate); [DOCV3]
        # Place order "minimum nominal value ... 2u", "The trading pair is not available for
        # trading"; [SKILLS] also a duplicate clientOrderID.
        R(101400, E.BELOW_MINIMUM, "minimum nominal value"),
        R(101400, E.TRADING_DISABLED, "not available for trading"),
        R(101400, E.NO_POSITION, "no position to close"),
        R(101400, E.INSUFFICIENT_MARGIN, "insufficient margin"),
        R(101400, E.DUPLICATE_CLIENT_ID, "clientOrderID"),
        R(101400, E.VENUE_REJECTED),
        # 110425: [SKILLS] "does not meet the contract precision or step size"; [CCXT] sample
        # "minimum nominal value of the order placed must be greater than 2u".
        R(110425, E.BELOW_MINIMUM, "minimum nominal value"),
        R(110425, E.PRECISION),
        # 101209: [BI] "maximum position value for this leverage"; the 2024 list used it for "the
        # same order number ... once within 1 second" (now 109201).
        R(101209, E.DUPLICATE_CLIENT_ID, "once within 1 second"),
        R(101209, E.RISK_LIMIT),
        # 101212: [BI] "check if you have pending orders"; [SKILLS] "Available balance is
        # insufficient for this order".
        R(101212, E.INSUFFICIENT_MARGIN, "insufficient"),
        R(101212, E.VENUE_REJECTED),
        # 109414: [DOCV3] Query order lists "order not exist" and "Request failed".
        R(109414, E.VENUE_UNAVAILABLE, "request failed"),
        R(109414, E.UNKNOWN_ORDER),
        # Margin. [BI] 101204; [SKILLS] 101206, 101253, 110424, 100202 (spot, assets).
        R(101204, E.INSUFFICIENT_MARGIN),
        R(101206, E.INSUFFICIENT_MARGIN),
        R(101253, E.INSUFFICIENT_MARGIN),
        R(110424, E.INSUFFICIENT_MARGIN),
        R(100202, E.INSUFFICIENT_MARGIN),
        # Minimums and precision. [SKILLS] 101202, 110422, 101485.
        R(101202, E.BELOW_MINIMUM),
        R(110422, E.BELOW_MINIMUM),
        R(101485, E.BELOW_MINIMUM),
        # Orders and positions that are not there. [BI] 80016, 80017, 80018; [SKILLS] 109421,
        # 109420, 101205, 101290, 110203.
        R(80016, E.UNKNOWN_ORDER),
        R(80018, E.UNKNOWN_ORDER),  # "order is already filled, The order doesn't exist"
        R(109421, E.UNKNOWN_ORDER),
        R(80017, E.NO_POSITION),
        R(109420, E.NO_POSITION),
        R(101205, E.NO_POSITION),
        R(101290, E.NO_POSITION),  # reduce-only would open
        R(110203, E.NO_POSITION),  # available amount for closing insufficient
        # The same client id again: the placer asks the venue for it. [DOCV3] 101481, 109201.
        R(101481, E.DUPLICATE_CLIENT_ID),
        R(109201, E.DUPLICATE_CLIENT_ID),
        # The venue's limits on leverage, positions and order counts. [BI] 80013, 101414;
        # [SKILLS] 101201, 101222, 101419, 101429, 110206, 110287, 112414; [DOCV3] 101424.
        R(80013, E.RISK_LIMIT),
        R(101201, E.RISK_LIMIT),
        R(101222, E.RISK_LIMIT),
        R(101414, E.RISK_LIMIT),
        R(101419, E.RISK_LIMIT),
        R(101424, E.RISK_LIMIT),
        R(101429, E.RISK_LIMIT),
        R(110206, E.RISK_LIMIT),
        R(110287, E.RISK_LIMIT),
        R(112414, E.RISK_LIMIT),
        # Trading closed to this account or pair. [BI] 80020 "risk forbidden", 101415, 101514;
        # [DOCV3] 101515; [SKILLS] 100414 (spot), 101210, 101413, 101483, 101484, 104424, 109417,
        # 110280.
        R(80020, E.TRADING_DISABLED),
        R(100414, E.TRADING_DISABLED),
        R(101210, E.TRADING_DISABLED),
        R(101413, E.TRADING_DISABLED),
        R(101415, E.TRADING_DISABLED),
        R(101483, E.TRADING_DISABLED),
        R(101484, E.TRADING_DISABLED),
        R(101514, E.TRADING_DISABLED),
        R(101515, E.TRADING_DISABLED),
        R(104424, E.TRADING_DISABLED),
        R(109417, E.TRADING_DISABLED),
        R(110280, E.TRADING_DISABLED),
        # Symbols. [SKILLS] 109425 "trading pair does not exist".
        R(109425, E.UNKNOWN_SYMBOL),
        # Order terms the venue refuses. [BI] 101211 price range, 101215 post-only, 101460;
        # [SKILLS] 101461, 101479, 104103, 104108, 109401 (our simulator's mode-change refusal,
        # [DOCV3] Set position mode), 110400, 110402, 110406, 110407, 110411-110414, 110426.
        R(101211, E.VENUE_REJECTED),
        R(101215, E.VENUE_REJECTED),
        R(101460, E.VENUE_REJECTED),
        R(101461, E.VENUE_REJECTED),
        R(101479, E.VENUE_REJECTED),
        R(104103, E.VENUE_REJECTED),
        R(104108, E.VENUE_REJECTED),
        R(109401, E.VENUE_REJECTED),
        R(110400, E.VENUE_REJECTED),
        R(110402, E.VENUE_REJECTED),
        R(110406, E.VENUE_REJECTED),
        R(110407, E.VENUE_REJECTED),
        R(110411, E.VENUE_REJECTED),
        R(110412, E.VENUE_REJECTED),
        R(110413, E.VENUE_REJECTED),
        R(110414, E.VENUE_REJECTED),
        R(110426, E.VENUE_REJECTED),
        # A trailing stop's terms (section 5.8, "Trailing stops"): [SKILLS] 110415 callback rate
        # below the minimum, 110418 trailing distance beyond the maximum, 110419/110420 an
        # activation price the price has already passed (SELL/BUY); [BI] words the maximum
        # rate refusal, its code 110416 a guess between them.
        R(110415, E.VENUE_REJECTED),
        R(110416, E.VENUE_REJECTED),
        R(110418, E.VENUE_REJECTED),
        R(110419, E.VENUE_REJECTED),
        R(110420, E.VENUE_REJECTED),
    ]
)


def classify(code: int, msg: str, http_status: int) -> TvbridgeError:
    error_class = TABLE.classify(code, msg)
    if error_class is None:
        # A code no source lists: the HTTP status is all there is ([BI] HTTP codes).
        if http_status == 429:
            error_class = E.RATE_LIMITED
        elif http_status >= 500:
            error_class = E.VENUE_UNAVAILABLE
        else:
            error_class = E.VENUE_REJECTED
    return TvbridgeError(
        error_class, f"BingX refused: {msg or 'code ' + str(code)}", venue_code=str(code), venue_message=msg
    )


def classify_words(msg: str) -> TvbridgeError:
    """A refusal reported in words alone: cancelReplace gives each half's outcome as `cancelMsg`
    and `replaceMsg`, with no code (section 5.10a). The table's worded rules read it; words no
    rule names are a refusal of the order, not a passing condition."""
    error_class = TABLE.by_words(msg) or E.VENUE_REJECTED
    return TvbridgeError(error_class, f"BingX refused: {msg or 'no reason given'}", venue_message=msg)
