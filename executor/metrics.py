"""The executor's Prometheus metrics (served on EXECUTOR_METRICS_PORT)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import Counter, Gauge, Histogram, Info

from common.pauses import PauseChange
from common.trading import NewsKind
from executor.core.exposure.guard import ExposureGuard
from executor.core.keeper.keeper import Keeper
from executor.core.keeper.news import Difference, News
from executor.core.model import Venue

BUILD = Info("tvbridge_executor_build", "Executor build information")
RPCS = Counter(
    "tvbridge_executor_rpcs_total", "gRPC calls handled, by method and status code", ["method", "code"]
)
RPC_SECONDS = Histogram(
    "tvbridge_executor_rpc_duration_seconds",
    "gRPC call handling time",
    ["method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
ORDERS = Counter(
    "tvbridge_executor_orders_total",
    "Signals executed, by venue, side and outcome",
    ["venue", "side", "outcome"],
)
VENUE_SECONDS = Histogram(
    "tvbridge_executor_venue_request_duration_seconds",
    "Venue HTTP request time",
    ["venue", "endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
VENUE_ERRORS = Counter(
    "tvbridge_executor_venue_errors_total",
    "Venue failures, by venue and error class",
    ["venue", "error_class"],
)
RATE_LIMIT_BACKOFFS = Counter(
    "tvbridge_executor_rate_limit_backoffs_total",
    "Times a venue told us to back off (429/418 or its own rate-limit code)",
    ["venue"],
)
STREAM_CONNECTED = Gauge(
    "tvbridge_executor_stream_connected",
    "1 while the account's user-data stream is connected",
    ["venue", "account"],
)
STREAM_EVENTS = Counter(
    "tvbridge_executor_stream_events_total",
    "User-data stream events received, by the venue's event type",
    ["venue", "account", "event"],
)
STREAM_RECONNECTS = Counter(
    "tvbridge_executor_stream_reconnects_total",
    "User-data stream reconnect attempts after a loss",
    ["venue", "account"],
)
# The event types the streams deliver; any other is counted as "other" (labels stay bounded).
STREAM_EVENT_NAMES = frozenset(
    {
        "ORDER_TRADE_UPDATE",
        "TRADE_UPDATE",
        "ALGO_UPDATE",
        "ACCOUNT_UPDATE",
        "ACCOUNT_CONFIG_UPDATE",
        "listenKeyExpired",
    }
)
TRADING_ENABLED = Gauge("tvbridge_executor_trading_enabled", "1 while trading is switched on")
# The position keeper (executor/core/keeper), read from its plain counters once a second.
# Named by issue 16 and its alert rule without the service's part: a stable interface.
UNPROTECTED = Gauge(
    "tvbridge_unprotected_positions",
    "Positions whose stop-loss is missing and could not be re-placed",
    ["venue", "account"],
)
STREAM_DOWN_SECONDS = Gauge(
    "tvbridge_executor_stream_down_seconds",
    "Seconds the account's user-data stream has been down (never connected counts); 0 while up",
    ["venue", "account"],
)
REST_ONLY = Gauge(
    "tvbridge_executor_watching_rest_only",
    "1 while the stream is down and REST reconciliation alone keeps watch of the account",
    ["venue", "account"],
)
RECONCILE_DIFFERENCES = Counter(
    "tvbridge_executor_reconcile_differences",
    "What a REST reconciliation found that the stream had not told, by kind (fill, order, position)",
    ["venue", "account", "kind"],
)
OCO_CANCELS = Counter(
    "tvbridge_executor_oco_cancels_total",
    "Protective orders cancelled because their position went flat (one-cancels-other)",
    ["venue", "account"],
)
OCO_CANCEL_FAILURES = Counter(
    "tvbridge_executor_oco_cancel_failures_total",
    "Cancels of a flat position's protective orders that failed (tried again at the next reconciliation)",
    ["venue", "account"],
)
SIBLING_CANCEL_SECONDS = Histogram(
    "tvbridge_executor_sibling_cancel_seconds",
    "From the event that flattened a position to its remaining protective orders being cancelled",
    ["venue", "account"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
RECONCILES = Counter(
    "tvbridge_executor_reconciliations_total",
    "REST reconciliations of an account, by outcome (ok, failed)",
    ["venue", "account", "outcome"],
)
STOPS_REPLACED = Counter(
    "tvbridge_executor_stops_replaced_total",
    "Missing stop-losses the keeper placed again",
    ["venue", "account"],
)
KEEPER_NEWS = Counter(
    "tvbridge_executor_keeper_news_total",
    "What the position keeper saw happen, by kind (take-profit or stop hit, liquidation, ...)",
    ["venue", "account", "kind"],
)

# The exposure limits (executor/core/exposure): what is paused now, read once a second.
RISK_PAUSED = Gauge(
    "tvbridge_executor_risk_paused",
    "1 while a daily-loss or losing-streak breach pauses entries on the account (strategy empty) "
    "or on one strategy, until the next UTC day or the owner's resume",
    ["venue", "account", "strategy"],
)


class StreamMetrics:
    """One account's stream, as `executor/venues/stream_base.py` reports it."""

    def __init__(self, venue: str, account: str) -> None:
        self.venue = venue
        self.account = account
        self._events: dict[str, Any] = {}  # each event type's counter, looked up once
        STREAM_CONNECTED.labels(venue, account).set(0)
        STREAM_RECONNECTS.labels(venue, account)

    def connected(self, up: bool) -> None:
        STREAM_CONNECTED.labels(self.venue, self.account).set(1 if up else 0)

    def event(self, name: str) -> None:
        label = name if name in STREAM_EVENT_NAMES else "other"
        child = self._events.get(label)
        if child is None:
            child = self._events[label] = STREAM_EVENTS.labels(self.venue, self.account, label)
        child.inc()

    def reconnect(self) -> None:
        STREAM_RECONNECTS.labels(self.venue, self.account).inc()


