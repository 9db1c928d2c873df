"""SIGNED request checks, exactly as the venue documents them.

`X-MBX-APIKEY` names the account. The signature is the hex HMAC-SHA256 (either case) of
`totalParams`: the query string concatenated with the form body, no separator, both as
transmitted (percent-encoded), with the `signature` pair left out; it must be the last
parameter of the part that carries it. `timestamp` must satisfy
`timestamp < serverTime + 1000` and `serverTime - timestamp <= recvWindow`.
"""

from __future__ import annotations

import re

from starlette.requests import Request

from simulator import wire
from simulator.binance import codes
from simulator.binance.codes import BinanceError
from simulator.exchange import Exchange
from simulator.records import Account

API_KEY_HEADER = "X-MBX-APIKEY"
DEFAULT_RECV_WINDOW_MS = 5000
# The futures docs state no cap; spot's 60000 is applied, by clamping.
MAX_RECV_WINDOW_MS = 60000
AHEAD_TOLERANCE_MS = 1000
# Binance issues 64-character alphanumeric keys; anything else cannot be one.
_KEY_FORMAT = re.compile(r"[A-Za-z0-9]{64}")
_DIGITS = "^[0-9]{1,20}$"


def total_params(sent: wire.Sent) -> str:
    """The signed message: query then body, each without its signature pair, no separator."""
    query = "&".join(p.raw for p in sent.query if p.key != "signature")
    body = "&".join(p.raw for p in sent.body if p.key != "signature")
    return query + body


def account_for(exchange: Exchange, request: Request) -> Account:
    api_key = request.headers.get(API_KEY_HEADER, "")
    account = exchange.accounts.get(api_key) if api_key else None
    if account is not None:
        return account
    if api_key and _KEY_FORMAT.fullmatch(api_key):
        raise BinanceError(codes.INVALID_API_KEY, status=401)
    raise BinanceError(codes.BAD_API_KEY_FORMAT, status=401)


def authenticate(exchange: Exchange, request: Request, sent: wire.Sent, now_ms: int) -> Account:
    account = account_for(exchange, request)
    params = sent.params()
    given = [
        (part, i) for part in (sent.query, sent.body) for i, p in enumerate(part) if p.key == "signature"
    ]
    if not given or not given[0][0][given[0][1]].value:
        raise codes.mandatory("signature")
    timestamp = _int(params, "timestamp", None)
    window = min(_int(params, "recvWindow", DEFAULT_RECV_WINDOW_MS), MAX_RECV_WINDOW_MS)
    part, index = given[0]
    signature = part[index].value
    if (
        len(given) != 1
        or index != len(part) - 1
        or not signature.isascii()
        or not wire.signature_matches(account.secret, total_params(sent), signature)
    ):
        raise BinanceError(codes.INVALID_SIGNATURE)
    if timestamp >= now_ms + AHEAD_TOLERANCE_MS:
        raise BinanceError(
            codes.INVALID_TIMESTAMP, "Timestamp for this request was 1000ms ahead of the server's time."
        )
    if now_ms - timestamp > window:
        raise BinanceError(codes.INVALID_TIMESTAMP)
    return account


def _int(params: dict[str, str], name: str, default: int | None) -> int:
    text = params.get(name)
    if not text:
        if default is None:
            raise codes.mandatory(name)
        return default
    if not re.fullmatch(r"[0-9]{1,20}", text):
        raise codes.illegal(name, _DIGITS)
    return int(text)
