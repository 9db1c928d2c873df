"""Request plumbing the venue façades share: raw parameter order and HMAC checks."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import unquote_plus

from starlette.requests import Request


async def query_and_body(request: Request) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Query and form-body parameters, each in the order sent, values percent-decoded."""
    query = _split(request.url.query)
    body: list[tuple[str, str]] = []
    if request.method in ("POST", "PUT", "DELETE"):
        text = (await request.body()).decode("utf-8", "replace")
        if text and not text.lstrip().startswith("{"):
            body = _split(text)
    return query, body


def _split(raw: str) -> list[tuple[str, str]]:
    pairs = []
    for part in raw.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((unquote_plus(key), unquote_plus(value)))
    return pairs


def hmac_hex(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def signature_matches(secret: str, payload: str, given: str) -> bool:
    return hmac.compare_digest(hmac_hex(secret, payload), given.lower())
