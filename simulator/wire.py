"""What a client sent, as both venues read it: query and form-body parameters in the order sent,
each kept as transmitted and percent-decoded; and the HMAC both venues sign with."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import unquote_plus

from starlette.requests import Request


@dataclass(frozen=True)
class Pair:
    raw: str  # as transmitted
    key: str
    value: str  # percent-decoded


@dataclass(frozen=True)
class Sent:
    query: list[Pair]
    body: list[Pair]

    def params(self) -> dict[str, str]:
        """Every parameter but the signature; on a name clash the query string wins."""
        merged = {p.key: p.value for p in self.body} | {p.key: p.value for p in self.query}
        merged.pop("signature", None)
        return merged


async def read(request: Request) -> Sent:
    body = ""
    if request.method in ("POST", "PUT", "DELETE"):
        body = (await request.body()).decode("utf-8", "replace")
        if body.lstrip().startswith("{"):
            body = ""  # only form bodies are documented
    return Sent(_split(request.url.query), _split(body))


def _split(raw: str) -> list[Pair]:
    pairs = []
    for piece in raw.split("&"):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        pairs.append(Pair(piece, unquote_plus(key), unquote_plus(value)))
    return pairs


def hmac_hex(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def signature_matches(secret: str, payload: str, given: str) -> bool:
    return hmac.compare_digest(hmac_hex(secret, payload), given.lower())
