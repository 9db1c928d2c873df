"""The HTTP transport every venue client uses: one keep-alive pool, a timeout on
every call, and failures split by what they tell us about the request's fate.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter

from common.errors import ErrorClass, TvbridgeError
from executor.core.ports import venue_answered_ns, venue_seconds
from executor.venues import rate_limits


def unreachable(message: str) -> TvbridgeError:
    """The request never reached the venue: safe to send again."""
    return TvbridgeError(ErrorClass.VENUE_UNAVAILABLE, message, sent=False)


def no_answer(message: str) -> TvbridgeError:
    """The request was sent but no answer came: the venue may have acted on it."""
    return TvbridgeError(ErrorClass.VENUE_UNAVAILABLE, message)


def rate_limited(message: str, retry_after_s: float | None, *, sent: bool) -> TvbridgeError:
    """The venue said "too many requests" (or our gate knows it would): nothing more is sent
    until its window reopens."""
    return TvbridgeError(ErrorClass.RATE_LIMITED, message, retry_after_s=retry_after_s, sent=sent)


@dataclass(frozen=True)
class HttpReply:
    status: int
    text: str
    headers: dict[str, str]
    elapsed_s: float


Observer = Callable[[str, str, int, float], None]  # endpoint, method, status (0 = no reply), seconds
BackoffObserver = Callable[[float], None]  # seconds the venue asked us to wait
HeaderWait = Callable[[Mapping[str, str]], float | None]  # seconds read from an answer's headers

# A 429 without Retry-After still closes the gate this long; 418 (an IP ban
# for ignoring 429s) defaults longer, as the venue escalates.
DEFAULT_429_BACKOFF_S = 1.0
DEFAULT_418_BACKOFF_S = 60.0


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
        backoff_observer: BackoffObserver | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.connect_timeout_s = connect_timeout_s
        self.read_timeout_s = read_timeout_s
        self.observer = observer
        self.backoff_observer = backoff_observer
        self.monotonic = monotonic
        # A venue's own pacing (Binance's used weight), set by its client: asked before every
        # request, told every answer's headers.
        self.pacer: rate_limits.Pacer | None = None
        # A venue's own reading of how long a 429 asks us to wait, where it is not Retry-After.
        self.header_wait: HeaderWait | None = None
        self._blocked_until = 0.0  # monotonic time before which nothing is sent
        self.last_used = monotonic()  # when the pool last carried a request
        # Passed on every request: requests lets REQUESTS_CA_BUNDLE in the
        # environment override a session-level setting.
        self.verify_tls = verify_tls
        self.session = requests.Session()
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
        wait = self._blocked_until - self.monotonic()
        if wait <= 0 and self.pacer is not None:
            wait = self.pacer.hold_s()
            if wait > 0:
                # Near the venue's limit: hold rather than send into a 429 (then a 418 ban).
                self._close_gate(wait)
        if wait > 0:
            raise rate_limited(
                f"{method} {path}: not sent, the venue's rate-limit window reopens in {wait:.1f}s",
                wait,
                sent=False,
            )
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
                verify=self.verify_tls,
            )
            status = resp.status_code
            venue_answered_ns.set(time.time_ns())
            if self.pacer is not None:
                self.pacer.observe(resp.headers)
            if status in (429, 418):
                own = self.header_wait(resp.headers) if self.header_wait is not None else None
                retry_after = self.backoff(status, resp.headers.get("Retry-After"), seconds=own)
                raise rate_limited(f"{method} {path}: HTTP {status}", retry_after, sent=True)
            return HttpReply(resp.status_code, resp.text, dict(resp.headers), resp.elapsed.total_seconds())
        except requests.exceptions.ConnectTimeout as exc:
            raise unreachable(f"{method} {path}: connect timeout") from exc
        except requests.exceptions.SSLError as exc:
            # The handshake failed, so no request went out.
            raise unreachable(f"{method} {path}: TLS failed: {_root_cause(exc)}") from exc
        except requests.exceptions.ReadTimeout as exc:
            raise no_answer(f"{method} {path}: no answer within {read_timeout:.1f}s") from exc
        except requests.exceptions.ConnectionError as exc:
            # A refused connection was never sent; a reset mid-reply may have been acted on.
            if _refused(exc):
                raise unreachable(f"{method} {path}: connection refused") from exc
            raise no_answer(f"{method} {path}: connection lost") from exc
        finally:
            self.last_used = self.monotonic()
            elapsed = time.perf_counter() - started
            venue_seconds.set(venue_seconds.get() + elapsed)
            if self.observer is not None:
                self.observer(path, method, status, elapsed)

    def backoff(self, status: int, retry_after: str | None, *, seconds: float | None = None) -> float:
        """Close the gate for as long as the venue asked: Retry-After (seconds), else `seconds`
        read from its own headers; either capped at a minute."""
        wait = rate_limits.retry_after_s(retry_after)
        if wait is None and seconds is not None:
            wait = rate_limits.capped(seconds)
        if wait is None:
            wait = DEFAULT_418_BACKOFF_S if status == 418 else DEFAULT_429_BACKOFF_S
        self._close_gate(wait)
        return wait

    def _close_gate(self, seconds: float) -> None:
        self._blocked_until = max(self._blocked_until, self.monotonic() + seconds)
        if self.backoff_observer is not None:
            self.backoff_observer(seconds)

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


def _root_cause(exc: BaseException) -> str:
    seen: BaseException = exc
    while seen.__cause__ is not None or seen.__context__ is not None:
        seen = seen.__cause__ or seen.__context__  # type: ignore[assignment]
    return str(seen)
