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
