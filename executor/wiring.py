"""Builds the venue adapters the settings describe."""

from __future__ import annotations

import logging

from common.settings import secret_value
from executor import metrics
from executor.config import ExecutorSettings
from executor.core.model import Venue
from executor.core.ports import VenueAdapter
from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.bingx.adapter import BingxAdapter
from executor.venues.http import VenueHttp

log = logging.getLogger("executor.wiring")


def build_adapters(settings: ExecutorSettings) -> dict[tuple[Venue, str], VenueAdapter]:
    venues: list[tuple[Venue, str, type[BingxAdapter | BinanceAdapter]]] = [
        (Venue.BINGX, settings.bingx_url(), BingxAdapter),
        (Venue.BINANCE, settings.binance_url(), BinanceAdapter),
    ]
    adapters: dict[tuple[Venue, str], VenueAdapter] = {}
    for venue, url, adapter_cls in venues:
        name = venue.value.upper()
        half = (settings.bingx_api_key, settings.bingx_secret_key)
        if venue is Venue.BINANCE:
            half = (settings.binance_api_key, settings.binance_secret_key)
        if bool(secret_value(half[0])) != bool(secret_value(half[1])):
            log.warning("%s needs both %s_API_KEY and %s_SECRET_KEY; it is not configured", name, name, name)
        for account, (key, secret) in settings.accounts(venue.value).items():
            # One keep-alive pool per account: each key set has its own rate limits and clock offset.
            http = VenueHttp(
                url,
                connect_timeout_s=settings.venue_connect_timeout_s,
                read_timeout_s=settings.venue_read_timeout_s,
                pool_size=settings.venue_pool_size,
                observer=metrics.venue_observer(venue.value),
                backoff_observer=metrics.backoff_observer(venue.value),
                verify_tls=settings.tls_verify(),
            )
            adapter = adapter_cls(
                account, url, key, secret, http=http, recv_window_ms=settings.venue_recv_window_ms
            )
            adapter.price_ttl_s = settings.venue_price_cache_s
            adapter.balance_ttl_s = settings.venue_balance_cache_s
            adapters[(venue, account)] = adapter
    if not adapters:
        log.warning("no venue credentials configured: every signal will be rejected as unknown_account")
    return adapters
