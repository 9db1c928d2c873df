"""BingX request signing.

The signed string is the request's parameters as `key=value` joined by `&`,
in the order they are sent, values raw (JSON-valued parameters unencoded);
the signature is the lowercase hex HMAC-SHA256 of it under the secret key and
travels as the last parameter, `signature`. On the wire JSON-valued parameters
are percent-encoded; the venue decodes them before it checks the signature.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import quote

from common.decimals import plain

Param = str | int | bool | Decimal | Mapping[str, object] | list[object]


def render(value: Param) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, Mapping | list):
        return _compact_json(value)
    return str(value)


def _compact_json(value: object) -> str:
    """JSON with Decimals written from their own digits, never through a float."""
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{json.dumps(str(k))}:{_compact_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_compact_json(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return plain(value)
    return json.dumps(value)


def payload(params: Mapping[str, Param]) -> str:
    """The string that is signed: sorted keys, raw values."""
    return "&".join(f"{key}={render(params[key])}" for key in sorted(params))


def wire_query(params: Mapping[str, Param]) -> str:
    """The same parameters as sent in the URL: JSON-valued ones percent-encoded."""
    parts = []
    for key in sorted(params):
        text = render(params[key])
        if text[:1] in "{[":
            text = quote(text, safe="")
        parts.append(f"{key}={text}")
    return "&".join(parts)


def signature(secret: str, signed: str) -> str:
    return hmac.new(secret.encode(), signed.encode(), hashlib.sha256).hexdigest()


def signed_query(secret: str, params: Mapping[str, Param]) -> str:
    return f"{wire_query(params)}&signature={signature(secret, payload(params))}"
