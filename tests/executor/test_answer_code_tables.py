"""Every code in both venues' tables has a class and a retry decision, and the codes a venue
reuses are read by their message (docs/venues/bingx.md and binance.md, section 6)."""

from __future__ import annotations

import pytest

from common.errors import RETRYABLE, ErrorClass
from executor.venues import answer_codes
from executor.venues.answer_codes import CodeRule, CodeTable
from executor.venues.binance import errors as binance
from executor.venues.bingx import errors as bingx

E = ErrorClass
UNNAMED = "words no rule names"

# Each code's default class, as section 6 of each venue's notes gives it.
BINGX_DEFAULTS: dict[ErrorClass, set[int]] = {
    E.AUTH: {100001, 100412, 100413, 100004, 100419},
    E.TIMESTAMP: {100421},
    E.RATE_LIMITED: {100410, 109403, 109429},
    E.VENUE_UNAVAILABLE: {100500, 101500, 110500, 109701, 80019, 101214, 101219, 101412, 109500, 80012},
    E.VENUE_REJECTED: {80001, 80014, 100400, 100404, 109400, 101400, 101212, 101211, 101215, 101460}
    | {101461, 101479, 104103, 104108, 109401, 110400, 110402, 110406, 110407, 110411, 110412}
    | {110413, 110414, 110426}
    | {110415, 110416, 110418, 110419, 110420},
    E.PRECISION: {110425},
    E.RISK_LIMIT: {101209, 80013, 101201, 101222, 101414, 101419, 101424, 101429, 110206, 110287, 112414},
    E.UNKNOWN_ORDER: {109414, 80016, 80018, 109421},
    E.INSUFFICIENT_MARGIN: {101204, 101206, 101253, 110424, 100202},
    E.BELOW_MINIMUM: {101202, 110422, 101485},
    E.NO_POSITION: {80017, 109420, 101205, 101290, 110203},
    E.DUPLICATE_CLIENT_ID: {101481, 109201},
    E.TRADING_DISABLED: {80020, 100414, 101210, 101413, 101415, 101483, 101484, 101514, 101515, 104424}
    | {109417, 110280},
    E.UNKNOWN_SYMBOL: {109425},
}

BINANCE_DEFAULTS: dict[ErrorClass, set[int]] = {
    E.AUTH: {-1002, -1022, -1099, -2008, -2014, -2015, -2017},
    E.TIMESTAMP: {-1021, -5028},
    E.RATE_LIMITED: {-1003, -1015},
    E.VENUE_UNAVAILABLE: {-1008, -1000, -1001, -1006, -1007, -4117},
    E.INSUFFICIENT_MARGIN: {-2018, -2019, -2028, -4050, -4051},
    E.BELOW_MINIMUM: {-4003, -4004, -4164, -5029},
    E.PRECISION: {-1111, -4014, -4023},
    E.UNKNOWN_ORDER: {-2013, -2011},
    E.NO_POSITION: {-2022, -2024, -4118},
    E.DUPLICATE_CLIENT_ID: {-4116},
    E.UNKNOWN_SYMBOL: {-1121},
    E.TRADING_DISABLED: {-1122, -4140, -4141, -2023, -4087, -4088, -4192, -4400, -4401, -4402},
    E.RISK_LIMIT: {-4005, -2025, -2027, -4045, -4028, -4202, -4203, -4205, -4206, -4208, -4209, -4403},
    E.VENUE_REJECTED: {-2010, -1016, -1100, -1101, -1102, -1103, -1104, -1105, -1106, -1115, -1116}
    | {-1117, -1125, -1127, -1128, -1130, -1136, -2020, -2021, -2026, -4001, -4002, -4013, -4015}
    | {-4016, -4024, -4046, -4047, -4048, -4059, -4061, -4062, -4067, -4068, -4120, -4131, -4142}
    | {-4161, -4183, -4184, -5021, -5022, -2007},
}

