"""Where an account's events meet the websockets listening for them.

The exchange publishes under its lock, from whichever thread moved it (the server's event loop
for a venue request, a worker thread for a control call); each session is a mailbox on its own
event loop, so frames cross threads with `call_soon_threadsafe` and keep their order. The stream
faults (late, doubled, swapped events; refused or dropped connections) are applied here, once
per event, so every session of an account sees the same thing.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.faults import FaultKind, Faults
from simulator.streams.listenkeys import ListenKeys
from simulator.streams.timeline import Timeline

EVENT_FAULTS = frozenset({FaultKind.STREAM_DELAY, FaultKind.STREAM_DUPLICATE, FaultKind.STREAM_REORDER})
CONNECT_FAULTS = frozenset({FaultKind.STREAM_REFUSE})
# Close codes (RFC 6455): a normal end, the venue going away, a connection it drops.
NORMAL = 1000
GOING_AWAY = 1001
DROPPED = 1011


@dataclass(frozen=True)
class Frame:
    name: str  # the event type as the venue names it, for a session's event filter
    payload: dict[str, Any] | str  # a JSON object, or a bare text message (a heartbeat)


@dataclass(frozen=True)
class Send:
    frame: Frame
    delay_s: float = 0.0  # hold it (and every frame behind it) this long first


@dataclass(frozen=True)
class Close:
    code: int
    reason: str
    last: Frame | None = None  # sent just before closing (the venue's expiry notice)


Outgoing = Send | Close


@dataclass(eq=False)
class Session:
    """One websocket's mailbox: what to send it, posted from any thread."""

    api_key: str
    listen_key: str
    events: frozenset[str] | None  # None: every event
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[Outgoing] = field(default_factory=asyncio.Queue)
    ending: bool = False  # a Close is on its way

    def wants(self, frame: Frame) -> bool:
        return self.events is None or frame.name in self.events

    def post(self, item: Outgoing) -> None:
        if isinstance(item, Close):
            self.ending = True
        # Its loop may have stopped: the server is shutting down, and the socket with it.
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)


class StreamHub:
    def __init__(
        self, venue: str, keys: ListenKeys, faults: Faults, expired: Callable[[str, int], Frame]
    ) -> None:
        self.venue = venue
        self.keys = keys
        self.faults = faults
        self.expired = expired  # the venue's notice that a key has expired: (key, now ms)
        # When frames left and requests arrived, for timing the client's reactions (bench/oco.py).
        self.timeline = Timeline()
        self._sessions: set[Session] = set()
        self._held: dict[str, list[Send]] = {}  # account -> an event held back to be swapped
        self._refuse_until = 0.0
        self._lock = threading.Lock()

    # -- sessions ---------------------------------------------------------------------------

    def open(self, listen_key: str, events: frozenset[str] | None) -> Session | None:
        """A session for a live key, registered before the handshake completes so no event
        published after the client's connect returns can miss it; None when refused."""
        api_key = self.keys.owner(listen_key)
        if api_key is None or time.monotonic() < self._refuse_until:
            return None
        if self.faults.draw_stream(self.venue, CONNECT_FAULTS):
            return None
        session = Session(api_key, listen_key, events, asyncio.get_running_loop())
        with self._lock:
            self._sessions.add(session)
        return session

    def leave(self, session: Session) -> None:
        with self._lock:
            self._sessions.discard(session)

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {
                    "listen_key": s.listen_key,
                    "api_key_suffix": s.api_key[-4:],
                    "events": sorted(s.events) if s.events is not None else None,
                }
                for s in self._sessions
            ]

    def _of(self, match: Callable[[Session], bool]) -> list[Session]:
        with self._lock:
            return [s for s in self._sessions if not s.ending and match(s)]

    # -- events -------------------------------------------------------------------------------

    def publish(self, api_key: str, render: Callable[[], list[Frame]]) -> None:
        """An account's event, rendered (at once, under the exchange lock) only if a session
        of that account listens."""
        listening = self._of(lambda s: s.api_key == api_key)
        if not listening:
            return  # nobody hears it, so no fault is spent on it either
        for frame in render():
            for send in self._shaped(api_key, frame):
                for session in listening:
                    if session.wants(send.frame):
                        session.post(send)

    def _shaped(self, api_key: str, frame: Frame) -> list[Send]:
        """The frame as the faults in force deliver it: late, twice, or after the next one."""
        fired = self.faults.draw_stream(self.venue, EVENT_FAULTS)
        kinds = {f.kind for f in fired}
        delay_ms = sum(f.rule.latency_ms for f in fired if f.kind is FaultKind.STREAM_DELAY)
        sends = [Send(frame, delay_ms / 1000)]
        if FaultKind.STREAM_DUPLICATE in kinds:
            sends.append(Send(frame))
        with self._lock:
            held = self._held.pop(api_key, None)
            if held is None and FaultKind.STREAM_REORDER in kinds:
                self._held[api_key] = sends
                return []
        return sends + (held or [])

    # -- endings --------------------------------------------------------------------------------

    def lapse(self, listen_key: str) -> None:
        """The key's term is over: its sessions hear the venue's notice and close."""
        notice = self.expired(listen_key, self.keys.clock())
        for session in self._of(lambda s: s.listen_key == listen_key):
            session.post(Close(NORMAL, "listen key expired", notice))

    def expire(self, listen_key: str | None = None) -> list[str]:
        """End a key's term now (every live key when None), as time would."""
        ended = self.keys.expire(listen_key)
        for key in ended:
            self.lapse(key)
        return ended

    def closed(self, listen_key: str) -> None:
        """The key was closed by its owner: its sessions end without a notice."""
        for session in self._of(lambda s: s.listen_key == listen_key):
            session.post(Close(NORMAL, "listen key closed"))

    def drop(self, refuse_s: float = 0.0) -> int:
        """Cut every session at once, and refuse new ones for `refuse_s` seconds."""
        self._refuse_until = time.monotonic() + refuse_s
        dropped = self._of(lambda s: True)
        for session in dropped:
            session.post(Close(DROPPED, "stream dropped"))
        return len(dropped)
