"""The HTTP transport every venue client uses: one keep-alive pool, a timeout on
every call, and failures split by what they tell us about the request's fate.

It speaks urllib3 directly. What `requests` adds on every call (the environment's proxies and
CA bundle read again, the URL parsed and quoted again, cookies, hooks, redirects) is work a
venue client never needs, and was most of the executor's CPU per order: the pool and every
header that never changes are set up once here.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import certifi
import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util.retry import Retry

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
    headers: Mapping[str, str]  # looked up without regard to case (rate_limits.header)
    elapsed_s: float


Observer = Callable[[str, str, int, float], None]  # endpoint, method, status (0 = no reply), seconds
BackoffObserver = Callable[[float], None]  # seconds the venue asked us to wait
HeaderWait = Callable[[Mapping[str, str]], float | None]  # seconds read from an answer's headers

# A 429 without Retry-After still closes the gate this long; 418 (an IP ban
# for ignoring 429s) defaults longer, as the venue escalates.
DEFAULT_429_BACKOFF_S = 1.0
DEFAULT_418_BACKOFF_S = 60.0

# No retries, no redirects: a blind resend of an order could double it; the engine decides what
# is safe to repeat. Built once: urllib3 would build this from `False` on every call.
NO_RETRIES = Retry(total=False, redirect=False)


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
        self.verify_tls = verify_tls
        self.pool_size = pool_size
        self._timeouts: dict[float, urllib3.Timeout] = {}
        self._base_url = base_url.rstrip("/")
        self._pool, self._target = _pool(self._base_url, pool_size, verify_tls)

    @property
    def base_url(self) -> str:
        return self._base_url

    @base_url.setter
    def base_url(self, url: str) -> None:
        """Another host is another pool; the old one's connections are closed."""
        old = self._pool
        self._base_url = url.rstrip("/")
        self._pool, self._target = _pool(self._base_url, self.pool_size, self.verify_tls)
        old.close()

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
        url = f"{self._target}{path}?{query}" if query else f"{self._target}{path}"
        read_timeout = timeout_s if timeout_s is not None else self.read_timeout_s
        started = time.perf_counter()
        status = 0
        try:
            resp = self._pool.urlopen(
                method,
                url,
                body=body,
                headers=headers,
                retries=NO_RETRIES,
                redirect=False,
                assert_same_host=False,
                timeout=self._timeout(read_timeout),
                preload_content=True,  # read whole, so the connection goes back to the pool
            )
            status = resp.status
            venue_answered_ns.set(time.time_ns())
            if self.pacer is not None:
                self.pacer.observe(resp.headers)
            if status in (429, 418):
                own = self.header_wait(resp.headers) if self.header_wait is not None else None
                retry_after = self.backoff(status, resp.headers.get("Retry-After"), seconds=own)
                raise rate_limited(f"{method} {path}: HTTP {status}", retry_after, sent=True)
            return HttpReply(
                status, resp.data.decode("utf-8", "replace"), resp.headers, time.perf_counter() - started
            )
        except NewConnectionError as exc:
            # No connection, so no request: refused, unresolved, unreachable.
            what = "connection refused" if _refused(exc) else f"no connection: {_root_cause(exc)}"
            raise unreachable(f"{method} {path}: {what}") from exc
        except ConnectTimeoutError as exc:
            raise unreachable(f"{method} {path}: connect timeout") from exc
        except SSLError as exc:
            # The handshake failed, so no request went out.
            raise unreachable(f"{method} {path}: TLS failed: {_root_cause(exc)}") from exc
        except ReadTimeoutError as exc:
            raise no_answer(f"{method} {path}: no answer within {read_timeout:.1f}s") from exc
        except HTTPError as exc:
            # A reset mid-reply, a proxy's refusal: the request may have been acted on.
            if _refused(exc):
                raise unreachable(f"{method} {path}: connection refused") from exc
            raise no_answer(f"{method} {path}: connection lost") from exc
        finally:
            self.last_used = self.monotonic()
            elapsed = time.perf_counter() - started
            venue_seconds.set(venue_seconds.get() + elapsed)
            if self.observer is not None:
                self.observer(path, method, status, elapsed)

    def _timeout(self, read_s: float) -> urllib3.Timeout:
        """The connect and read timeouts of a call: a handshake never outlasts the read."""
        timeout = self._timeouts.get(read_s)
        if timeout is None:
            timeout = self._timeouts[read_s] = urllib3.Timeout(
                connect=min(self.connect_timeout_s, read_s), read=read_s
            )
        return timeout

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
        """Close every connection; a later call opens new ones (as a `requests` session did)."""
        self.base_url = self._base_url  # a fresh pool in place of the closed one

    @property
    def connections_opened(self) -> int:
        """Connections the pool has opened since it was made: one per TCP (and TLS) handshake."""
        return self._pool.num_connections


def _pool(base_url: str, size: int, verify_tls: bool | str) -> tuple[urllib3.HTTPConnectionPool, str]:
    """The venue host's keep-alive pool, and what a request's path goes after.

    `size` connections are kept; a request finding none free opens one more, closed after its
    answer (never a wait for a free one). A proxy named in the environment (HTTPS_PROXY, NO_PROXY)
    is taken as the process starts, as `requests` took it on every call: HTTPS tunnels through it,
    plain HTTP names the whole URL to it."""
    options: dict[str, Any] = {"maxsize": size, "block": False, "retries": NO_RETRIES}
    if base_url.startswith("https:"):
        # Verified against certifi's CAs (what `requests` trusted), or the CA bundle named.
        options["cert_reqs"] = "CERT_REQUIRED" if verify_tls else "CERT_NONE"
        options["ca_certs"] = verify_tls if isinstance(verify_tls, str) else certifi.where()
    scheme, _, rest = base_url.partition("://")
    host = rest.split("/", 1)[0]
    path = rest[len(host) :]
    proxy = (
        None
        if urllib.request.proxy_bypass(host.rsplit(":", 1)[0])
        else urllib.request.getproxies().get(scheme)
    )
    manager = urllib3.ProxyManager(proxy, **options) if proxy else urllib3.PoolManager(**options)
    pool = manager.connection_from_url(base_url)
    return pool, base_url if proxy and scheme == "http" else path


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