# Messages the sources quote under a reused code, and the class each must get.
BINGX_MESSAGES = [
    (109500, "Account Service Unavailable, err:symbol not exist", E.UNKNOWN_SYMBOL),
    (109500, "symbol not exist", E.UNKNOWN_SYMBOL),
    (109500, "SetTradingStrategy network failed", E.VENUE_UNAVAILABLE),
    (80012, '{"Code":101253,"Msg":"margin is not enough"}', E.INSUFFICIENT_MARGIN),
    (80012, "leverage illegal", E.RISK_LIMIT),
    (80012, "position limit", E.RISK_LIMIT),
    (80012, "stop order cnt hit limit 50", E.RISK_LIMIT),
    (80012, "query Service Unavailable, err:contract not exist", E.UNKNOWN_SYMBOL),
    (80012, "trading has been locked", E.TRADING_DISABLED),
    (80012, "startTime is later than endTime", E.VENUE_REJECTED),
    (80012, "connect: connection refused", E.VENUE_UNAVAILABLE),
    (80012, "The current system is busy, please try again later", E.VENUE_UNAVAILABLE),
    (80001, "margin is not enough", E.INSUFFICIENT_MARGIN),
    (80001, "Insufficient margin", E.INSUFFICIENT_MARGIN),
    (80001, "No position to close", E.NO_POSITION),
    (80001, "service has some errors, order not exist", E.UNKNOWN_ORDER),
    (80001, "service has some errors, The order doesn't exist", E.UNKNOWN_ORDER),
    (
        80001,
        "You're temporarily suspended from opening positions. Please try again later",
        E.TRADING_DISABLED,
    ),
    (80001, "The maximum leverage for the trading pair is 5, please reduce the leverage", E.RISK_LIMIT),
    (80001, "The maximum position value for this leverage is 150000 USDT.", E.RISK_LIMIT),
    (80001, "The current system is busy", E.VENUE_UNAVAILABLE),
    (80001, "Request failed", E.VENUE_UNAVAILABLE),
    (80001, "This operation is not allowed as your account assets are being processed.", E.VENUE_UNAVAILABLE),
    (80001, "the account has positions or pending orders", E.VENUE_REJECTED),
    (100421, "This pair is currently restricted from API trading", E.TRADING_DISABLED),
    (100421, " traders prohibit openApi from placing orders", E.TRADING_DISABLED),
    (100421, " CheckUserAndSymbol: contract not exist", E.UNKNOWN_SYMBOL),
    (100421, " cancel fail,  order not exist", E.UNKNOWN_ORDER),
    (100421, "Null timestamp or timestamp mismatch", E.TIMESTAMP),
    (
        101400,
        "Please ensure that the minimum nominal value of the order placed must be greater than 2u",
        E.BELOW_MINIMUM,
    ),
    (101400, "The trading pair is not available for trading", E.TRADING_DISABLED),
    (101400, "No position to close", E.NO_POSITION),
    (101400, "Insufficient margin", E.INSUFFICIENT_MARGIN),
    (101400, "Order size error", E.VENUE_REJECTED),
    (
        110425,
        "Please ensure that the minimum nominal value of the order placed must be greater than 2u",
        E.BELOW_MINIMUM,
    ),
    (110425, "does not meet the contract precision or step size", E.PRECISION),
    (
        101209,
        "The same order number is only allowed to be submitted once within 1 second.",
        E.DUPLICATE_CLIENT_ID,
    ),
    (101209, "The maximum position value for this leverage is 170000 USDT.", E.RISK_LIMIT),
    (109414, "Request failed", E.VENUE_UNAVAILABLE),
    (109414, "order not exist", E.UNKNOWN_ORDER),
    (109400, "margin is not enough", E.INSUFFICIENT_MARGIN),
    (109400, "symbol not exist", E.UNKNOWN_SYMBOL),
    (109400, "You have a copy trading signal in process, please try again later.", E.VENUE_UNAVAILABLE),
    (109400, "In the One-way mode, the 'PositionSide' field can only be set to BOTH.", E.VENUE_REJECTED),
    (80014, "Reminder: ... API orders are temporarily disabled.", E.TRADING_DISABLED),
    (80014, "parameter quantity is must", E.VENUE_REJECTED),
]

