"""Builds the venue adapters the settings describe, one per venue and account."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import Decimal

from common.trading import NewsKind
from executor import metrics
from executor.config import ExecutorSettings
from executor.core.events import VenueWatch
from executor.core.exposure.guard import ExposureGuard
from executor.core.keeper.keeper import Keeper
from executor.core.keeper.news import News
from executor.core.model import Venue
from executor.venues.fresh import FreshReads
from executor.venues.http import VenueHttp
from executor.venues.registry import VENUES

log = logging.getLogger("executor.wiring")


def build_adapters(settings: ExecutorSettings) -> dict[tuple[Venue, str], VenueWatch]:
    adapters: dict[tuple[Venue, str], VenueWatch] = {}
    for entry in VENUES:
        url = settings.base_url(entry.venue)
        # One venue's prices serve all its accounts: a price is the market's (base.py).
        prices: FreshReads[str, Decimal] = FreshReads(settings.venue_price_cache_s)
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
                pool_size=settings.pool_size(),
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
            adapter.demo = settings.environment(entry.venue) != "live"
            adapter.stream_observer = metrics.StreamMetrics(entry.venue.value, account)
            adapter.prices = prices
            adapter.balance_reads.max_age_s = settings.venue_balance_cache_s
            adapters[(entry.venue, account)] = adapter
    if not adapters:
        log.warning("no venue credentials configured: every signal will be rejected as unknown_account")
    return adapters


def build_keeper(
    settings: ExecutorSettings,
    adapters: Mapping[tuple[Venue, str], VenueWatch],
    exposure: ExposureGuard | None = None,
) -> Keeper:
    """The position keeper over every account; what it sees is logged and counted, and told to
    the exposure limits, whose pauses it passes on to the gateway as news."""
    keeper = Keeper(list(adapters.values()), settings.reconcile_s, on_news=_told, observer=exposure)
    if exposure is not None:
        exposure.tell = keeper.tell
        exposure.fed = True
    return keeper


# News a trader must act on is a warning in the log; the rest is information.
_WARN = {
    NewsKind.LIQUIDATION,
    NewsKind.STREAM_DOWN,
    NewsKind.UNPROTECTED,
    NewsKind.CLOSED_OUTSIDE,
    NewsKind.EXIT_NOT_FOLLOWED,
    NewsKind.RISK_PAUSED,
}


def _told(item: News) -> None:
    metrics.KeeperMetrics.news(item)
    log.log(
        logging.WARNING if item.kind in _WARN else logging.INFO,
        "keeper: %s",
        item.kind.value,
        extra={
            "venue": item.venue.value,
            "account": item.account,
            "symbol": item.symbol,
            "detail": item.detail,
        },
    )
