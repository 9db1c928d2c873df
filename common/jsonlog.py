"""Structured JSON logs that carry the signal id and never carry a secret.

Secrets are redacted twice: by value (every configured secret is registered
here at start-up and scrubbed from any rendered line) and by key (fields whose
names look secret are masked before rendering), so a secret that slips into a
message, an exception or an `extra` field still never reaches the output.
"""

from __future__ import annotations

import contextvars
import functools
import json
import logging
import re
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

REDACTED = "***"
_SECRET_KEY_RE = re.compile(r"(secret|passphrase|password|api[_-]?key|token|signature)", re.I)
_MIN_SECRET_LEN = 4

signal_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("signal_id", default=None)

_lock = threading.Lock()
_secrets: set[str] = set()
_secret_re: re.Pattern[str] | None = None


def register_secret(value: str | None) -> None:
    """Scrub this exact value from every log line from now on."""
    global _secret_re  # noqa: PLW0603 - one process-wide scrubber, swapped atomically
    if not value or len(value) < _MIN_SECRET_LEN:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        # Longest first so a secret that contains another is scrubbed whole.
        ordered = sorted(_secrets, key=len, reverse=True)
        _secret_re = re.compile("|".join(re.escape(s) for s in ordered))


def known_secrets() -> frozenset[str]:
    """Every value registered so far (for tests that scan logs for leaks)."""
    with _lock:
        return frozenset(_secrets)


def scrub(text: str) -> str:
    pattern = _secret_re
    return pattern.sub(REDACTED, text) if pattern is not None else text


def redact_mapping(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `data` with secret-looking keys masked, recursively."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(key, str) and _secret_key(key):
            out[key] = REDACTED
        # Most values are plain; the Mapping check (an ABC's) is left for the others.
        elif not isinstance(value, _PLAIN) and isinstance(value, Mapping):
            out[key] = redact_mapping(value)
        else:
            out[key] = value
    return out


_PLAIN = (str, int, float, type(None))


def _secret_key(key: str) -> bool:
    # Log fields are named in the code, a few dozen in all: each name is looked at once. A
    # webhook body's keys are the sender's, so long ones are not remembered.
    return _known_key(key) if len(key) <= _REMEMBERED_KEY_LEN else _SECRET_KEY_RE.search(key) is not None


_REMEMBERED_KEY_LEN = 64


@functools.lru_cache(maxsize=1024)
def _known_key(key: str) -> bool:
    return _SECRET_KEY_RE.search(key) is not None


@contextmanager
def signal_context(signal_id: str | None) -> Iterator[None]:
    token = signal_id_var.set(signal_id)
    try:
        yield
    finally:
        signal_id_var.reset(token)


_STD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's ANSI-coloured duplicate of msg
}


def _second(epoch_s: int) -> str:
    """The UTC second, formatted once for all the lines written within it."""
    global _last_second  # noqa: PLW0603 - one (second, text) pair, swapped whole
    second, text = _last_second
    if second != epoch_s:
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch_s))
        _last_second = (epoch_s, text)
    return text


_last_second = (-1, "")


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": _second(int(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        signal_id = getattr(record, "signal_id", None) or signal_id_var.get()
        if signal_id:
            entry["signal_id"] = signal_id
        extras = {k: v for k, v in vars(record).items() if k not in _STD_ATTRS and k != "signal_id"}
        if extras:
            entry.update(redact_mapping(extras))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return scrub(json.dumps(entry, default=str, ensure_ascii=False))


def configure(service: str, level: str = "INFO") -> None:
    """Route every logger (ours, uvicorn's, grpc's) through one JSON handler on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        lg = logging.getLogger(name)
        lg.handlers[:] = []
        lg.propagate = True
