"""Builds the venue adapters the settings describe."""

from __future__ import annotations

import logging

from pydantic import SecretStr

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
    venues: list[
        tuple[Venue, SecretStr | None, SecretStr | None, str, type[BingxAdapter | BinanceAdapter]]
    ] = [
        (Venue.BINGX, settings.bingx_api_key, settings.bingx_secret_key, settings.bingx_url(), BingxAdapter),
        (
            Venue.BINANCE,
            settings.binance_api_key,
            settings.binance_secret_key,
            settings.binance_url(),
            BinanceAdapter,
        ),
    ]
    adapters: dict[tuple[Venue, str], VenueAdapter] = {}
    for venue, api_key, secret_key, url, adapter_cls in venues:
        key, secret = secret_value(api_key), secret_value(secret_key)
        if not (key and secret):
            if key or secret:
                name = venue.value.upper()
                log.warning(
                    "%s needs both %s_API_KEY and %s_SECRET_KEY; it is not configured", name, name, name
                )
            continue
        http = VenueHttp(
            url,
            connect_timeout_s=settings.venue_connect_timeout_s,
            read_timeout_s=settings.venue_read_timeout_s,
            pool_size=settings.venue_pool_size,
            observer=metrics.venue_observer(venue.value),
            backoff_observer=metrics.backoff_observer(venue.value),
            verify_tls=settings.tls_verify(),
        )
        adapters[(venue, "default")] = adapter_cls(
            "default", url, key, secret, http=http, recv_window_ms=settings.venue_recv_window_ms
        )
    if not adapters:
        log.warning("no venue credentials configured: every signal will be rejected as unknown_account")
    return adapters
