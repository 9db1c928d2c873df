"""A venue's answer code, over real HTTP from the simulator's `venue_error` fault, through the
engine: a permanent refusal comes back `rejected` at once with the venue's own code and words,
sent once and never retried; a busy code is a condition to retry (the gateway redelivers), and
the redelivery trades."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest

from common.errors import ErrorClass, TvbridgeError
from executor.core.model import Outcome
from tests.executor.conftest import BINANCE, BINGX, VenueProfile, VenueRig


@dataclass(frozen=True)
class Answer:
    profile: VenueProfile
    code: int
    msg: str
    error_class: ErrorClass


# Documented refusals the venues send for a signal's or an account's reasons (docs/venues/*.md §6).
REFUSALS = [
    # ccxt's sample: BingX wraps the inner code in 80012's message.
    Answer(BINGX, 80012, '{"Code":101253,"Msg":"margin is not enough"}', ErrorClass.INSUFFICIENT_MARGIN),
    Answer(BINGX, 80012, "stop order cnt hit limit 50", ErrorClass.RISK_LIMIT),
    Answer(BINGX, 100421, "This pair is currently restricted from API trading", ErrorClass.TRADING_DISABLED),
    Answer(BINGX, 101400, "The trading pair is not available for trading", ErrorClass.TRADING_DISABLED),
    Answer(BINANCE, -2019, "Margin is insufficient.", ErrorClass.INSUFFICIENT_MARGIN),
    Answer(BINANCE, -4400, "Futures Trading Quantitative Rules violated", ErrorClass.TRADING_DISABLED),
]

# Documented answers of a venue that is busy: the same request later may pass.
BUSY = [
    Answer(BINGX, 109500, "Internal server error", ErrorClass.VENUE_UNAVAILABLE),
    Answer(BINGX, 80012, "The current system is busy, please try again later", ErrorClass.VENUE_UNAVAILABLE),
    Answer(BINANCE, -1001, "Internal error; unable to process your request.", ErrorClass.VENUE_UNAVAILABLE),
]


def _on_its_venue(answers: list[Answer]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(
        ("venue_profile", "answer"),
        [pytest.param(a.profile, a, id=f"{a.profile.name}-{a.code}-{a.msg[:24]}") for a in answers],
    )


@_on_its_venue(REFUSALS)
def test_a_permanent_refusal_is_rejected_at_once_with_the_venues_words(rig: VenueRig, answer: Answer) -> None:
    path = rig.fault_next_order("venue_error", code=answer.code, msg=answer.msg)
    rig.reset_requests()
    started = time.monotonic()
    result = rig.engine.execute(rig.signal(), max_age_ms=60_000)
    assert time.monotonic() - started < 3
    assert result.outcome is Outcome.REJECTED
    assert result.error is not None
    assert result.error.error_class is answer.error_class
    assert not result.error.retryable
    assert (result.error.venue_code, result.error.venue_message) == (str(answer.code), answer.msg)
    assert rig.sent("POST", path) == 1
    assert rig.held() == 0


@_on_its_venue(BUSY)
def test_a_busy_answer_is_retried_and_the_redelivery_trades(rig: VenueRig, answer: Answer) -> None:
    path = rig.fault_next_order("venue_error", code=answer.code, msg=answer.msg)
    rig.reset_requests()
    signal = rig.signal()
    with pytest.raises(TvbridgeError) as caught:
        rig.engine.execute(signal, max_age_ms=60_000)
    assert caught.value.retryable
    assert caught.value.error_class is answer.error_class
    assert rig.sent("POST", path) == 1  # the executor does not loop: the gateway redelivers
    assert rig.held() == 0
    redelivered = rig.engine.execute(signal, max_age_ms=60_000, attempt=2)
    assert redelivered.outcome is Outcome.EXECUTED
    assert rig.held() > 0
