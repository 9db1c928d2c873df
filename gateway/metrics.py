"""The gateway's Prometheus metrics (served at GET /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, Info

BUILD = Info("tvbridge_gateway_build", "Gateway build information")
WEBHOOKS = Counter(
    "tvbridge_gateway_webhooks_total",
    "Webhooks received, by outcome",
    ["outcome"],
)
REQUEST_SECONDS = Histogram(
    "tvbridge_gateway_request_duration_seconds",
    "HTTP request handling time",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EXECUTOR_RPC_SECONDS = Histogram(
    "tvbridge_gateway_executor_rpc_duration_seconds",
    "Time waiting on executor RPCs",
    ["method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EXECUTOR_RPC_ERRORS = Counter(
    "tvbridge_gateway_executor_rpc_errors_total",
    "Executor RPCs that ended in an error status, by method and code",
    ["method", "code"],
)

WEBHOOK_OUTCOMES = (
    "executed",
    "rejected",
    "failed",
    "expired",
    "pending",
    "invalid",
    "unauthorized",
    "unavailable",
    "duplicate",
    "forbidden",
    "limited",
    "too_large",
)
# Request latency is labelled by these paths; anything else (ids, probes) counts as "other".
ROUTES = (
    "/webhook",
    "/healthz",
    "/readyz",
    "/metrics",
    "/trades.csv",
    "/trades.json",
    "/login",
    "/api/trading",
    "/api/status",
    "/api/signals",
    "/api/accounts",
    "/api/test-signal",
    "/api/fills",
    "/api/analytics",
)
# Each series resolved once: a request takes its child from a dict, not through .labels().
REQUEST_SECONDS_OF = {route: REQUEST_SECONDS.labels(route) for route in (*ROUTES, "other")}
WEBHOOK_OUTCOME = {outcome: WEBHOOKS.labels(outcome) for outcome in WEBHOOK_OUTCOMES}


def webhook_outcome(outcome: str) -> Counter:
    """The series of an outcome read from an answer: resolved already unless it is a new word."""
    series = WEBHOOK_OUTCOME.get(outcome)
    return series if series is not None else WEBHOOKS.labels(outcome)


REDELIVERIES = Counter(
    "tvbridge_gateway_redeliveries_total",
    "Signals sent to the executor again after a retryable error, by error class",
    ["error_class"],
)
SIGNALS_FINISHED = Counter(
    "tvbridge_gateway_signals_finished_total",
    "Signals that reached a final state in the journal, by state",
    ["status"],
)
for _status in ("executed", "rejected", "failed", "expired"):
    SIGNALS_FINISHED.labels(_status)
for _cause in ("executor_unavailable", "venue_unavailable", "rate_limited", "timestamp"):
    REDELIVERIES.labels(_cause)
BACKLOG = Gauge("tvbridge_gateway_journal_pending_signals", "Signals journalled and not yet decided")
OLDEST_PENDING_AGE = Gauge(
    "tvbridge_gateway_journal_oldest_pending_age_seconds", "Age of the oldest undecided signal (0 when none)"
)

STAGE_SECONDS = Histogram(
    "tvbridge_gateway_signal_stage_seconds",
    "Where a signal's time goes: TradingView fire -> received -> journalled -> decided, and inside "
    "the decision the executor and the venue",
    ["stage"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
STAGES = ("fired_to_received", "received_to_journalled", "journalled_to_decided", "executor", "venue")
STAGE = {stage: STAGE_SECONDS.labels(stage) for stage in STAGES}
LAST_SIGNAL = Gauge(
    "tvbridge_gateway_strategy_last_signal_timestamp_seconds",
    "When each strategy last sent a signal or heartbeat (Unix time); unlisted strategies count as other",
    ["strategy"],
)
HEARTBEATS = Counter(
    "tvbridge_gateway_heartbeats_total", "Heartbeat alerts received, by strategy", ["strategy"]
)
REJECTIONS = Counter(
    "tvbridge_gateway_rejections_total",
    "Signals refused (by the gateway or the executor) or failed, by error class",
    ["error_class"],
)
for _class in (
    "invalid_signal",
    "unknown_symbol",
    "below_minimum",
    "risk_limit",
    "trading_disabled",
    "insufficient_margin",
    "no_position",
    "venue_rejected",
    "stale",
    "internal",
):
    REJECTIONS.labels(_class)
NOTIFICATIONS = Counter(
    "tvbridge_gateway_notifications_total",
    "Notifications by channel and outcome (sent, retried, failed, dropped)",
    ["channel", "outcome"],
)

FILLS_RECORDED = Counter(
    "tvbridge_gateway_fills_recorded_total", "Fills the keeper feed wrote to the ledger for the first time"
)
FILLS_DUPLICATE = Counter(
    "tvbridge_gateway_fills_duplicate_total",
    "Fills the keeper feed delivered again (stream and REST, a replay) and the ledger already held",
)
KEEPER_FEED_CONNECTED = Gauge(
    "tvbridge_gateway_keeper_feed_connected", "1 while the gateway reads the executor's keeper feed"
)

TELEGRAM_COMMANDS = Counter(
    "tvbridge_gateway_telegram_commands_total",
    "Telegram commands by command and outcome (done, failed, usage, refused, expired; ignored: "
    "a chat not in TELEGRAM_OWNER_CHAT_IDS)",
    ["command", "outcome"],
)
TELEGRAM_ERRORS = Counter(
    "tvbridge_gateway_telegram_poll_errors_total",
    "Errors of the Telegram long poll and its replies, by reason (conflict: another client polls "
    "with the token; unauthorized, rate_limited, http, network, journal, reply)",
    ["reason"],
)
