"""ccxt's own clients for BingX (swap) and Binance USDⓈ-M, pointed at the simulator by their base
URLs alone, and a session that refuses to leave loopback and remembers what was sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import ccxt
import requests

from tests.support.inproc import API_KEY, BINANCE_API_KEY, BINANCE_SECRET_KEY, SECRET_KEY, RunningSimulator

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Sent:
    method: str
    path: str
    params: tuple[str, ...]  # names, query and form body together


class LoopbackOnly(requests.Session):
    """Every request ccxt makes goes through here: one for a host off loopback is refused before
    it leaves, and remembered, so a test fails even if ccxt swallows the error."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Sent] = []
        self.foreign: list[str] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        text = url.decode() if isinstance(url, bytes) else url
        parts = urlsplit(text)
        if parts.hostname not in LOOPBACK:
            self.foreign.append(text)
            raise AssertionError(f"ccxt tried to reach {text}")
        body = kwargs.get("data")
        if isinstance(body, bytes):
            body = body.decode()
        names = [k for k, _ in parse_qsl(parts.query)]
        if isinstance(body, str) and not body.startswith("{"):
            names += [k for k, _ in parse_qsl(body)]
        verb = method.decode() if isinstance(method, bytes) else method
        self.sent.append(Sent(verb.upper(), parts.path, tuple(names)))
        return super().request(method, url, *args, **kwargs)


def on_loopback(urls: Any, base: str) -> Any:
    """Every API URL with its scheme and host replaced by the simulator's; paths kept."""
    if isinstance(urls, dict):
        return {name: on_loopback(value, base) for name, value in urls.items()}
    return base + urlsplit(urls).path


@dataclass
class Client:
    venue: str  # the simulator's name for it
    exchange: Any  # a ccxt exchange
    session: LoopbackOnly
    symbol: str = "BTC/USDT:USDT"
    contract: str = "BTC-USDT"  # the simulator's spelling
    # Per-venue extras the unified call needs (ccxt asks BingX which side a leverage is for).
    leverage_params: dict[str, str] = field(default_factory=dict)

    def paths(self) -> set[tuple[str, str]]:
        return {(s.method, s.path) for s in self.session.sent}


def _client(venue: str, make: Callable[[dict[str, Any]], Any], config: dict[str, Any], url: str) -> Client:
    session = LoopbackOnly()
    # enableRateLimit off: the simulator has no limit worth waiting for, and the test stays fast.
    exchange = make({**config, "enableRateLimit": False, "timeout": 5000, "session": session})
    exchange.session = session
    exchange.urls["api"] = on_loopback(exchange.urls["api"], url)
    return Client(venue, exchange, session, leverage_params={"side": "BOTH"} if venue == "bingx" else {})


def bingx(sim: RunningSimulator, *, api_key: str = API_KEY, secret: str = SECRET_KEY) -> Client:
    config = {"apiKey": api_key, "secret": secret, "options": {"defaultType": "swap"}}
    return _client("bingx", ccxt.bingx, config, sim.url)


def binance(
    sim: RunningSimulator, *, api_key: str = BINANCE_API_KEY, secret: str = BINANCE_SECRET_KEY
) -> Client:
    return _client("binance", ccxt.binanceusdm, {"apiKey": api_key, "secret": secret}, sim.url)


CLIENTS: dict[str, Callable[..., Client]] = {"bingx": bingx, "binance": binance}