class KeeperMetrics:
    """The keeper's plain counters (`AccountStats`) and each stream's health as Prometheus
    series; `update` adds what changed since the last call."""

    _COUNTERS = (
        ("cancelled", OCO_CANCELS),
        ("cancel_failures", OCO_CANCEL_FAILURES),
        ("stops_replaced", STOPS_REPLACED),
    )

    def __init__(self, keeper: Keeper, accounts: Iterable[tuple[Venue, str]]) -> None:
        self.keeper = keeper
        self.accounts = list(accounts)
        self._seen: dict[tuple[Venue, str, str], int] = {}
        for venue, account in self.accounts:
            UNPROTECTED.labels(venue.value, account).set(0)
            STREAM_DOWN_SECONDS.labels(venue.value, account).set(0)
            REST_ONLY.labels(venue.value, account).set(0)
            for _, counter in self._COUNTERS:
                counter.labels(venue.value, account)
            for outcome in ("ok", "failed"):
                RECONCILES.labels(venue.value, account, outcome)
            for kind in NewsKind:
                KEEPER_NEWS.labels(venue.value, account, kind.value)
            for difference in Difference:
                RECONCILE_DIFFERENCES.labels(venue.value, account, difference.value)
            SIBLING_CANCEL_SECONDS.labels(venue.value, account)

    def update(self) -> None:
        for venue, account in self.accounts:
            stats = self.keeper.stats(venue, account)
            UNPROTECTED.labels(venue.value, account).set(stats.unprotected)
            health = self.keeper.health(venue, account)
            STREAM_DOWN_SECONDS.labels(venue.value, account).set(health.down_s)
            REST_ONLY.labels(venue.value, account).set(1 if health.rest_only else 0)
            for name, counter in self._COUNTERS:
                self._add(counter.labels(venue.value, account), (venue, account, name), getattr(stats, name))
            self._add(RECONCILES.labels(venue.value, account, "ok"), (venue, account, "ok"), stats.reconciles)
            self._add(
                RECONCILES.labels(venue.value, account, "failed"),
                (venue, account, "failed"),
                stats.reconcile_failures,
            )
            for difference in Difference:
                self._add(
                    RECONCILE_DIFFERENCES.labels(venue.value, account, difference.value),
                    (venue, account, f"difference:{difference.value}"),
                    stats.reconcile_differences[difference.value],
                )
            for seconds in stats.drain_sibling_cancel_seconds():
                SIBLING_CANCEL_SECONDS.labels(venue.value, account).observe(seconds)

    def _add(self, child: Any, key: tuple[Venue, str, str], total: int) -> None:
        grown = total - self._seen.get(key, 0)
        if grown > 0:
            child.inc(grown)
        self._seen[key] = total

    @staticmethod
    def news(item: News) -> None:
        KEEPER_NEWS.labels(item.venue.value, item.account, item.kind.value).inc()


class RiskMetrics:
    """The limits' pauses in force as `tvbridge_executor_risk_paused`: each account at 0 from
    the start, a pause at 1 while it holds, back to 0 once lifted. The owner's own pauses are not
    counted: its alert says a limit was breached, and the owner knows what they paused."""

    def __init__(self, guard: ExposureGuard, accounts: Iterable[tuple[Venue, str]]) -> None:
        self.guard = guard
        self._shown: set[tuple[str, str, str]] = {(venue.value, account, "") for venue, account in accounts}
        for labels in self._shown:
            RISK_PAUSED.labels(*labels).set(0)

    def update(self) -> None:
        paused = {
            (p.venue, p.account, p.strategy) for p in self.guard.in_force() if p.change is PauseChange.PAUSED
        }
        for labels in self._shown | paused:
            RISK_PAUSED.labels(*labels).set(1 if labels in paused else 0)
        self._shown |= paused


def backoff_observer(venue: str) -> Callable[[float], None]:
    def observe(seconds: float) -> None:
        RATE_LIMIT_BACKOFFS.labels(venue).inc()

    return observe


def venue_observer(venue: str) -> Callable[[str, str, int, float], None]:
    timed: dict[str, Any] = {}  # each endpoint's histogram, looked up once

    def observe(endpoint: str, method: str, status: int, seconds: float) -> None:
        child = timed.get(endpoint)
        if child is None:
            child = timed[endpoint] = VENUE_SECONDS.labels(venue, endpoint)
        child.observe(seconds)

    return observe


def _initialise() -> None:
    """Every known label set starts at zero, so rates and absences are visible from the first scrape."""
    for method in ("ExecuteSignal", "GetAccount", "TestConnection", "SetTradingEnabled", "GetTradingStatus"):
        RPCS.labels(method, "OK")
        RPC_SECONDS.labels(method)
    for venue in ("bingx", "binance"):
        RATE_LIMIT_BACKOFFS.labels(venue)
        for side in ("buy", "sell", "none"):
            for outcome in ("executed", "rejected", "failed", "expired"):
                ORDERS.labels(venue, side, outcome)
        for error_class in ("venue_unavailable", "rate_limited", "timestamp", "auth", "venue_rejected"):
            VENUE_ERRORS.labels(venue, error_class)


_initialise()
