"""The HTTP transport every venue client uses: one keep-alive pool, a timeout on
every call, and failures split by what they tell us about the request's fate.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter

from common.errors import ErrorClass, TvbridgeError


class VenueUnreachable(TvbridgeError):
    """The request never reached the venue: safe to send again."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorClass.VENUE_UNAVAILABLE, message)


class VenueTimeout(TvbridgeError):
    """The request was sent but no answer came: the venue may have acted on it."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorClass.VENUE_UNAVAILABLE, message)


@dataclass(frozen=True)
class HttpReply:
    status: int
    text: str
    headers: dict[str, str]
    elapsed_s: float


# Seconds spent waiting on venues in the current RPC; the engine reads it to
# report how much of a signal's time was the venue's.
venue_seconds: contextvars.ContextVar[float] = contextvars.ContextVar("venue_seconds", default=0.0)

Observer = Callable[[str, str, int, float], None]  # endpoint, method, status (0 = no reply), seconds


class VenueHttp:
    def __init__(
        self,
        base_url: str,
        *,
        connect_timeout_s: float = 3.0,
        read_timeout_s: float = 5.0,
        pool_size: int = 16,
        observer: Observer | None = None,
        verify_tls: bool | str = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.connect_timeout_s = connect_timeout_s
        self.read_timeout_s = read_timeout_s
        self.observer = observer
        self.session = requests.Session()
        self.session.verify = verify_tls
        # No urllib3 retries: a blind resend of an order could double it; the
        # engine decides what is safe to repeat.
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def request(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        body: str | None = None,
        headers: dict[str, str] | None = None,
        timeout_s: float | None = None,
    ) -> HttpReply:
        url = f"{self.base_url}{path}"
        if query:
            url = f"{url}?{query}"
        read_timeout = timeout_s if timeout_s is not None else self.read_timeout_s
        started = time.perf_counter()
        status = 0
        try:
            resp = self.session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=(min(self.connect_timeout_s, read_timeout), read_timeout),
                allow_redirects=False,
            )
            status = resp.status_code
            return HttpReply(resp.status_code, resp.text, dict(resp.headers), resp.elapsed.total_seconds())
        except requests.exceptions.ConnectTimeout as exc:
            raise VenueUnreachable(f"{method} {path}: connect timeout") from exc
        except requests.exceptions.ReadTimeout as exc:
            raise VenueTimeout(f"{method} {path}: no answer within {read_timeout:.1f}s") from exc
        except requests.exceptions.ConnectionError as exc:
            # A refused connection was never sent; a reset mid-reply may have been acted on.
            if _refused(exc):
                raise VenueUnreachable(f"{method} {path}: connection refused") from exc
            raise VenueTimeout(f"{method} {path}: connection lost") from exc
        finally:
            elapsed = time.perf_counter() - started
            venue_seconds.set(venue_seconds.get() + elapsed)
            if self.observer is not None:
                self.observer(path, method, status, elapsed)

    def close(self) -> None:
        self.session.close()


def _refused(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return True
        text = str(seen)
        if "Connection refused" in text or "Failed to resolve" in text or "NameResolution" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False
