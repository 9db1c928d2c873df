"""The Grafana provisioning and dashboard: valid, consistent, and built only on exported metrics."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from tests.support.metric_names import exported_names
from tools.processes import ROOT

GRAFANA = ROOT / "deploy" / "grafana"


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (GRAFANA / "dashboards" / "tvbridge.json").read_text(encoding="utf-8")
    )
    return loaded


def panel_exprs() -> list[str]:
    return [t["expr"] for p in dashboard()["panels"] for t in p.get("targets", [])]


def test_the_dashboard_is_well_formed_for_grafana() -> None:
    board = dashboard()
    assert board["uid"] and board["title"] and board["schemaVersion"] >= 36
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
    cells: set[tuple[int, int]] = set()
    for panel in board["panels"]:
        pos = panel["gridPos"]
        assert pos["x"] >= 0 and pos["x"] + pos["w"] <= 24, panel["title"]
        for x in range(pos["x"], pos["x"] + pos["w"]):
            for y in range(pos["y"], pos["y"] + pos["h"]):
                assert (x, y) not in cells, f"{panel['title']} overlaps another panel"
                cells.add((x, y))
        if panel["type"] != "row":
            assert panel["targets"], panel["title"]


def test_panels_use_the_provisioned_datasource() -> None:
    provisioned = yaml.safe_load(
        (GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text("utf-8")
    )
    uid = provisioned["datasources"][0]["uid"]
    for panel in dashboard()["panels"]:
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == uid
        assert all(t["datasource"]["uid"] == uid for t in panel["targets"])
    provider = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "tvbridge.yml").read_text("utf-8"))
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"


def test_every_panel_reads_metrics_the_services_export() -> None:
    exported = exported_names()
    used = {name for expr in panel_exprs() for name in re.findall(r"tvbridge_[a-z0-9_]+", expr)}
    assert used <= exported, used - exported
    # The dashboard covers what a trader lives by.
    assert {
        "tvbridge_gateway_webhooks_total",
        "tvbridge_gateway_signal_stage_seconds_bucket",
        "tvbridge_executor_orders_total",
        "tvbridge_executor_venue_errors_total",
        "tvbridge_gateway_strategy_last_signal_timestamp_seconds",
        "tvbridge_executor_trading_enabled",
        "tvbridge_gateway_journal_pending_signals",
        # The position keeper (issue 16).
        "tvbridge_unprotected_positions",
        "tvbridge_executor_stream_connected",
        "tvbridge_executor_watching_rest_only",
        "tvbridge_executor_oco_cancels_total",
        "tvbridge_executor_sibling_cancel_seconds_bucket",
        "tvbridge_executor_reconcile_differences_total",
    } <= used
