"""A real Prometheus, with the project's config and rules, scrapes both services through a real
signal flow; its query API shows the key series exist and moved."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from tests.e2e.conftest import API_KEY, PASSPHRASE, SECRET_KEY
from tests.support.required import required
from tools.processes import ROOT, free_port, wait_port, wait_until
from tools.stack import LocalStack, start_stack

pytestmark = pytest.mark.e2e

RULES = ROOT / "deploy" / "prometheus" / "rules"


def prometheus_binary() -> str:
    return required("prometheus", shutil.which("prometheus"), ".ci/run installs Debian's prometheus package")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    (tmp_path / "stack").mkdir()
    running = start_stack(tmp_path / "stack", api_key=API_KEY, secret_key=SECRET_KEY, passphrase=PASSPHRASE)
    yield running
    running.stop()


@pytest.fixture
def prometheus(tmp_path: Path, stack: LocalStack) -> Iterator[str]:
    binary = prometheus_binary()
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text(encoding="utf-8"))
    # The project's config, pointed at this machine's ports instead of compose service names.
    targets = {
        "tvbridge-gateway": f"127.0.0.1:{stack.gateway.port}",
        "tvbridge-executor": f"127.0.0.1:{stack.env['EXECUTOR_METRICS_PORT']}",
    }
    for job in config["scrape_configs"]:
        job["static_configs"] = [{"targets": [targets[job["job_name"]]]}]
    config["global"]["scrape_interval"] = "1s"
    config["global"]["evaluation_interval"] = "1s"
    config["rule_files"] = [str(RULES / "*.yml")]
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    port = free_port()
    log = (tmp_path / "prometheus.log").open("wb")
    proc = subprocess.Popen(
        [
            binary,
            f"--config.file={path}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_port(port, 30)
        url = f"http://127.0.0.1:{port}"
        assert wait_until(lambda: requests.get(f"{url}/-/ready", timeout=2).status_code == 200, timeout_s=30)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def query(url: str, promql: str) -> list[dict[str, Any]]:
    answer = requests.get(f"{url}/api/v1/query", params={"query": promql}, timeout=5).json()
    assert answer["status"] == "success", answer
    result: list[dict[str, Any]] = answer["data"]["result"]
    return result


def value(url: str, promql: str) -> float:
    result = query(url, promql)
    return float(result[0]["value"][1]) if result else 0.0


def test_prometheus_sees_both_services_move_through_a_signal_flow(stack: LocalStack, prometheus: str) -> None:
    assert wait_until(lambda: value(prometheus, 'sum(up{job=~"tvbridge-.*"})') == 2, timeout_s=30)
    # Before any signal: the series exist (initialised at zero), nothing has moved.
    assert query(prometheus, 'tvbridge_gateway_webhooks_total{outcome="executed"}')
    assert value(prometheus, 'sum(tvbridge_executor_orders_total{outcome="executed"})') == 0

    for n in range(3):
        body = {
            "action": "buy",
            "ticker": "BTCUSDT",
            "quantity": 0.001,
            "id": f"prom-{n}",
            "passphrase": PASSPHRASE,
        }
        assert (
            requests.post(f"{stack.gateway_url}/webhook", data=json.dumps(body), timeout=10).status_code
            == 200
        )
    heartbeat = {"action": "heartbeat", "strategy": "ema", "passphrase": PASSPHRASE}
    requests.post(f"{stack.gateway_url}/webhook", data=json.dumps(heartbeat), timeout=10)

    moved = {
        'sum(tvbridge_gateway_webhooks_total{outcome="executed"})': 3,
        'sum(tvbridge_executor_orders_total{venue="bingx", side="buy", outcome="executed"})': 3,
        'sum(tvbridge_gateway_signal_stage_seconds_count{stage="venue"})': 3,
        'sum(tvbridge_gateway_signals_finished_total{status="executed"})': 3,
        'sum(tvbridge_executor_rpcs_total{method="ExecuteSignal", code="OK"})': 3,
        "sum(tvbridge_executor_venue_request_duration_seconds_count)": 3,
        'sum(tvbridge_gateway_heartbeats_total{strategy="other"})': 1,
    }
    assert wait_until(lambda: all(value(prometheus, q) >= n for q, n in moved.items()), timeout_s=30), {
        q: value(prometheus, q) for q in moved
    }
    assert value(prometheus, "tvbridge_executor_trading_enabled") == 1
    # The backlog gauge is refreshed every 2 s, and the last outcome is written just after its answer.
    assert wait_until(
        lambda: value(prometheus, "tvbridge_gateway_journal_pending_signals") == 0, timeout_s=15
    )
    # The position keeper, per venue and account: the simulator's stream is up, reads go well,
    # nothing is unprotected.
    keeper = {
        'tvbridge_executor_stream_connected{venue="bingx", account="default"}': 1.0,
        'tvbridge_executor_stream_down_seconds{venue="bingx", account="default"}': 0.0,
        'tvbridge_executor_watching_rest_only{venue="bingx", account="default"}': 0.0,
        'tvbridge_unprotected_positions{venue="bingx", account="default"}': 0.0,
    }
    assert wait_until(lambda: all(value(prometheus, q) == v for q, v in keeper.items()), timeout_s=30), {
        q: value(prometheus, q) for q in keeper
    }
    assert value(prometheus, 'tvbridge_executor_reconciliations_total{venue="bingx", outcome="ok"}') >= 1
    assert query(prometheus, 'tvbridge_executor_reconcile_differences_total{venue="bingx", kind="fill"}')
    rules = requests.get(f"{prometheus}/api/v1/rules", timeout=5).json()["data"]["groups"]
    loaded = {r["name"] for group in rules for r in group["rules"]}
    assert {"TvbridgeExecutorDown", "TvbridgeStrategySilent", "TvbridgeLatencyBudgetBroken"} <= loaded
    assert {"TvbridgeUnprotectedPosition", "TvbridgeUserStreamDown", "TvbridgeKeeperBlind"} <= loaded
    firing = requests.get(f"{prometheus}/api/v1/alerts", timeout=5).json()["data"]["alerts"]
    assert [a for a in firing if a["labels"]["alertname"] == "TvbridgeExecutorDown"] == []

    # Every dashboard panel's query parses and runs against the real server, and the key ones
    # have data after this flow.
    board = json.loads((ROOT / "deploy" / "grafana" / "dashboards" / "tvbridge.json").read_text("utf-8"))
    empty = []
    for panel in board["panels"]:
        for target in panel.get("targets", []):
            promql = target["expr"].replace("$__rate_interval", "1m")
            if not query(prometheus, promql):
                empty.append(panel["title"])
    assert not {
        "Webhooks by outcome",
        "Orders by venue and outcome",
        "Stage latency p50",
        "Trading switch",
    } & set(empty), empty
