"""Who is calling: the client address behind trusted proxies, the allow-list, and rate limits.

`X-Forwarded-For` is believed only when the direct peer is a proxy the owner named; then the
client is the right-most address in it that is not one of those proxies (the left part of the
header is whatever the client chose to send). A spoofed header from anyone else is ignored.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# TradingView's published webhook senders (TradingView help: "How to configure webhook alerts").
TRADINGVIEW_IPS = ("52.89.214.238", "34.212.75.30", "54.218.53.128", "52.32.178.7")
PRESETS = {"tradingview": TRADINGVIEW_IPS}


def parse_networks(text: str, variable: str) -> tuple[Network, ...]:
    """Comma-separated IPs or CIDR ranges, and the preset name `tradingview`."""
    out: list[Network] = []
    for raw in text.replace(";", ",").split(","):
        item = raw.strip().lower()
        if not item:
            continue
        for entry in PRESETS.get(item, (item,)):
            try:
                out.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(f"{variable}: {entry!r} is not an IP address or CIDR range") from None
    return tuple(out)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client reaching a dual-stack socket shows up as ::ffff:a.b.c.d.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def within(address: str, networks: Iterable[Network]) -> bool:
    parsed = _address(address)
    return parsed is not None and any(parsed in net for net in networks)


def client_address(peer: str, forwarded_for: str | None, trusted_proxies: tuple[Network, ...]) -> str:
    if not forwarded_for or not trusted_proxies or not within(peer, trusted_proxies):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if _address(hop) is None:
            return peer  # a garbled chain: trust nothing in it
        if not within(hop, trusted_proxies):
            return str(_address(hop))
    return peer


class RateLimiter:
    """A token bucket per source address; idle buckets are forgotten once there are too many."""

    def __init__(self, per_second: float, burst: float, max_sources: int = 10_000) -> None:
        self.per_second = per_second
        self.burst = burst
        self.max_sources = max_sources
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, source: str, cost: float = 1.0) -> bool:
        return self._spend(source, cost, partial=False)

    def charge(self, source: str, cost: float) -> None:
        """Spend tokens whatever is left (down to none): the price of a refused attempt."""
        self._spend(source, cost, partial=True)

    def _spend(self, source: str, cost: float, *, partial: bool) -> bool:
        if self.per_second <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            tokens, stamp = self._buckets.pop(source, (self.burst, now))
            tokens = min(self.burst, tokens + (now - stamp) * self.per_second)
            allowed = tokens >= cost
            if allowed or partial:
                tokens = max(0.0, tokens - cost)
            self._buckets[source] = (tokens, now)
            while len(self._buckets) > self.max_sources:
                self._buckets.popitem(last=False)
            return allowed

    def retry_after_s(self, cost: float = 1.0) -> int:
        return max(1, int(cost / self.per_second + 0.999)) if self.per_second > 0 else 1


class SourceGuard:
    """The checks made before a request is read: where it comes from, and how often."""

    def __init__(
        self,
        *,
        allowed: tuple[Network, ...],
        trusted_proxies: tuple[Network, ...],
        limiter: RateLimiter,
        cert_header: str = "",
        cert_subject: str = "",
        unauthorized_cost: float = 20,
    ) -> None:
        self.allowed = allowed
        self.trusted_proxies = trusted_proxies
        self.limiter = limiter
        self.cert_header = cert_header.lower()
        self.cert_subject = cert_subject
        self.unauthorized_cost = unauthorized_cost

    def client(self, peer: str, forwarded_for: str | None) -> str:
        return client_address(peer, forwarded_for, self.trusted_proxies)

    def webhook_refusal(self, peer: str, client: str, cert_subject: str | None) -> str | None:
        """Why this webhook sender is refused, or None. `cert_subject` is what the request's
        `cert_header` says (None without one)."""
        if self.allowed and not within(client, self.allowed):
            return "this address may not send webhooks"
        if self.cert_header:
            # Only the terminator that checked the certificate may vouch for it.
            subject = cert_subject if within(peer, self.trusted_proxies) else None
            if not subject or not _subject_matches(subject, self.cert_subject):
                return "no verified TradingView client certificate"
        return None

    def penalise(self, client: str) -> None:
        self.limiter.charge(client, self.unauthorized_cost)


def _subject_matches(subject: str, wanted: str) -> bool:
    """Every RDN asked for appears in the subject, whichever order and separator the proxy uses."""

    def parts(text: str) -> set[str]:
        return {p.strip().lower() for p in text.replace("/", ",").split(",") if "=" in p}

    return parts(wanted) <= parts(subject)
