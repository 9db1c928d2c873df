"""Builds the venue adapters the settings describe."""

from __future__ import annotations

import logging

from common.settings import secret_value
from executor import metrics
from executor.config import ExecutorSettings
from executor.core.model import Venue
from executor.venues.base import VenueAdapter
from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.bingx.adapter import BingxAdapter
from executor.venues.http import VenueHttp

log = logging.getLogger("executor.wiring")


def build_adapters(settings: ExecutorSettings) -> dict[tuple[Venue, str], VenueAdapter]:
    adapters: dict[tuple[Venue, str], VenueAdapter] = {}
    key, secret = secret_value(settings.bingx_api_key), secret_value(settings.bingx_secret_key)
    if key and secret:
        url = settings.bingx_url()
        http = VenueHttp(
            url,
            connect_timeout_s=settings.venue_connect_timeout_s,
            read_timeout_s=settings.venue_read_timeout_s,
            pool_size=settings.venue_pool_size,
            observer=metrics.venue_observer(Venue.BINGX.value),
            backoff_observer=metrics.backoff_observer(Venue.BINGX.value),
            verify_tls=settings.tls_verify(),
        )
        adapters[(Venue.BINGX, "default")] = BingxAdapter(
            "default", url, key, secret, http=http, recv_window_ms=settings.venue_recv_window_ms
        )
    elif key or secret:
        log.warning("BingX needs both BINGX_API_KEY and BINGX_SECRET_KEY; BingX is not configured")
    key, secret = secret_value(settings.binance_api_key), secret_value(settings.binance_secret_key)
    if key and secret:
        url = settings.binance_url()
        http = VenueHttp(
            url,
            connect_timeout_s=settings.venue_connect_timeout_s,
            read_timeout_s=settings.venue_read_timeout_s,
            pool_size=settings.venue_pool_size,
            observer=metrics.venue_observer(Venue.BINANCE.value),
            backoff_observer=metrics.backoff_observer(Venue.BINANCE.value),
            verify_tls=settings.tls_verify(),
        )
        adapters[(Venue.BINANCE, "default")] = BinanceAdapter(
            "default", url, key, secret, http=http, recv_window_ms=settings.venue_recv_window_ms
        )
    elif key or secret:
        log.warning("Binance needs both BINANCE_API_KEY and BINANCE_SECRET_KEY; Binance is not configured")
    if not adapters:
        log.warning("no venue credentials configured: every signal will be rejected as unknown_account")
    return adapters
