"""Binance request signing.

The signed message is `totalParams`: the query string followed directly by the form body,
each exactly as transmitted (percent-encoded, parameters in the order sent). We send every
parameter in the query string, so the message is the query itself. The signature is the hex
HMAC-SHA256 of it under the secret key and travels as the last parameter, `signature`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import quote_plus

from common.decimals import plain

Param = str | int | bool | Decimal


def render(value: Param) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def encode(params: Mapping[str, Param]) -> str:
    """The parameters as sent, in the caller's order, percent-encoded (as `urlencode` would)."""
    return "&".join(f"{_quoted(key)}={_quoted(render(value))}" for key, value in params.items())


# What `quote_plus` leaves as it is: most parameters are only these, and skip the quoting.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def _quoted(text: str) -> str:
    return text if _UNRESERVED.fullmatch(text) else quote_plus(text)


def total_params(query: str, body: str) -> str:
    """What the venue verifies when parameters are split: no separator at the join."""
    return query + body


def signature(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def signed_query(secret: str, params: Mapping[str, Param]) -> str:
    query = encode(params)
    return f"{query}&signature={signature(secret, query)}"
