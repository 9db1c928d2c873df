"""The bench's load generators: HTTP/1.1 over raw asyncio connections (uvloop's loop where it
is installed), a burst's requests made before its release and a closed loop's as it goes (a
repeated body's bytes once), and the answers kept as bytes to be read once the run is over.

Light on purpose: the machine is the system under test's too. A thread and `requests` a webhook
cost about 2.2 CPU s per 1,000 on this 2-core machine, CPU taken from the gateway mid-burst;
here a request on a kept connection costs about 40 µs, one on a new connection about 0.5 ms.
Each run reports the CPU this process used during it (`cpu_s`), so what the generator took is
on the record.

- `at_once`: every request on its own new connection, all released together (a candle close:
  TradingView opens a connection per alert);
- `keep_alive`: `connections` kept connections, each sending its next request as soon as the
  answer to the last is read, for `seconds` or `count` requests (a closed loop: wrk's way).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

T = TypeVar("T")


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    path: str

    @classmethod
    def of(cls, url: str) -> Endpoint:
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.hostname is None or parts.port is None:
            raise ValueError(f"{url}: the load generators speak plain HTTP to host:port")
        return cls(parts.hostname, parts.port, parts.path or "/")

    def post(self, body: bytes, *, keep_alive: bool = True) -> bytes:
        """The whole request, ready to write."""
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
        )
        return head.encode() + body


@dataclass(slots=True)
class Answer:
    n: int  # which request
    sent: float  # perf_counter: its connection asked for (at_once) or its request written
    done: float  # perf_counter: the whole answer read, or given up on
    status: int  # 0: no answer (the connection failed or timed out)
    body: bytes

    def json(self) -> dict[str, Any]:
        try:
            value = json.loads(self.body)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


@dataclass
class Run:
    answers: list[Answer]
    started: float  # perf_counter when the first request could go (the release)
    started_wall: float  # time.time() at the same moment
    ended: float  # perf_counter when the last answer came
    cpu_s: float  # this process's CPU over the run, the generator's own cost
    last_sent_ms: float = 0.0  # at_once: the last connection asked for this long after the release
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.ended - self.started


class _Http(asyncio.Protocol):
    """One connection, one request at a time; an answer is complete at its Content-Length, or
    at the connection's end when it names none."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.closed = False
        self.asked_at: float | None = None  # perf_counter: the request waiting for its answer

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports do not subclass asyncio's, but are one.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._answer(eof=False)

    def eof_received(self) -> bool:
        self._answer(eof=True)
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._answer(eof=True)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("closed before the answer was whole"))

    def ask(self, request: bytes) -> asyncio.Future[tuple[int, bytes]]:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.asked_at = time.perf_counter()
        self.transport.write(request)
        return self.waiter

    def _answer(self, *, eof: bool) -> None:
        waiter, buffer = self.waiter, self.buffer
        if waiter is None or waiter.done():
            return
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(buffer[:end]).lower()
        if b"\r\ntransfer-encoding:" in head:
            waiter.set_exception(ValueError("a chunked answer: the servers here send a length"))
            return
        start, named = end + 4, head.find(b"\r\ncontent-length:")
        if named >= 0:
            stop = head.find(b"\r\n", named + 2)
            length = int(head[named + 17 : stop if stop >= 0 else len(head)])
        elif eof:
            length = len(buffer) - start
        else:
            return
        if len(buffer) - start < length:
            return
        body = bytes(buffer[start : start + length])
        del buffer[: start + length]
        self.asked_at = None
        waiter.set_result((int(head[9:12]), body))  # "http/1.1 200 ..."


