"""Builds the venue adapters the settings describe, one per venue and account."""

from __future__ import annotations

import logging

from executor import metrics
from executor.config import ExecutorSettings
from executor.core.model import Venue
from executor.core.ports import VenueAdapter
from executor.venues.http import VenueHttp
from executor.venues.registry import VENUES

log = logging.getLogger("executor.wiring")


def build_adapters(settings: ExecutorSettings) -> dict[tuple[Venue, str], VenueAdapter]:
    adapters: dict[tuple[Venue, str], VenueAdapter] = {}
    for entry in VENUES:
        url = settings.base_url(entry.venue)
        if sum(map(bool, settings.keys(entry.venue))) == 1:
            log.warning(
                "%s needs both %s_API_KEY and %s_SECRET_KEY; it is not configured",
                entry.prefix,
                entry.prefix,
                entry.prefix,
            )
        for account, (key, secret) in settings.accounts(entry.venue).items():
            # One keep-alive pool per account: each key set has its own rate limits and clock offset.
            http = VenueHttp(
                url,
                connect_timeout_s=settings.venue_connect_timeout_s,
                read_timeout_s=settings.venue_read_timeout_s,
                pool_size=settings.venue_pool_size,
                observer=metrics.venue_observer(entry.venue.value),
                backoff_observer=metrics.backoff_observer(entry.venue.value),
                verify_tls=settings.tls_verify(),
            )
            adapter = entry.adapter(
                account,
                url,
                key,
                secret,
                http=http,
                recv_window_ms=settings.venue_recv_window_ms,
                stream_url=settings.ws_url(entry.venue),
            )
            adapter.stream_observer = metrics.StreamMetrics(entry.venue.value, account)
            adapter.price_ttl_s = settings.venue_price_cache_s
            adapter.balance_ttl_s = settings.venue_balance_cache_s
            adapters[(entry.venue, account)] = adapter
    if not adapters:
        log.warning("no venue credentials configured: every signal will be rejected as unknown_account")
    return adapters
