"""Every metric both services export follows Prometheus's naming conventions."""

from __future__ import annotations

import re

from prometheus_client import REGISTRY
from prometheus_client.metrics_core import Metric

import executor.metrics  # noqa: F401 - registers the executor's metrics
import gateway.metrics  # noqa: F401 - registers the gateway's metrics

NAME = re.compile(r"^tvbridge_(gateway|executor)_[a-z][a-z0-9_]*$")
# Names an issue fixed for users (alert rules, dashboards) without the service's part.
NAMED_BY_ISSUES = {"tvbridge_unprotected_positions"}  # issue 16
BASE_UNITS = ("_seconds", "_bytes", "_total", "_info", "_ratio")
FORBIDDEN_UNITS = ("_milliseconds", "_ms", "_minutes", "_kb", "_mb", "_percent")
# Labels whose values come from a closed set, never from what a caller sends.
BOUNDED_LABELS = {
    "channel",  # telegram, discord, webhook
    "outcome",
    "route",
    "method",
    "code",
    "status",
    "error_class",
    "stage",
    "strategy",
    "venue",
    "side",
    "endpoint",
    "account",  # the owner's configured key sets
    "event",  # a venue's stream event types, others counted as "other"
    "kind",  # the keeper's news kinds
}


def ours() -> list[Metric]:
    return [m for m in REGISTRY.collect() if m.name.startswith("tvbridge_")]


def test_names_are_prefixed_snake_case_in_base_units() -> None:
    metrics = ours()
    assert len(metrics) >= 15
    for metric in metrics:
        assert NAME.match(metric.name) or metric.name in NAMED_BY_ISSUES, metric.name
        assert not metric.name.endswith(FORBIDDEN_UNITS), metric.name
        if metric.type == "counter":
            # prometheus_client strips _total from the family name and puts it back on samples.
            assert all(s.name.endswith(("_total", "_created")) for s in metric.samples), metric.name
        if metric.type == "histogram":
            assert metric.name.endswith("_seconds"), f"{metric.name}: histograms here measure time"
        if "timestamp" in metric.name:
            assert metric.name.endswith("_timestamp_seconds"), metric.name


def test_label_sets_are_known_and_initialised_at_zero() -> None:
    for metric in ours():
        labels = {k for s in metric.samples for k in s.labels if k not in ("le", "version")}
        assert labels <= BOUNDED_LABELS, (metric.name, labels - BOUNDED_LABELS)
        if metric.type in ("counter", "histogram") and labels:
            assert metric.samples, f"{metric.name} has no initialised series"


def test_the_metrics_a_trader_lives_by_are_there() -> None:
    names = {m.name for m in ours()}
    assert {
        "tvbridge_gateway_webhooks",
        "tvbridge_gateway_request_duration_seconds",
        "tvbridge_gateway_executor_rpc_duration_seconds",
        "tvbridge_gateway_executor_rpc_errors",
        "tvbridge_gateway_journal_pending_signals",
        "tvbridge_gateway_journal_oldest_pending_age_seconds",
        "tvbridge_gateway_signal_stage_seconds",
        "tvbridge_gateway_strategy_last_signal_timestamp_seconds",
        "tvbridge_gateway_build",
        "tvbridge_executor_rpcs",
        "tvbridge_executor_orders",
        "tvbridge_executor_venue_request_duration_seconds",
        "tvbridge_executor_venue_errors",
        "tvbridge_executor_rate_limit_backoffs",
        "tvbridge_executor_trading_enabled",
        "tvbridge_executor_build",
        "tvbridge_unprotected_positions",
        "tvbridge_executor_stream_connected",
        "tvbridge_executor_stream_down_seconds",
        "tvbridge_executor_watching_rest_only",
        "tvbridge_executor_stream_events",
        "tvbridge_executor_reconcile_differences",
        "tvbridge_executor_oco_cancels",
        "tvbridge_executor_sibling_cancel_seconds",
    } <= names
