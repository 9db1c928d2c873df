"""Clients for the simulator's user-data streams as a venue client would speak to them: REST for
the listen key, orders and fills, a real websocket for the events. Every wait has a deadline."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from executor.venues.binance import signing as binance_signing
from executor.venues.bingx import signing as bingx_signing
from tests.support.inproc import API_KEY, BINANCE_API_KEY, BINANCE_SECRET_KEY, SECRET_KEY, RunningSimulator

WAIT_S = 5.0
Event = dict[str, Any]


class EventStream:
    """A user-data websocket read one event at a time. BingX's gzip is undone on the way and its
    "Ping" answered with "Pong" (unless `answer_pings` is off); what was skipped while looking
    for an event is kept in `skipped`."""

    def __init__(self, ws: ClientConnection, *, gzipped: bool, answer_pings: bool = True) -> None:
        self.ws = ws
        self.gzipped = gzipped
        self.answer_pings = answer_pings
        self.pings = 0
        self.skipped: list[Event] = []

    def raw(self, timeout: float = WAIT_S) -> str:
        """The next message, decoded, heartbeats included."""
        message = self.ws.recv(timeout=timeout)
        if self.gzipped:
            assert isinstance(message, bytes), "BingX sends binary frames"
            return gzip.decompress(message).decode()
        assert isinstance(message, str), "Binance sends text frames"
        return message

    def frame(self, timeout: float = WAIT_S) -> Event:
        """The next event, heartbeats answered and left out."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.raw(max(deadline - time.monotonic(), 0.01))
            if text == "Ping":
                self.pings += 1
                if self.answer_pings:
                    self.ws.send("Pong")
                continue
            event: Event = json.loads(text)
            return event

    def heartbeats(self, count: int, timeout: float = WAIT_S) -> None:
        """Read (events go to `skipped`) until `count` heartbeats have come in all."""
        deadline = time.monotonic() + timeout
        while self.pings < count:
            text = self.raw(max(deadline - time.monotonic(), 0.01))
            if text != "Ping":
                self.skipped.append(json.loads(text))
                continue
            self.pings += 1
            if self.answer_pings:
                self.ws.send("Pong")

    def next(self, name: str, where: Callable[[Event], bool] | None = None, timeout: float = WAIT_S) -> Event:
        """The next event called `name` (and matching `where`), skipping others."""
        deadline = time.monotonic() + timeout
        while True:
            event = self.frame(max(deadline - time.monotonic(), 0.01))
            if event.get("e") == name and (where is None or where(event)):
                return event
            self.skipped.append(event)

    def closed(self, timeout: float = WAIT_S) -> ConnectionClosed:
        """Read until the venue closes the connection (what was read on the way goes to
        `skipped`); what it said when it did."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                self.skipped.append(self.frame(max(deadline - time.monotonic(), 0.01)))
        except ConnectionClosed as closed:
            return closed


def ws_url(sim: RunningSimulator, path: str) -> str:
    return f"ws://127.0.0.1:{sim.port}{path}"


def control(sim: RunningSimulator, path: str, **body: Any) -> Any:
    resp = requests.post(f"{sim.url}/_sim/{path}", json=body, timeout=5)
    resp.raise_for_status()
    return resp.json()


def set_faults(sim: RunningSimulator, *rules: dict[str, Any]) -> None:
    requests.put(f"{sim.url}/_sim/faults", json={"rules": list(rules)}, timeout=5).raise_for_status()


class Binance:
    def __init__(self, sim: RunningSimulator) -> None:
        self.sim = sim

    def signed(self, method: str, path: str, **params: binance_signing.Param) -> requests.Response:
        query = binance_signing.signed_query(
            BINANCE_SECRET_KEY, {**params, "timestamp": int(time.time() * 1000)}
        )
        return requests.request(
            method, f"{self.sim.url}{path}?{query}", headers={"X-MBX-APIKEY": BINANCE_API_KEY}, timeout=5
        )

    def call(self, method: str, path: str, **params: binance_signing.Param) -> Any:
        resp = self.signed(method, path, **params)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def keyed(self, method: str, api_key: str | None = BINANCE_API_KEY) -> requests.Response:
        headers = {"X-MBX-APIKEY": api_key} if api_key is not None else {}
        return requests.request(method, f"{self.sim.url}/fapi/v1/listenKey", headers=headers, timeout=5)

    def listen_key(self) -> str:
        resp = self.keyed("POST")
        assert resp.status_code == 200, resp.text
        key: str = resp.json()["listenKey"]
        return key

    def order(self, **params: binance_signing.Param) -> Any:
        return self.call(
            "POST", "/fapi/v1/order", **{"symbol": "BTCUSDT", "newOrderRespType": "RESULT", **params}
        )

    def price(self, price: str) -> None:
        control(self.sim, "price", venue="binance", symbol="BTC-USDT", price=price)

    @contextmanager
    def stream(self, path: str | None = None) -> Iterator[EventStream]:
        with connect(ws_url(self.sim, path or f"/ws/{self.listen_key()}"), open_timeout=WAIT_S) as ws:
            yield EventStream(ws, gzipped=False)


class Bingx:
    def __init__(self, sim: RunningSimulator) -> None:
        self.sim = sim

    def signed(self, method: str, path: str, **params: bingx_signing.Param) -> requests.Response:
        query = bingx_signing.signed_query(SECRET_KEY, {**params, "timestamp": int(time.time() * 1000)})
        return requests.request(
            method, f"{self.sim.url}{path}?{query}", headers={"X-BX-APIKEY": API_KEY}, timeout=5
        )

    def call(self, method: str, path: str, **params: bingx_signing.Param) -> Any:
        resp = self.signed(method, path, **params)
        assert resp.status_code == 200, resp.text
        answer = resp.json()
        assert answer["code"] == 0, answer
        return answer["data"]

    def listen_key(self) -> str:
        resp = requests.post(
            f"{self.sim.url}/openApi/user/auth/userDataStream", headers={"X-BX-APIKEY": API_KEY}, timeout=5
        )
        assert resp.status_code == 200, resp.text
        key: str = resp.json()["listenKey"]
        return key

    def order(self, **params: bingx_signing.Param) -> Any:
        return self.call(
            "POST", "/openApi/swap/v2/trade/order", **{"symbol": "BTC-USDT", "positionSide": "BOTH", **params}
        )["order"]

    def price(self, price: str) -> None:
        control(self.sim, "price", venue="bingx", symbol="BTC-USDT", price=price)

    @contextmanager
    def stream(self, key: str | None = None, *, answer_pings: bool = True) -> Iterator[EventStream]:
        url = ws_url(self.sim, f"/swap-market?listenKey={key or self.listen_key()}")
        with connect(url, open_timeout=WAIT_S) as ws:
            yield EventStream(ws, gzipped=True, answer_pings=answer_pings)
