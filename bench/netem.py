"""A venue across the internet, on loopback: a TCP proxy that delays every byte by half a round
trip each way, and a new connection by one round trip (the TCP handshake).

Put in front of the simulator, it makes everything cost what it costs over a real network: a
request and its answer one round trip, a TLS handshake one more (TLS 1.3), a new connection one
more again. A client that keeps its connection pays one round trip per request; one that opens a
new connection per request pays three. Bytes are forwarded in order, each chunk released half a
round trip after it arrived, so a burst does not queue behind the delay.

    python -m bench.netem --listen 9443 --upstream 8900 --rtt-ms 25
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time

CHUNK = 65536


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, one_way_s: float) -> None:
    """Forward `reader` to `writer`, each chunk leaving one_way_s after it arrived."""
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def release() -> None:
        while True:
            due, data = await queue.get()
            if not data:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        with contextlib.suppress(OSError):
            if writer.can_write_eof():
                writer.write_eof()

    sender = asyncio.create_task(release())
    try:
        while True:
            data = await reader.read(CHUNK)
            queue.put_nowait((time.monotonic() + one_way_s, data))
            if not data:
                break
        await sender
    except (ConnectionError, OSError):
        sender.cancel()


async def _serve(listen: int, upstream: int, rtt_s: float) -> None:
    one_way = rtt_s / 2
    # A connection the client has closed can still wait on the venue's end (a kept-alive TLS
    # connection outlives its client's half-close until the server's idle timeout). Nothing but
    # its own transports refers to its task then, so without this the collector would destroy
    # it pending, a warning per connection after a burst.
    active: set[asyncio.Task[None]] = set()

    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            active.add(task)
            task.add_done_callback(active.discard)
        try:
            # The SYN / SYN-ACK exchange a real connection costs before its first byte.
            await asyncio.sleep(rtt_s)
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", upstream)
        except OSError:
            client_writer.close()
            return
        try:
            await asyncio.gather(
                _pipe(client_reader, server_writer, one_way),
                _pipe(server_reader, client_writer, one_way),
            )
        finally:
            for writer in (client_writer, server_writer):
                writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", listen, backlog=2048)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--upstream", type=int, required=True)
    parser.add_argument("--rtt-ms", type=float, default=25.0)
    ns = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(ns.listen, ns.upstream, ns.rtt_ms / 1000))


if __name__ == "__main__":
    main()
