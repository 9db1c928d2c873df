"""The Analytics page in a real Chromium against the real gateway, executor and simulator: three
round trips of two strategies, traded through the webhook, drawn as the equity curve, the
daily PnL bars and the slippage distribution, and tabled per strategy, each as
GET /api/analytics says; a strategy picked in the filter narrows the page and its exports.
Screenshots under test-artifacts/dashboard/ (tests/e2e/browser.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.e2e.browser import chromium, console_errors, find, log_in_at, shot, wait_for
from tools.stack import LocalStack, start_stack

pytestmark = pytest.mark.e2e

API_KEY = "analytics-key-3b7e1d9a5c2f4e80"
SECRET_KEY = "analytics-secret-7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a"
PASSPHRASE = "analytics-passphrase-Wm5tR2"
PASSWORD = "owner-password-Jd8kP3vN"
OWNER = {"Authorization": f"Bearer {PASSPHRASE}"}
# The page's canvases, and what each chart draws from the total.
CHARTS = ("equity-chart", "daily-chart", "slippage-chart")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    running = start_stack(
        tmp_path_factory.mktemp("analytics"),
        api_key=API_KEY,
        secret_key=SECRET_KEY,
        passphrase=PASSPHRASE,
        extra_env={"DASHBOARD_PASSWORD": PASSWORD},
    )
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path_factory.mktemp("downloads")) as driver:
        yield driver


def set_price(stack: LocalStack, venue: str, symbol: str, price: str) -> None:
    with httpx.Client(base_url=stack.simulator_url, verify=stack.venue_ca or True, timeout=10) as sim:
        moved = sim.post("/_sim/price", json={"venue": venue, "symbol": symbol, "price": price})
    assert moved.status_code == 200, moved.text


def trade(stack: LocalStack, signal_id: str, strategy: str, venue: str, **fields: str) -> None:
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    body = {"id": signal_id, "strategy": strategy, "exchange": venue, "time": now, **fields}
    reply = httpx.post(stack.gateway_url + "/webhook", json={**body, "passphrase": PASSPHRASE}, timeout=10)
    assert reply.json()["status"] == "executed", reply.text


def round_trip(
    stack: LocalStack, name: str, strategy: str, venue: str, symbol: str, prices: tuple[str, str]
) -> None:
    """Open long at the first price and close at the second, each alert priced a little off."""
    opened, closed = prices
    set_price(stack, venue, symbol, opened)
    trade(
        stack, name + "-in", strategy, venue, action="buy", symbol=symbol, quantity="0.01", alert_price=opened
    )
    set_price(stack, venue, symbol, closed)
    off = str(round(float(closed) * 1.0004, 2))  # the alert saw a higher price: the close sold below it
    trade(stack, name + "-out", strategy, venue, action="close", symbol=symbol, alert_price=off)


def analytics(stack: LocalStack, **query: str) -> dict[str, Any]:
    reply = httpx.get(stack.gateway_url + "/api/analytics", params=query, headers=OWNER, timeout=10)
    assert reply.status_code == 200, reply.text
    report: dict[str, Any] = reply.json()
    return report


def chart(driver: webdriver.Chrome, canvas: str) -> dict[str, Any]:
    """What Chart.js holds for the canvas, and how much of the canvas it painted."""
    found: dict[str, Any] = driver.execute_script(
        """
        const canvas = document.getElementById(arguments[0]);
        const drawn = window.Chart && Chart.getChart(canvas);
        if (!drawn) return null;
        const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted += 1;
        return {
          type: drawn.config.type,
          labels: drawn.data.labels || [],
          data: drawn.data.datasets[0].data.map((p) => (typeof p === "object" ? p.y : p)),
          painted: painted,
        };
        """,
        canvas,
    )
    return found


def table(driver: webdriver.Chrome) -> dict[str, list[str]]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#strategies tbody tr")
    return {
        str(r.get_attribute("data-strategy")): [c.text for c in r.find_elements(By.TAG_NAME, "td")]
        for r in rows
    }


def test_the_analytics_page_draws_the_ledger(stack: LocalStack, browser: webdriver.Chrome) -> None:
    round_trip(stack, "ema-1", "ema-cross", "bingx", "BTC-USDT", ("60000", "60600"))  # a win
    round_trip(stack, "ema-2", "ema-cross", "bingx", "BTC-USDT", ("60600", "60100"))  # a loss
    round_trip(stack, "brk-1", "breakout", "binance", "ETH-USDT", ("3000", "3090"))  # a win
    report = wait_for(
        lambda: (
            (r := analytics(stack))["total"]["trades"] == 3 and r["total"]["slippage_bps"]["count"] == 6 and r
        ),
        20,
        "the three round trips in the ledger",
    )
    total = report["total"]
    assert list(report["strategies"]) == ["breakout", "ema-cross"]
    assert (total["wins"], total["losses"]) == (2, 1)

    driver = browser
    base = stack.gateway_url
    log_in_at(driver, base + "/dashboard/analytics", PASSWORD)
    assert "active" in (find(driver, '[data-nav="analytics"]').get_attribute("class") or "")
    wait_for(lambda: len(table(driver)) == 2, 10, "a row per strategy")
    rows = table(driver)
    for name, figures in report["strategies"].items():
        cells = rows[name]
        assert (cells[0], cells[1], cells[6]) == (name, str(figures["trades"]), figures["net_pnl"])
    assert find(driver, '[data-figure="net_pnl"]').text == total["net_pnl"]
    assert find(driver, '[data-figure="trades"]').text == "3"

    def drawn(canvas: str) -> dict[str, Any]:
        found: dict[str, Any] = wait_for(lambda: chart(driver, canvas), 10, canvas)
        return found

    equity, daily, slippage = (drawn(canvas) for canvas in CHARTS)
    assert equity["type"] == "line"
    assert equity["data"] == pytest.approx([float(p["equity"]) for p in total["equity_curve"]])
    assert len(equity["data"]) >= 6  # a point per fill moment
    assert (daily["type"], daily["labels"]) == ("bar", [d["date"] for d in total["daily_pnl"]])
    assert daily["data"] == pytest.approx([float(d["net_pnl"]) for d in total["daily_pnl"]])
    assert slippage["type"] == "bar" and sum(slippage["data"]) == 6  # every fill in a band
    for picture in (equity, daily, slippage):
        assert picture["painted"] > 1000, picture  # real pixels on the canvas, not an empty box
    shot(driver, "20-analytics")

    # One strategy: the figures, the charts and the exports follow the filter.
    box = find(driver, "#a-strategy")
    box.send_keys("breakout")
    wait_for(lambda: list(table(driver)) == ["breakout"], 10, "the filtered table")
    wait_for(lambda: "strategy=breakout" in driver.current_url, 5, "the filter in the address")
    breakout = report["strategies"]["breakout"]
    wait_for(
        lambda: find(driver, '[data-figure="net_pnl"]').text == breakout["net_pnl"], 5, "the strategy's total"
    )
    assert chart(driver, "equity-chart")["data"] == pytest.approx(
        [float(p["equity"]) for p in breakout["equity_curve"]]
    )
    for export in ("#export-csv", "#export-json"):
        assert "strategy=breakout" in (find(driver, export).get_attribute("href") or "")
    exported = httpx.get(base + "/trades.json", params={"strategy": "breakout"}, headers=OWNER, timeout=10)
    assert [f["strategy"] for f in exported.json()["fills"]] == ["breakout", "breakout"]
    shot(driver, "21-analytics-one-strategy")
    errors = console_errors(driver)
    assert not errors, errors