def drive(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a generator's coroutine on a fresh loop (uvloop's when installed: less CPU a request)."""
    try:
        import uvloop  # noqa: PLC0415 - optional: the default loop serves too

        factory: Callable[[], asyncio.AbstractEventLoop] | None = uvloop.new_event_loop
    except ImportError:
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(make())


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def _statuses(answers: list[Answer]) -> dict[int, int]:
    counted: dict[int, int] = {}
    for answer in answers:
        counted[answer.status] = counted.get(answer.status, 0) + 1
    return dict(sorted(counted.items()))


async def _connect(endpoint: Endpoint, source: str | None) -> tuple[asyncio.Transport, _Http]:
    loop = asyncio.get_running_loop()
    local = (source, 0) if source else None
    transport, protocol = await loop.create_connection(_Http, endpoint.host, endpoint.port, local_addr=local)
    return transport, protocol


async def _at_once(
    endpoint: Endpoint, requests: list[bytes], sources: tuple[str, ...], timeout_s: float
) -> Run:
    gate = asyncio.Event()
    asked: list[float] = []

    async def one(n: int, request: bytes) -> Answer:
        await gate.wait()
        sent = time.perf_counter()
        asked.append(sent)
        transport: asyncio.Transport | None = None
        try:
            async with asyncio.timeout(timeout_s):
                transport, protocol = await _connect(endpoint, sources[n % len(sources)] if sources else None)
                status, body = await protocol.ask(request)
        except (OSError, TimeoutError, ValueError) as exc:
            return Answer(n, sent, time.perf_counter(), 0, repr(exc).encode())
        finally:
            if transport is not None:
                transport.close()
        return Answer(n, sent, time.perf_counter(), status, body)

    tasks = [asyncio.create_task(one(n, request)) for n, request in enumerate(requests)]
    await asyncio.sleep(0)  # every task is now waiting at the gate
    cpu0, started, started_wall = _cpu(), time.perf_counter(), time.time()
    gate.set()
    answers = list(await asyncio.gather(*tasks))
    ended = max((a.done for a in answers), default=started)
    return Run(
        answers,
        started,
        started_wall,
        ended,
        _cpu() - cpu0,
        last_sent_ms=(max(asked, default=started) - started) * 1000,
        statuses=_statuses(answers),
    )


def at_once(url: str, bodies: list[bytes], *, sources: tuple[str, ...] = (), timeout_s: float = 60.0) -> Run:
    """Every body POSTed to `url` on its own new connection, all released at one instant; each
    answer timed from that instant. With `sources`, body n is sent from sources[n % len]."""
    endpoint = Endpoint.of(url)
    requests = [endpoint.post(body, keep_alive=False) for body in bodies]
    return drive(lambda: _at_once(endpoint, requests, sources, timeout_s))


async def _keep_alive(
    endpoint: Endpoint,
    make: Callable[[int], bytes],
    connections: int,
    seconds: float | None,
    count: int | None,
    source: str | None,
    timeout_s: float,
) -> Run:
    numbers = itertools.count()
    answers: list[Answer] = []
    # Connected before the clock starts: a kept connection's cost is its requests'.
    live = list(await asyncio.gather(*(_connect(endpoint, source) for _ in range(connections))))
    cpu0, started, started_wall = _cpu(), time.perf_counter(), time.time()
    deadline = started + seconds if seconds is not None else float("inf")

    async def worker(slot: int) -> None:
        body, request = b"", b""
        for n in numbers:
            if (count is not None and n >= count) or time.perf_counter() >= deadline:
                return
            made = make(n)
            if made is not body:  # the same body again (a refusal's) is sent as the same bytes
                body, request = made, endpoint.post(made)
            sent = time.perf_counter()
            try:
                if live[slot][1].closed:  # the server ended it: a new one, as any client would
                    live[slot] = await _connect(endpoint, source)
                status, answer = await live[slot][1].ask(request)
            except (OSError, ValueError) as exc:
                answers.append(Answer(n, sent, time.perf_counter(), 0, repr(exc).encode()))
                live[slot][1].closed = True
                continue
            answers.append(Answer(n, sent, time.perf_counter(), status, answer))

    async def watchdog() -> None:
        """An answer `timeout_s` late ends its connection (the worker records no answer and
        connects again): one look a second, where a timer per request would cost each one."""
        while True:
            await asyncio.sleep(min(1.0, timeout_s))
            late = time.perf_counter() - timeout_s
            for transport, protocol in live:
                if protocol.asked_at is not None and protocol.asked_at < late:
                    transport.abort()

    watching = asyncio.create_task(watchdog())
    try:
        await asyncio.gather(*(worker(slot) for slot in range(connections)))
    finally:
        watching.cancel()
        for transport, _ in live:
            transport.close()
    ended = max((a.done for a in answers), default=started)
    return Run(answers, started, started_wall, ended, _cpu() - cpu0, statuses=_statuses(answers))


def keep_alive(
    url: str,
    make: Callable[[int], bytes],
    *,
    connections: int,
    seconds: float | None = None,
    count: int | None = None,
    source: str | None = None,
    timeout_s: float = 30.0,
) -> Run:
    """A closed loop on `connections` kept connections: request n's body is `make(n)`, sent as
    soon as the connection's last answer is read, until `seconds` have passed or `count`
    requests were sent, whichever is given (both: the first reached)."""
    if seconds is None and count is None:
        raise ValueError("a closed loop needs seconds or count to end")
    endpoint = Endpoint.of(url)
    return drive(lambda: _keep_alive(endpoint, make, connections, seconds, count, source, timeout_s))