BINANCE_MESSAGES = [
    (-2010, "Account has insufficient balance for requested action.", E.INSUFFICIENT_MARGIN),
    (-2010, "NEW_ORDER_REJECTED", E.VENUE_REJECTED),
    (-1021, "Timestamp for this request was 1000ms ahead of the server's time.", E.TIMESTAMP),
    (-1003, "Way too many requests; IP banned until 1700000000000.", E.RATE_LIMITED),
    (-4028, "Leverage 200 is not valid", E.RISK_LIMIT),
]


def _flatten(defaults: dict[ErrorClass, set[int]]) -> dict[int, ErrorClass]:
    flat = {code: error_class for error_class, codes in defaults.items() for code in codes}
    assert len(flat) == sum(len(codes) for codes in defaults.values()), "a code listed twice"
    return flat


@pytest.mark.parametrize(
    ("table", "defaults"),
    [(bingx.TABLE, BINGX_DEFAULTS), (binance.TABLE, BINANCE_DEFAULTS)],
    ids=["bingx", "binance"],
)
def test_every_code_has_its_documented_default_class_and_retry_decision(
    table: CodeTable, defaults: dict[ErrorClass, set[int]]
) -> None:
    expected = _flatten(defaults)
    assert table.codes == set(expected)
    for code, error_class in expected.items():
        assert table.classify(code, UNNAMED) is error_class, code


@pytest.mark.parametrize(("code", "msg", "expected"), BINGX_MESSAGES)
def test_bingx_reads_a_reused_code_by_its_message(code: int, msg: str, expected: ErrorClass) -> None:
    error = bingx.classify(code, msg, 200)
    assert error.error_class is expected
    assert error.retryable is (expected in RETRYABLE)
    assert (error.venue_code, error.venue_message) == (str(code), msg)


@pytest.mark.parametrize(("code", "msg", "expected"), BINANCE_MESSAGES)
def test_binance_reads_a_reused_code_by_its_message(code: int, msg: str, expected: ErrorClass) -> None:
    assert binance.classify(code, msg, 400).error_class is expected


def test_the_issues_findings_are_retried_or_refused_as_the_docs_say() -> None:
    # A passing outage is retried; a refusal is not.
    assert bingx.classify(109500, "Internal server error", 200).retryable
    assert not bingx.classify(80012, "margin is not enough", 200).retryable
    assert bingx.classify(80012, "Service Unavailable", 200).retryable
    assert binance.classify(-1007, "Timeout waiting for response from backend server.", 408).retryable
    assert not binance.classify(-2019, "Margin is insufficient.", 400).retryable


def test_an_unlisted_code_falls_back_on_the_http_status() -> None:
    assert bingx.classify(999999, "?", 200).error_class is E.VENUE_REJECTED
    assert bingx.classify(999999, "?", 503).error_class is E.VENUE_UNAVAILABLE
    assert bingx.classify(999999, "?", 429).error_class is E.RATE_LIMITED
    assert binance.classify(-9999, "?", 400).error_class is E.VENUE_REJECTED


@pytest.mark.parametrize(
    "rules",
    [
        [CodeRule(1, E.AUTH, "a")],  # no default
        [CodeRule(1, E.AUTH), CodeRule(1, E.RISK_LIMIT, "a")],  # default not last
        [CodeRule(1, E.AUTH), CodeRule(1, E.RISK_LIMIT)],  # two defaults
    ],
)
def test_a_table_needs_one_default_per_code_and_last(rules: list[CodeRule]) -> None:
    with pytest.raises(ValueError, match="default"):
        answer_codes.CodeTable(rules)


@pytest.mark.parametrize(
    ("msg", "expected"),
    [
        ("The current system is busy, please try again later", E.VENUE_UNAVAILABLE),
        ("margin is not enough", E.INSUFFICIENT_MARGIN),
        ("Stop Loss price should be lower than the current price", E.VENUE_REJECTED),
        ("", E.VENUE_REJECTED),
    ],
)
def test_bingx_reads_a_refusal_given_in_words_alone(msg: str, expected: ErrorClass) -> None:
    # cancelReplace reports each half's refusal as words with no code (bingx.md 5.10a).
    refusal = bingx.classify_words(msg)
    assert (refusal.error_class, refusal.venue_code, refusal.venue_message) == (expected, "", msg)
