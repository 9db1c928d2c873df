"""gateway/core/refusal_log.py: the first refusal of each kind from an address is logged, the
rest counted and summed up once an interval; quiet addresses are forgotten; many addresses
cannot flood the log either."""

from __future__ import annotations

import json
import logging

import pytest

from common.jsonlog import JsonFormatter
from gateway.core.refusal_log import RefusalLog

log = logging.getLogger("test.refusals")


def refuse(
    refusals: RefusalLog, client_ip: str, outcome: str = "unauthorized", level: int = logging.WARNING
) -> None:
    refusals.refused(log, level, f"refused: {outcome}", client_ip=client_ip, outcome=outcome, detail="d")


def lines(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str, int]]:
    """(message, address, refused) of every line, the summaries' count or 0, then forgotten."""
    out = [
        (r.getMessage(), r.__dict__.get("client_ip", ""), r.__dict__.get("refused", 0))
        for r in caplog.records
    ]
    caplog.clear()
    return out


@pytest.fixture
def refusals(caplog: pytest.LogCaptureFixture) -> RefusalLog:
    caplog.set_level(logging.DEBUG)
    return RefusalLog(interval_s=60, max_sources=2)


def test_the_first_of_each_kind_is_logged_the_rest_summed_up(
    refusals: RefusalLog, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(5):
        refuse(refusals, "203.0.113.9")
    refuse(refusals, "203.0.113.9", "invalid", logging.INFO)
    refuse(refusals, "203.0.113.9", "invalid", logging.INFO)
    assert lines(caplog) == [
        ("refused: unauthorized", "203.0.113.9", 0),
        ("refused: invalid", "203.0.113.9", 0),
    ]
    refusals.flush()
    [summary] = caplog.records
    assert summary.levelno == logging.WARNING  # the gravest of what it sums up
    assert (summary.__dict__["refused"], summary.__dict__["outcomes"]) == (
        5,
        {"invalid": 1, "unauthorized": 4},
    )
    # Still refusing after the summary: counted on, not logged again.
    caplog.clear()
    refuse(refusals, "203.0.113.9")
    assert lines(caplog) == []
    refusals.flush()
    assert lines(caplog) == [("webhooks refused from this address", "203.0.113.9", 1)]


def test_an_address_quiet_for_an_interval_is_news_again(
    refusals: RefusalLog, caplog: pytest.LogCaptureFixture
) -> None:
    refuse(refusals, "203.0.113.9")
    refusals.flush()  # nothing counted: no summary, and the address is forgotten
    refuse(refusals, "203.0.113.9")
    assert lines(caplog) == [("refused: unauthorized", "203.0.113.9", 0)] * 2


def test_addresses_past_the_ones_followed_share_one_summary(
    refusals: RefusalLog, caplog: pytest.LogCaptureFixture
) -> None:
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"):
        refuse(refusals, address)
        refuse(refusals, address)
    assert [address for _, address, _ in lines(caplog)] == ["198.51.100.1", "198.51.100.2"]
    refusals.flush()
    assert lines(caplog) == [
        ("webhooks refused from this address", "198.51.100.1", 1),
        ("webhooks refused from this address", "198.51.100.2", 1),
        ("webhooks refused from addresses past the ones followed", "", 4),
    ]


def test_a_summary_is_one_json_line(refusals: RefusalLog, caplog: pytest.LogCaptureFixture) -> None:
    for _ in range(4):
        refuse(refusals, "203.0.113.9")
    caplog.clear()
    refusals.flush()
    [summary] = caplog.records
    entry = json.loads(JsonFormatter("gateway").format(summary))
    assert {k: v for k, v in entry.items() if k != "ts"} == {
        "level": "warning",
        "service": "gateway",
        "logger": "gateway.refusals",
        "msg": "webhooks refused from this address",
        "client_ip": "203.0.113.9",
        "refused": 3,
        "outcomes": {"unauthorized": 3},
        "interval_s": 60,
    }
