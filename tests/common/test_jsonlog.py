from __future__ import annotations

import json
import logging

from common import jsonlog


def _render(record_msg: str, **extra: object) -> dict[str, object]:
    formatter = jsonlog.JsonFormatter("test")
    record = logging.LogRecord("t", logging.INFO, __file__, 1, record_msg, (), None)
    for key, value in extra.items():
        setattr(record, key, value)
    entry: dict[str, object] = json.loads(formatter.format(record))
    return entry


def test_registered_secret_is_scrubbed_from_message_and_extras() -> None:
    jsonlog.register_secret("s3cr3t-value-xyz")
    entry = _render("key was s3cr3t-value-xyz in text", detail="also s3cr3t-value-xyz here")
    text = json.dumps(entry)
    assert "s3cr3t-value-xyz" not in text
    assert entry["msg"] == "key was *** in text"


def test_secret_looking_keys_are_masked() -> None:
    entry = _render("x", api_key="abc", nested={"passphrase": "p", "symbol": "BTC-USDT"})
    assert entry["api_key"] == "***"
    assert entry["nested"] == {"passphrase": "***", "symbol": "BTC-USDT"}


def test_signal_id_rides_on_every_line_in_context() -> None:
    with jsonlog.signal_context("sig-42"):
        entry = _render("inside")
    assert entry["signal_id"] == "sig-42"
    assert "signal_id" not in _render("outside")


def test_short_values_are_not_registered() -> None:
    # Scrubbing "a" would mangle every line; secrets that short are refused elsewhere.
    jsonlog.register_secret("ab")
    assert _render("abc")["msg"] == "abc"


def test_each_line_carries_its_own_second() -> None:
    """The formatted second is reused within a second, never across one."""
    formatter = jsonlog.JsonFormatter("test")
    stamps = []
    for created in (1_700_000_000.25, 1_700_000_000.75, 1_700_000_001.5, 1_700_000_000.125):
        record = logging.LogRecord("t", logging.INFO, __file__, 1, "x", (), None)
        record.created, record.msecs = created, (created % 1) * 1000
        stamps.append(json.loads(formatter.format(record))["ts"])
    assert stamps == [
        "2023-11-14T22:13:20.250Z",
        "2023-11-14T22:13:20.750Z",
        "2023-11-14T22:13:21.500Z",
        "2023-11-14T22:13:20.125Z",
    ]


def test_secret_looking_keys_of_any_length_are_masked() -> None:
    """Short names are remembered once looked at; long ones (a sender's) are looked at each time."""
    long_key = "x" * 100 + "_token"
    for _ in range(2):
        entry = _render("x", nested={long_key: "v", "Passphrase": "p", "note": "n"})
        assert entry["nested"] == {long_key: "***", "Passphrase": "***", "note": "n"}
