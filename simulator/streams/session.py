"""One user-data websocket from handshake to close: what it sends, what it listens for, and
the clocks that end it (its key's term, the venue's heartbeat, the connection's lifetime).

What differs by venue is its `Wire`: how a frame is encoded (JSON text, or gzip in a binary
frame), whether the venue sends its own heartbeat and which answer it takes, whether it pushes a
snapshot on connect and again on a period, and how long it lets a connection live.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from starlette.websockets import WebSocket, WebSocketDisconnect

from simulator.streams.hub import GOING_AWAY, NORMAL, Close, Frame, Send, Session, StreamHub

# Policy violation (RFC 6455): refused at the handshake, which the client sees as HTTP 403.
REFUSED = 1008
# At most this long between looks at the key's term, which a keep-alive may move.
EXPIRY_POLL_S = 1.0


@dataclass(frozen=True)
class Wire:
    encode: Callable[[Frame], str | bytes]
    heartbeat_s: float | None = None  # the venue's own ping message, this often
    heartbeat: Frame | None = None
    answers: Callable[[str | bytes], bool] = lambda message: False  # is this the pong?
    snapshot: Callable[[str], list[Frame]] | None = None  # (account) -> frames on connect
    snapshot_every_s: float | None = None
    lifetime_s: float | None = None


async def serve(
    websocket: WebSocket, hub: StreamHub, wire: Wire, listen_key: str, events: frozenset[str] | None
) -> None:
    session = hub.open(listen_key, events)
    if session is None:
        await websocket.close(code=REFUSED)
        return
    try:
        await websocket.accept()
        line = _Line(websocket, hub, wire, session)
        tasks = {asyncio.create_task(line.listen()), asyncio.create_task(line.talk())}
        _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    finally:
        hub.leave(session)


class _Line:
    def __init__(self, websocket: WebSocket, hub: StreamHub, wire: Wire, session: Session) -> None:
        self.websocket = websocket
        self.hub = hub
        self.wire = wire
        self.session = session
        self.loop = asyncio.get_running_loop()
        opened = self.loop.time()
        self.ends = opened + wire.lifetime_s if wire.lifetime_s is not None else None
        self.next_heartbeat = opened + wire.heartbeat_s if wire.heartbeat_s is not None else None
        self.next_snapshot = opened if wire.snapshot is not None else None
        self.unanswered_since: float | None = None  # the oldest heartbeat still without an answer

    async def listen(self) -> None:
        """Read until the client goes; a heartbeat answer is all a user stream expects to hear."""
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text_or_bytes = message.get("text") or message.get("bytes") or ""
            if self.wire.answers(text_or_bytes):
                self.unanswered_since = None

    async def talk(self) -> None:
        try:
            while True:
                ending = await self._clocks()
                if ending is None:
                    ending = await self._next(within_s=self._until_next_clock())
                if ending is not None:
                    await self._close(ending)
                    return
        except (WebSocketDisconnect, RuntimeError, OSError):
            return  # the client went first

    async def _next(self, *, within_s: float) -> Close | None:
        """Send the next frame that arrives within `within_s`; the Close, if that comes instead."""
        queue = self.session.queue
        if queue.empty():
            try:
                # Never a zero timeout: that cancels the wait before it can take a waiting item.
                item = await asyncio.wait_for(queue.get(), max(within_s, 0.001))
            except TimeoutError:
                return None
        else:
            item = queue.get_nowait()
        if isinstance(item, Close):
            return item
        await self._send(item)
        return None

    async def _send(self, item: Send) -> None:
        if item.delay_s:
            await asyncio.sleep(item.delay_s)
        encoded = self.wire.encode(item.frame)
        if isinstance(encoded, bytes):
            await self.websocket.send_bytes(encoded)
        else:
            await self.websocket.send_text(encoded)
        self.hub.timeline.sent(item.frame.name, item.frame.payload)

    async def _close(self, close: Close) -> None:
        if close.last is not None:
            await self._send(Send(close.last))
        await self.websocket.close(code=close.code, reason=close.reason)

    async def _clocks(self) -> Close | None:
        """Whatever is due now: the end of the key's term or of the connection's life, a
        heartbeat (and its missing answer), a snapshot."""
        now = self.loop.time()
        if self.hub.keys.owner(self.session.listen_key) is None and not self.session.ending:
            self.hub.lapse(self.session.listen_key)  # its Close is now in the queue, in order
        if self.ends is not None and now >= self.ends:
            return Close(GOING_AWAY, "connection lifetime reached")
        wire = self.wire
        if self.next_heartbeat is not None and wire.heartbeat_s is not None and wire.heartbeat is not None:
            if self.unanswered_since is not None and now - self.unanswered_since >= 2 * wire.heartbeat_s:
                return Close(NORMAL, "heartbeat not answered")
            if now >= self.next_heartbeat:
                await self._send(Send(wire.heartbeat))
                if self.unanswered_since is None:
                    self.unanswered_since = now
                self.next_heartbeat = now + wire.heartbeat_s
        if self.next_snapshot is not None and now >= self.next_snapshot and wire.snapshot is not None:
            for frame in wire.snapshot(self.session.api_key):
                await self._send(Send(frame))
            every = wire.snapshot_every_s
            self.next_snapshot = now + every if every else None
        return None

    def _until_next_clock(self) -> float:
        now = self.loop.time()
        due = [now + EXPIRY_POLL_S]
        expires = self.hub.keys.expires_ms(self.session.listen_key)
        if expires is not None:
            due.append(now + max(expires - self.hub.keys.clock(), 0) / 1000)
        for moment in (self.ends, self.next_heartbeat, self.next_snapshot):
            if moment is not None:
                due.append(moment)
        if self.unanswered_since is not None and self.wire.heartbeat_s is not None:
            due.append(self.unanswered_since + 2 * self.wire.heartbeat_s)
        return max(min(due) - now, 0.0)
