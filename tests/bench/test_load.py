"""The bench's load generators (bench/load.py) against a tiny server that counts what reaches
it, and the bare refusal reference (bench/reference/) through them."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import uvicorn

from bench import load
from bench.reference.app import create_app
from bench.systems import SENDERS, UNKNOWN_ADDRESS
from tools.processes import free_port, wait_port


@dataclass
class Seen:
    connections: int = 0
    peers: set[str] = field(default_factory=set)
    bodies: list[bytes] = field(default_factory=list)


async def _serve_one_connection(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen
) -> None:
    """Answers each request with its body's length as JSON; to a `Connection: close` request,
    with no Content-Length at all, ending the answer by closing (an old server's way)."""
    seen.connections += 1
    seen.peers.add(writer.get_extra_info("peername")[0])
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:] if ": " in line)
            body = await reader.readexactly(int(headers["Content-Length"]))
            seen.bodies.append(body)
            answer = json.dumps({"status": "executed", "length": len(body)}).encode()
            if headers.get("Connection") == "close":
                writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + answer)
                await writer.drain()
                return
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(answer) + answer)
    except (asyncio.IncompleteReadError, ConnectionError):
        return
    finally:
        writer.close()


@contextmanager
def tiny_server() -> Iterator[tuple[str, Seen]]:
    seen = Seen()
    loop = asyncio.new_event_loop()
    port = free_port()
    started = threading.Event()

    async def main() -> None:
        server = await asyncio.start_server(
            lambda r, w: _serve_one_connection(r, w, seen), "127.0.0.1", port, backlog=1024
        )
        started.set()
        async with server:
            await server.serve_forever()

    task = loop.create_task(main())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    started.wait(5)
    try:
        yield f"http://127.0.0.1:{port}/webhook", seen
    finally:
        loop.call_soon_threadsafe(task.cancel)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


def test_at_once_opens_a_connection_per_request_and_reads_answers_that_end_with_the_connection() -> None:
    bodies = [b'{"n": %d}' % n for n in range(200)]
    with tiny_server() as (url, seen):
        run = load.at_once(url, bodies, sources=SENDERS)
    assert seen.connections == 200 and sorted(seen.bodies) == sorted(bodies)
    assert seen.peers == set(SENDERS)  # TradingView's four senders, each a source of its own
    assert run.statuses == {200: 200}
    assert sorted(a.n for a in run.answers) == list(range(200))
    assert all(a.json()["length"] == len(bodies[a.n]) for a in run.answers)
    # Timed from one release: every answer after it, every connection asked for after it.
    assert all(run.started <= a.sent <= a.done <= run.ended for a in run.answers)
    assert 0 <= run.last_sent_ms < 2000 and run.cpu_s >= 0


def test_keep_alive_sends_count_requests_over_its_kept_connections() -> None:
    with tiny_server() as (url, seen):
        run = load.keep_alive(url, lambda n: b"%d" % n, connections=4, count=300)
    assert seen.connections == 4
    assert sorted(int(b) for b in seen.bodies) == list(range(300))
    assert sorted(a.n for a in run.answers) == list(range(300)) and run.statuses == {200: 300}


def test_keep_alive_for_a_time_and_from_another_address() -> None:
    with tiny_server() as (url, seen):
        run = load.keep_alive(url, lambda n: b"x", connections=2, seconds=0.3, source=UNKNOWN_ADDRESS)
    assert seen.peers == {UNKNOWN_ADDRESS}
    assert len(run.answers) == len(seen.bodies) > 10
    assert 0.3 <= run.seconds < 2


def test_a_server_that_is_not_there_is_counted_as_no_answer() -> None:
    run = load.at_once(f"http://127.0.0.1:{free_port()}/webhook", [b"{}"] * 3, timeout_s=2)
    assert run.statuses == {0: 3}


def test_the_generators_speak_plain_http_only() -> None:
    with pytest.raises(ValueError, match="plain HTTP"):
        load.Endpoint.of("https://127.0.0.1:1/webhook")


@contextmanager
def served_reference(allowed: frozenset[str]) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(create_app("right", allowed), host="127.0.0.1", port=port, log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_port(port)
    try:
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        server.should_exit = True
        thread.join(10)


def test_the_reference_refuses_each_way_and_takes_the_right_passphrase() -> None:
    wrong, right = b'{"passphrase": "wrong"}', b'{"passphrase": "right"}'
    with served_reference(frozenset({"127.0.0.1"})) as url:
        assert load.keep_alive(url, lambda n: wrong, connections=2, count=10).statuses == {401: 10}
        assert load.keep_alive(url, lambda n: b'{"pass', connections=2, count=10).statuses == {400: 10}
        assert load.keep_alive(url, lambda n: b"[1]", connections=1, count=2).statuses == {401: 2}
        refused = load.keep_alive(url, lambda n: right, connections=2, count=10, source=UNKNOWN_ADDRESS)
        assert refused.statuses == {403: 10}
        assert load.at_once(url, [right] * 5).statuses == {202: 5}
