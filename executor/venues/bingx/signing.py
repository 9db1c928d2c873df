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
    # The common kinds first: an isinstance against Mapping is a slower, ABC check.
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
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


def _rendered(params: Mapping[str, Param]) -> list[tuple[str, str]]:
    """Each parameter's value as text, by key: what both the signed and the sent string hold."""
    return [(key, render(params[key])) for key in sorted(params)]


def _signed_string(rendered: list[tuple[str, str]]) -> str:
    return "&".join(f"{key}={text}" for key, text in rendered)


def _wire_string(rendered: list[tuple[str, str]]) -> str:
    return "&".join(f"{key}={quote(text, safe='') if text[:1] in '{[' else text}" for key, text in rendered)


def payload(params: Mapping[str, Param]) -> str:
    """The string that is signed: sorted keys, raw values."""
    return _signed_string(_rendered(params))


def wire_query(params: Mapping[str, Param]) -> str:
    """The same parameters as sent in the URL: JSON-valued ones percent-encoded."""
    return _wire_string(_rendered(params))


def signature(secret: str, signed: str) -> str:
    return hmac.new(secret.encode(), signed.encode(), hashlib.sha256).hexdigest()


def signed_query(secret: str, params: Mapping[str, Param]) -> str:
    rendered = _rendered(params)  # once, for both strings
    return f"{_wire_string(rendered)}&signature={signature(secret, _signed_string(rendered))}"
