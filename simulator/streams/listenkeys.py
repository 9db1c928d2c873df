"""Listen keys: what a venue hands an account so a websocket can carry that account's events.

A key lives for a fixed time from its creation or its last keep-alive; an expired, closed or
unknown key authenticates nothing. Binance keeps one key per account and hands the live one back
on every create; a venue may instead mint a new key per create.
"""

from __future__ import annotations

import secrets
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass

from simulator.venue import Clock

ALPHANUMERIC = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


def key_maker(alphabet: str, length: int = 64) -> Callable[[], str]:
    return lambda: "".join(secrets.choice(alphabet) for _ in range(length))


@dataclass
class Grant:
    api_key: str
    expires_ms: int


class ListenKeys:
    def __init__(
        self, clock: Clock, ttl_ms: int, make_key: Callable[[], str], *, one_per_account: bool
    ) -> None:
        self.clock = clock
        self.ttl_ms = ttl_ms
        self.make_key = make_key
        self.one_per_account = one_per_account
        self._grants: dict[str, Grant] = {}
        self._lock = threading.Lock()

    def create(self, api_key: str) -> str:
        with self._lock:
            now = self.clock()
            if self.one_per_account:
                live = self._live_key_of(api_key, now)
                if live is not None:
                    self._grants[live].expires_ms = now + self.ttl_ms
                    return live
            key = self.make_key()
            self._grants[key] = Grant(api_key, now + self.ttl_ms)
            return key

    def live_key_of(self, api_key: str) -> str | None:
        with self._lock:
            return self._live_key_of(api_key, self.clock())

    def owner(self, key: str) -> str | None:
        """The account a live key belongs to."""
        with self._lock:
            grant = self._grants.get(key)
            return grant.api_key if grant is not None and grant.expires_ms > self.clock() else None

    def expires_ms(self, key: str) -> int | None:
        with self._lock:
            grant = self._grants.get(key)
            return grant.expires_ms if grant is not None else None

    def extend(self, key: str) -> bool:
        """Keep a live key alive for another full term; False when it is not live."""
        with self._lock:
            grant = self._grants.get(key)
            now = self.clock()
            if grant is None or grant.expires_ms <= now:
                return False
            grant.expires_ms = now + self.ttl_ms
            return True

    def close(self, key: str) -> bool:
        """Forget a live key; False when it was not live."""
        with self._lock:
            grant = self._grants.pop(key, None)
            return grant is not None and grant.expires_ms > self.clock()

    def expire(self, key: str | None = None) -> list[str]:
        """End one key's term now (every live key when None); the keys that were live."""
        with self._lock:
            now = self.clock()
            ended = [k for k, g in self._grants.items() if g.expires_ms > now and key in (None, k)]
            for k in ended:
                self._grants[k].expires_ms = now
            return ended

    def _live_key_of(self, api_key: str, now: int) -> str | None:
        for key, grant in self._grants.items():
            if grant.api_key == api_key and grant.expires_ms > now:
                return key
        return None
