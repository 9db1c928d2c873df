"""Signed request checks, as the venue documents them.

`X-BX-APIKEY` names the account. `signature` is the hex HMAC-SHA256 of the other parameters as
sent, `k=v` joined by `&`, values percent-decoded; when parameters are split between query and
form body, the two strings are concatenated with no `&` between them, as the venue's published
example shows (the key-sorted string is accepted too). `timestamp` must lie within `recvWindow`
(default 5000 ms) of the server clock.
"""

from __future__ import annotations

from starlette.requests import Request

from simulator import wire
from simulator.bingx import codes
from simulator.bingx.codes import BingxError
from simulator.exchange import Exchange
from simulator.records import Account

API_KEY_HEADER = "X-BX-APIKEY"
DEFAULT_RECV_WINDOW_MS = 5000
MAX_RECV_WINDOW_MS = 60000
AHEAD_TOLERANCE_MS = 1000


def signed_strings(sent: wire.Sent) -> list[str]:
    """The strings a valid signature may cover: as sent, and key-sorted."""
    q = "&".join(f"{p.key}={p.value}" for p in sent.query if p.key != "signature")
    b = "&".join(f"{p.key}={p.value}" for p in sent.body if p.key != "signature")
    every = sorted((p.key, p.value) for p in sent.query + sent.body if p.key != "signature")
    return [q + b, "&".join(f"{k}={v}" for k, v in every)]


def authenticate(exchange: Exchange, request: Request, sent: wire.Sent, now_ms: int) -> Account:
    api_key = request.headers.get(API_KEY_HEADER, "")
    account = exchange.accounts.get(api_key)
    if not api_key or account is None:
        raise BingxError(codes.BAD_API_KEY, "Incorrect API key")
    given = [p.value for p in sent.query + sent.body if p.key == "signature"]
    if not given or not given[0]:
        raise BingxError(codes.NULL_SIGNATURE, "Null signature")
    if len(given) != 1 or not any(
        wire.signature_matches(account.secret, text, given[0]) for text in signed_strings(sent)
    ):
        raise BingxError(codes.BAD_SIGNATURE, "Signature verification failed")
    params = sent.params()
    try:
        timestamp = int(params["timestamp"])
    except (KeyError, ValueError):
        raise BingxError(codes.TIMESTAMP, codes.TIMESTAMP_MESSAGE) from None
    try:
        window = int(params.get("recvWindow", DEFAULT_RECV_WINDOW_MS))
    except ValueError:
        raise codes.invalid("recvWindow must be an integer") from None
    window = min(max(window, 0), MAX_RECV_WINDOW_MS) or DEFAULT_RECV_WINDOW_MS
    if timestamp > now_ms + AHEAD_TOLERANCE_MS or now_ms - timestamp > window:
        raise BingxError(codes.TIMESTAMP, codes.TIMESTAMP_MESSAGE)
    return account


def identify(exchange: Exchange, request: Request, sent: wire.Sent, now_ms: int) -> Account:
    """The account `X-BX-APIKEY` names, for the listen key, which the venue documents with the
    key header alone; a request that is signed anyway (as ccxt's is) must be signed right."""
    if any(p.key == "signature" for p in sent.query + sent.body):
        return authenticate(exchange, request, sent, now_ms)
    account = exchange.accounts.get(request.headers.get(API_KEY_HEADER, ""))
    if account is None:
        raise BingxError(codes.BAD_API_KEY, "Incorrect API key")
    return account
