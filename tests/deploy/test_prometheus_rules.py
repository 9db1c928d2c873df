"""The Prometheus config and alert rules, checked and unit-tested by promtool itself."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from tests.support.metric_names import exported_names
from tests.support.required import required
from tools.processes import ROOT

PROMETHEUS = ROOT / "deploy" / "prometheus"


def promtool() -> str:
    return required("promtool", shutil.which("promtool"), ".ci/run installs Debian's prometheus package")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *args], cwd=PROMETHEUS, capture_output=True, text=True, check=False, timeout=60
    )


def test_the_config_and_its_rules_are_valid() -> None:
    checked = run("check", "config", "prometheus.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS" in checked.stdout


def test_every_alert_rule_passes_its_unit_tests() -> None:
    tested = run("test", "rules", "tests/tvbridge.test.yml")
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_alert_rule_has_a_unit_test() -> None:
    rules = yaml.safe_load((PROMETHEUS / "rules" / "tvbridge.rules.yml").read_text(encoding="utf-8"))
    alerts = {r["alert"] for group in rules["groups"] for r in group["rules"] if "alert" in r}
    tests = yaml.safe_load((PROMETHEUS / "tests" / "tvbridge.test.yml").read_text(encoding="utf-8"))
    firing = {
        case["alertname"]
        for test in tests["tests"]
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert alerts == firing, f"alerts without a firing test: {alerts - firing}"


def test_the_rules_only_use_metrics_the_services_export() -> None:
    exported = exported_names()
    text = (PROMETHEUS / "rules" / "tvbridge.rules.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"tvbridge_[a-z0-9_]+", text))
    assert used <= exported, used - exported


def test_scrape_targets_name_both_services() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text(encoding="utf-8"))
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert {"tvbridge-gateway", "tvbridge-executor"} <= set(jobs)
    assert Path(PROMETHEUS / "rules").is_dir()
