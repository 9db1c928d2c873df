"""A risk pause on the Status page, in a real Chromium against the real processes: shown with
its limit and figures, and lifted by the owner's Resume. Screenshots under
test-artifacts/dashboard/ (risk-*.png)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.e2e import browser as kit
from tests.e2e import test_dashboard_browser as ui
from tools.processes import wait_until
from tools.stack import LocalStack, start_stack

pytestmark = pytest.mark.e2e

AUTH = {"Authorization": f"Bearer {ui.PASSPHRASE}"}
# The browser of the dashboard's own tests, one per module.
downloads = ui.downloads
browser = ui.browser


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    running = start_stack(
        tmp_path_factory.mktemp("dashboard-risk"),
        api_key=ui.API_KEY,
        secret_key=ui.SECRET_KEY,
        passphrase=ui.PASSPHRASE,
        extra_env={"DASHBOARD_PASSWORD": ui.PASSWORD, "RISK_MAX_CONSECUTIVE_LOSSES": "1"},
    )
    yield running
    running.stop()


def signal(stack: LocalStack, signal_id: str, action: str) -> str:
    body: dict[str, Any] = {
        "action": action,
        "ticker": "ETHUSDT",
        "id": signal_id,
        "passphrase": ui.PASSPHRASE,
    }
    if action == "buy":
        body["quantity"] = "0.1"
    requests.post(f"{stack.gateway_url}/webhook", data=json.dumps(body), timeout=10)
    seen: dict[str, Any] = {}

    def decided() -> bool:
        seen.update(requests.get(f"{stack.gateway_url}/signals/{signal_id}", headers=AUTH, timeout=5).json())
        return seen.get("status") != "pending"

    assert wait_until(decided, timeout_s=20, interval_s=0.2), seen
    return str(seen["status"])


def test_a_risk_pause_is_shown_and_resumed_from_the_status_page(
    stack: LocalStack, browser: webdriver.Chrome
) -> None:
    # A losing trade: the streak limit of one pauses the account.
    assert signal(stack, "open", "buy") == "executed"
    body = {"venue": "bingx", "symbol": "ETH-USDT", "price": "2950"}
    requests.post(f"{stack.simulator_url}/_sim/price", json=body, timeout=5).raise_for_status()
    assert signal(stack, "close", "close") == "executed"

    driver, base = browser, stack.gateway_url
    driver.get(base + "/login")
    kit.find(driver, "#password").send_keys(ui.PASSWORD)
    kit.find(driver, "#login-submit").click()
    kit.wait_for(lambda: driver.current_url.endswith("/dashboard"), 5, "the status page")

    rows = kit.wait_for(
        lambda: driver.find_elements(By.CSS_SELECTOR, "#risk-pauses tr.risk-pause"), 20, "the pause"
    )
    [row] = rows
    assert (row.get_attribute("data-venue"), row.get_attribute("data-account")) == ("bingx", "default")
    assert row.get_attribute("data-limit") == "RISK_MAX_CONSECUTIVE_LOSSES"
    assert "whole account" in row.text
    assert kit.text(driver, "#risk-pauses .risk-reason") == (
        "RISK_MAX_CONSECUTIVE_LOSSES = 1: bingx/default lost its last trade"
    )
    driver.execute_script("document.getElementById('risk-card').scrollIntoView()")
    kit.shot(driver, "risk-01-paused")
    assert signal(stack, "refused", "buy") == "rejected"

    kit.find(driver, "#risk-pauses .risk-resume").click()
    ui.confirm(driver, screenshot="risk-02-resume")
    lifted = "None: entries are taken"
    kit.wait_for(lambda: lifted in kit.text(driver, "#risk-pauses"), 10, "the pause lifted")
    assert kit.text(driver, "#risk-note") == "bingx/default resumed."
    kit.shot(driver, "risk-03-resumed")
    assert kit.console_errors(driver) == []
    assert signal(stack, "after-resume", "buy") == "executed"
    trail = requests.get(f"{base}/api/audit", headers=AUTH, timeout=5).json()["entries"]
    assert any(a["action"] == "risk_resume" and a["actor"] == "dashboard" for a in trail), trail


def test_an_owners_pause_is_shown_until_resumed(stack: LocalStack, browser: webdriver.Chrome) -> None:
    scope = {"venue": "bingx", "account": "default", "strategy": "scalper"}
    paused = requests.post(f"{stack.gateway_url}/api/risk/pause", json=scope, headers=AUTH, timeout=10)
    assert paused.status_code == 200 and paused.json()["applied"] is True, paused.text

    driver = browser
    driver.get(stack.gateway_url + "/dashboard")
    rows = kit.wait_for(
        lambda: driver.find_elements(By.CSS_SELECTOR, "#risk-pauses tr.risk-pause"), 20, "the owner's pause"
    )
    [row] = rows
    assert (row.get_attribute("data-by"), row.get_attribute("data-strategy")) == ("owner", "scalper")
    cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
    assert (cells[2], cells[3], cells[5]) == ("owner", "paused by api", "until resumed")
    driver.execute_script("document.getElementById('risk-card').scrollIntoView()")
    kit.shot(driver, "risk-04-owner-paused")

    kit.find(driver, "#risk-pauses .risk-resume").click()
    ui.confirm(driver, screenshot="risk-05-owner-resume")
    kit.wait_for(
        lambda: "None: entries are taken" in kit.text(driver, "#risk-pauses"), 10, "the pause lifted"
    )
    assert kit.text(driver, "#risk-note") == "bingx/default strategy scalper resumed."
    assert kit.console_errors(driver) == []
