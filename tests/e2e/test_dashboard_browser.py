"""The dashboard as its owner uses it: a real Chromium against the real gateway, executor and
simulator processes. Each page is saved as a screenshot under test-artifacts/dashboard/
(tests/e2e/browser.py)."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from common.decimals import plain
from executor.venues.binance.adapter import BinanceAdapter
from tests.e2e.browser import chromium, console_errors, find, log_in_at, shot, text, wait_for
from tools.stack import LocalStack, start_stack

pytestmark = pytest.mark.e2e

API_KEY = "browser-key-5c2e9a7d31f04b68"
SECRET_KEY = "browser-secret-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"
PASSPHRASE = "browser-passphrase-Tq4vN8"
PASSWORD = "owner-password-Hx3mR7wQ"
# The Positions page's ladder: 40/30/20 % of the entry, the rest a runner (the simulator's ETH
# steps: 0.01 in quantity and in price).
LADDER_QTY = Decimal("0.10")
LADDER_SHARES = [Decimal("0.04"), Decimal("0.03"), Decimal("0.02")]
ETH_TICK = Decimal("0.01")
PRICE_STEP = Decimal("0.0025")  # a walk's step, a fraction of the price: each trigger sees it


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    running = start_stack(
        tmp_path_factory.mktemp("dashboard"),
        api_key=API_KEY,
        secret_key=SECRET_KEY,
        passphrase=PASSPHRASE,
        extra_env={"DASHBOARD_PASSWORD": PASSWORD, "STRATEGIES": "ema-cross"},
    )
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[webdriver.Chrome]:
    with chromium(downloads) as driver:
        yield driver


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


def confirm(driver: WebDriver, reason: str | None = None, screenshot: str | None = None) -> None:
    wait_for(
        lambda: find(driver, "#confirm").is_displayed() and find(driver, "#confirm-ok").is_enabled(),
        5,
        "dialog",
    )
    if reason is not None:
        find(driver, "#confirm-reason").send_keys(reason)
    if screenshot is not None:
        shot(driver, screenshot)
    find(driver, "#confirm-ok").click()
    wait_for(lambda: not find(driver, "#confirm").is_displayed(), 5, "the dialog to close")


def send_from_form(driver: WebDriver, base: str, *, symbol: str, size: str, test: bool = True) -> str:
    """Fill the test form, send it, and return the outcome's status badge text."""
    driver.get(base + "/dashboard/test")
    wait_for(lambda: find(driver, "#t-exchange option"), 10, "the venues in the form")
    Select(find(driver, "#t-action")).select_by_value("buy")
    symbol_box = find(driver, "#t-symbol")
    symbol_box.clear()
    symbol_box.send_keys(symbol)
    Select(find(driver, "#t-size-kind")).select_by_value("quantity")
    size_box = find(driver, "#t-size")
    size_box.clear()
    size_box.send_keys(size)
    Select(find(driver, "#t-exchange")).select_by_value("bingx")
    switch = find(driver, "#t-test")
    assert switch.is_selected(), "test mode must be on by default"
    if not test:
        switch.click()
    find(driver, "#t-send").click()
    if not test:
        confirm(driver)
    wait_for(lambda: find(driver, "#t-result-card").is_displayed(), 10, "the outcome")
    return text(driver, "#t-status")


def test_owner_session_in_a_real_browser(
    stack: LocalStack, browser: webdriver.Chrome, downloads: Path
) -> None:
    base = stack.gateway_url
    driver = browser

    # A page behind the login sends the owner to it, and back after.
    driver.get(base + "/dashboard/signals")
    wait_for(lambda: "/login" in driver.current_url, 5, "the login page")
    shot(driver, "01-login")
    find(driver, "#password").send_keys("not-the-password")
    find(driver, "#login-submit").click()
    wait_for(lambda: find(driver, "#login-error").is_displayed(), 5, "the wrong-password message")
    assert "Wrong password" in text(driver, "#login-error")
    console_errors(driver)  # the 401 just seen is the point; any later error is not
    password = find(driver, "#password")
    password.clear()
    password.send_keys(PASSWORD)
    find(driver, "#login-submit").click()
    wait_for(lambda: driver.current_url.endswith("/dashboard/signals"), 5, "the page asked for first")

    # Status at a glance: both venues reached with their keys, trading on, nothing pending.
    driver.get(base + "/dashboard")
    wait_for(
        lambda: len(driver.find_elements(By.CSS_SELECTOR, "#venues tbody tr[data-venue]")) == 2, 15, "venues"
    )
    venues = {
        row.get_attribute("data-venue"): row.text
        for row in driver.find_elements(By.CSS_SELECTOR, "#venues tbody tr[data-venue]")
    }
    assert set(venues) == {"bingx", "binance"}
    for row in venues.values():
        assert "ok" in row and row.count("yes") == 2, row  # connection ok, may read, may trade
    assert text(driver, "#trading-state") == "ON"
    assert text(driver, "#executor-state") == "up"
    assert text(driver, "#backlog-state") == "empty"
    assert "ema-cross (watched)" in text(driver, "#strategies")
    shot(driver, "02-status")

    # A test signal from the form, through the real webhook path.
    assert send_from_form(driver, base, symbol="BTC-USDT", size="0.002") == "executed"
    preview = json.loads(text(driver, "#t-preview"))
    assert preview["action"] == "buy" and preview["quantity"] == "0.002" and preview["test"] is True
    assert PASSPHRASE not in driver.page_source
    outcome = json.loads(text(driver, "#t-result"))
    assert outcome["test"] is True and outcome["sizing"]["quantity"] == "0.002"
    assert [(o["status"], o["quantity"]) for o in outcome["orders"]] == [("PLANNED", "0.002")]
    test_id = outcome["signal_id"]
    shot(driver, "03-test-signal")
    assert not stack.venue_get("/_sim/orders"), "a test signal placed an order"

    # A real order from the form, after the confirmation dialog.
    assert send_from_form(driver, base, symbol="ETH-USDT", size="0.05", test=False) == "executed"
    real = json.loads(text(driver, "#t-result"))
    order_id = real["orders"][0]["order_id"]
    assert real["test"] is False and real["orders"][0]["quantity"] == "0.05"

    # Both appear in the live table, newest first, without a reload.
    driver.get(base + "/dashboard/signals")
    wait_for(lambda: find(driver, f'tr[data-signal-id="{real["signal_id"]}"]'), 10, "the real signal's row")
    rows = driver.find_elements(By.CSS_SELECTOR, "#signals tbody tr")
    assert [r.get_attribute("data-signal-id") for r in rows[:2]] == [real["signal_id"], test_id]
    first = rows[0].text
    assert "executed" in first and "ETH-USDT" in first and order_id in first and "0.05" in first
    shot(driver, "04-signals")
    # A signal sent by TradingView while the page is open arrives on its own.
    sent = stack_webhook(stack, {"id": "tv-live-1", "action": "sell", "symbol": "SOL-USDT", "quantity": "1"})
    assert sent["status"] == "executed"
    wait_for(lambda: find(driver, 'tr[data-signal-id="tv-live-1"]'), 10, "the row to appear without reload")
    # Filters.
    Select(find(driver, "#filter-status")).select_by_value("rejected")
    wait_for(lambda: find(driver, "#signals-empty").is_displayed(), 5, "no rejected signals")
    Select(find(driver, "#filter-status")).select_by_value("")
    find(driver, "#filter-symbol").send_keys("SOL-USDT")
    wait_for(
        lambda: (
            [
                r.get_attribute("data-signal-id")
                for r in driver.find_elements(By.CSS_SELECTOR, "#signals tbody tr")
            ]
            == ["tv-live-1"]
        ),
        5,
        "the symbol filter",
    )
    assert "symbol=SOL-USDT" in driver.current_url  # a filtered view can be bookmarked
    find(driver, "#filter-clear").click()
    wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#signals tbody tr")) == 3, 5, "all rows")

    # The detail view: outcome, stages and the journal entry with the secret removed.
    find(driver, f'tr[data-signal-id="{real["signal_id"]}"] td:nth-child(5)').click()
    wait_for(
        lambda: driver.current_url.endswith("/dashboard/signals/" + real["signal_id"]), 5, "the detail page"
    )
    wait_for(lambda: order_id in text(driver, "#signal-orders"), 5, "the order")
    journal = json.loads(text(driver, "#signal-journal"))
    assert journal["body"]["symbol"] == "ETH-USDT" and journal["attempts"] == 1
    assert journal["body"]["passphrase"] != PASSPHRASE and PASSPHRASE not in driver.page_source
    assert "ms" in text(driver, "#signal-stages")
    shot(driver, "05-signal-detail")

    # The CSV, downloaded as a browser downloads it.
    driver.get(base + "/dashboard/signals")
    wait_for(lambda: find(driver, "#download-csv"), 5, "the download link")
    find(driver, "#download-csv").click()
    csv_file = downloads / "trades.csv"
    wait_for(lambda: csv_file.is_file() and csv_file.read_text(), 10, "trades.csv")
    trades = list(csv.DictReader(io.StringIO(csv_file.read_text())))
    assert {t["order_id"] for t in trades} >= {order_id}
    assert len(trades) == 2  # the ETH buy and the SOL sell; the test signal placed nothing

    # Balances and the open positions the two orders made.
    driver.get(base + "/dashboard/account")
    wait_for(
        lambda: find(driver, '[data-venue="bingx"][data-account="default"] .position-row'), 15, "positions"
    )
    bingx = text(driver, '[data-venue="bingx"][data-account="default"]')
    assert "USDT" in bingx and "ETH-USDT" in bingx and "SOL-USDT" in bingx
    assert find(driver, '[data-venue="binance"][data-account="default"]')
    shot(driver, "06-account")

    # The kill switch, confirmed, audited, and the next signal rejected.
    driver.get(base + "/dashboard")
    wait_for(lambda: find(driver, "#trading-toggle").is_enabled(), 10, "the switch")
    find(driver, "#trading-toggle").click()
    confirm(driver, reason="browser test: stop everything", screenshot="07-switch-confirmation")
    wait_for(lambda: text(driver, "#trading-state") == "OFF", 5, "trading off")
    wait_for(lambda: "stop everything" in text(driver, "#audit"), 5, "the audit entry")
    assert "trading_switch" in text(driver, "#audit")
    wait_for(lambda: text(driver, "#trading-badge") == "trading off", 10, "the navbar badge")
    shot(driver, "08-trading-off")
    assert send_from_form(driver, base, symbol="BTC-USDT", size="0.001") == "rejected"
    refused = json.loads(text(driver, "#t-result"))
    assert refused["error"]["code"] == "trading_disabled"
    shot(driver, "09-rejected-while-off")
    driver.get(base + "/dashboard/signals")
    wait_for(
        lambda: find(driver, f'tr[data-signal-id="{refused["signal_id"]}"][data-status="rejected"]'),
        10,
        "row",
    )
    assert "trading is switched off" in find(driver, f'tr[data-signal-id="{refused["signal_id"]}"]').text

    # Back on, from the same control.
    driver.get(base + "/dashboard")
    wait_for(lambda: text(driver, "#trading-toggle") == "Switch trading on", 10, "the switch")
    find(driver, "#trading-toggle").click()
    confirm(driver, reason="done")
    wait_for(lambda: text(driver, "#trading-state") == "ON", 5, "trading on")

    # Whatever an alert carries is shown as text: a strategy named like markup stays a name.
    hostile = "<img src=x onerror=\"document.title='pwned'\">"
    stack_webhook(
        stack,
        {
            "id": "tv-html",
            "action": "buy",
            "symbol": "BTC-USDT",
            "quantity": "0.001",
            "test": True,
            "strategy": hostile,
        },
    )
    driver.get(base + "/dashboard")
    wait_for(lambda: hostile.lower() in text(driver, "#strategies"), 10, "the strategy's name, as text")
    assert not driver.find_elements(By.CSS_SELECTOR, "#strategies img")
    driver.get(base + "/dashboard/signals/tv-html")
    wait_for(lambda: "onerror" in text(driver, "#signal-journal"), 10, "the body, as text")
    assert not driver.find_elements(By.CSS_SELECTOR, "#signal-journal img")
    assert "pwned" not in driver.title

    # Flatten, confirmed: the positions the orders made are closed, trading is off, and the
    # switch's history says why.
    driver.get(base + "/dashboard")
    wait_for(lambda: "stop everything" in text(driver, "#switch-history"), 10, "the switch's history")
    find(driver, "#flatten-all").click()
    confirm(driver, screenshot="09b-flatten-confirmation")
    wait_for(lambda: "positions closed" in text(driver, "#flatten-result"), 15, "the flatten report")
    assert "bingx/default: 0 orders cancelled, 2 positions closed" in text(driver, "#flatten-result")
    wait_for(lambda: text(driver, "#trading-state") == "OFF", 5, "trading off")
    assert stack.venue_get("/_sim/positions?venue_name=bingx") == []
    # The status page reloads after the flatten: its history is redrawn, then read.
    flattened = "flatten all venues/all accounts"
    wait_for(lambda: flattened in text(driver, "#switch-history"), 10, "the flatten's history")

    # Readable on a phone: the page itself never scrolls sideways (wide tables scroll inside).
    driver.set_window_size(390, 844)
    for name, path in (
        ("status", "/dashboard"),
        ("signals", "/dashboard/signals"),
        ("test", "/dashboard/test"),
    ):
        driver.get(base + path)
        time.sleep(0.5)
        width = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], (path, width)
        shot(driver, f"10-phone-{name}")
    driver.set_window_size(1366, 900)

    # Logging out ends the session: the pages send the owner back to the login.
    if find(driver, ".navbar-toggler").is_displayed():
        find(driver, ".navbar-toggler").click()
        wait_for(lambda: find(driver, "#logout").is_displayed(), 5, "the menu")
    find(driver, "#logout").click()
    wait_for(lambda: "/login" in driver.current_url, 5, "the login page")
    driver.get(base + "/dashboard")
    wait_for(lambda: "/login" in driver.current_url, 5, "the login page again")

    errors = console_errors(driver)
    assert not errors, errors


def test_positions_and_fills_in_a_real_browser(stack: LocalStack, browser: webdriver.Chrome) -> None:
    base = stack.gateway_url
    driver = browser
    owner = {"Authorization": f"Bearer {PASSPHRASE}"}
    switched = httpx.post(
        base + "/api/trading", json={"enabled": True, "reason": "positions page"}, headers=owner, timeout=10
    )
    assert switched.status_code == 200, switched.text

    # A position with its stop, opened through the real stack while the page is open.
    log_in_at(driver, base + "/dashboard/positions", PASSWORD)
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, ".account-positions"), 10, "the accounts")
    assert "active" in (find(driver, '[data-nav="positions"]').get_attribute("class") or "")
    opened = stack_webhook(
        stack,
        {
            "id": "tv-guarded-1",
            "exchange": "binance",
            "action": "buy",
            "symbol": "BTC-USDT",
            "quantity": "0.01",
            "sl_pct": "5",
            "strategy": "ema-cross",
        },
    )
    assert opened["status"] == "executed", opened
    [stop] = [o for o in opened["orders"] if o["purpose"] == "stop_loss"]
    row_css = '[data-venue="binance"][data-account="default"] tr.position-row[data-symbol="BTC-USDT"]'
    guard_css = row_css + ' .protective[data-purpose="stop_loss"]'
    wait_for(lambda: find(driver, guard_css), 15, "the position and its stop, without a reload")
    row = text(driver, row_css)
    assert "long" in row and "0.01" in row and "10x" in row, row
    assert text(driver, guard_css) == f"SL {stop['trigger_price']} \u00d7 0.01"
    assert find(driver, row_css).get_attribute("data-unprotected") == "false"
    assert not driver.find_elements(By.CSS_SELECTOR, row_css + " .unprotected")
    binance = find(driver, '[data-venue="binance"][data-account="default"]')
    assert binance.get_attribute("data-watch") == "stream" and "reconciled" in binance.text
    assert not driver.find_elements(By.CSS_SELECTOR, ".watch-banner, .account-error")
    shot(driver, "11-positions")

    # A price move shows in the mark and the unrealised PnL, in colour.
    moved = control(
        stack, "POST", "/_sim/price", {"venue": "binance", "symbol": "BTC-USDT", "price": "61000"}
    )
    assert moved.status_code == 200, moved.text
    pnl_css = row_css + " td:nth-child(6) span"
    wait_for(lambda: "text-success" in (find(driver, pnl_css).get_attribute("class") or ""), 15, "a profit")

    # The stop cancelled by hand, and placing it again refused by the venue: the watch finds the
    # position bare at the next reconciliation (a stream reconnect brings it now) and flags it.
    refuse_stops = {"kind": "http_error", "venue": "binance", "method": "POST", "path": "/fapi/v1/algoOrder"}
    assert control(stack, "PUT", "/_sim/faults", {"rules": [refuse_stops]}).is_success
    by_hand = BinanceAdapter("default", stack.simulator_url, "binance-" + API_KEY, "binance-" + SECRET_KEY)
    try:
        by_hand.cancel_protection(by_hand.rules("BTC-USDT").venue_symbol, stop["order_id"])
    finally:
        by_hand.close()
    wait_for(lambda: not driver.find_elements(By.CSS_SELECTOR, guard_css), 10, "the stop gone from the row")
    assert control(stack, "POST", "/_sim/streams/drop", {"venue": "binance", "refuse_s": 0}).is_success
    wait_for(lambda: find(driver, row_css + " .unprotected"), 20, "the Unprotected badge")
    assert find(driver, row_css).get_attribute("data-unprotected") == "true"
    assert text(driver, row_css + " .protection") == "none"
    shot(driver, "11a-positions-unprotected")
    assert control(stack, "DELETE", "/_sim/faults").is_success

    # A real exit plan under its position, followed as the price walks up: a ladder of three
    # take-profits, the stop to break-even after the first, a trail after the second.
    laddered = stack_webhook(
        stack,
        {
            "id": "tv-ladder-1",
            "exchange": "binance",
            "action": "buy",
            "symbol": "ETH-USDT",
            "quantity": str(LADDER_QTY),
            "sl_pct": "2",
            "take_profit": [
                {"pct": "1", "size_pct": "40"},
                {"pct": "2", "size_pct": "30"},
                {"pct": "3", "size_pct": "20"},
            ],
            "breakeven_after": 1,
            "trailing_pct": "1",
            "trailing_activation_pct": "4",
            "trail_after": 2,
            "strategy": "ema-cross",
        },
    )
    assert laddered["status"] == "executed", laddered
    entry_price = Decimal(next(o for o in laddered["orders"] if o["purpose"] == "entry")["avg_price"])
    sent = [o for o in laddered["orders"] if o["purpose"] == "take_profit"]
    assert [Decimal(o["quantity"]) for o in sent] == LADDER_SHARES, laddered
    assert not [o for o in laddered["orders"] if o["purpose"] == "trailing_stop"], "the trail waits"
    [first_stop] = [o for o in laddered["orders"] if o["purpose"] == "stop_loss"]
    # As decimals travel: plain, no trailing zeros. The stop at break-even is the entry, on the tick.
    even = plain(entry_price.quantize(ETH_TICK, ROUND_DOWN))
    activation = plain((entry_price * Decimal("1.04")).quantize(ETH_TICK, ROUND_DOWN))
    eth_css = '[data-venue="binance"][data-account="default"] tr.position-row[data-symbol="ETH-USDT"]'
    stop_css = eth_css + ' .protective[data-purpose="stop_loss"]:not([data-trail])'
    trail_css = eth_css + " .protective[data-trail]"
    plan_css = '[data-venue="binance"][data-account="default"] tr.plan-row[data-symbol="ETH-USDT"]'
    wait_for(lambda: find(driver, plan_css), 15, "the plan")
    assert text(driver, plan_css + " .trail-state") == "1 % · after take-profit 2"
    assert (
        text(driver, plan_css + " .stop-level") == f"{first_stop['trigger_price']} \u00d7 {plain(LADDER_QTY)}"
    )
    assert "break-even after take-profit 1" in text(driver, plan_css + " .stop-now")

    def done() -> list[str | None]:
        return [
            lv.get_attribute("data-done")
            for lv in driver.find_elements(By.CSS_SELECTOR, plan_css + " tr.ladder-level")
        ]

    # Take-profit 1 fills: its share gone, the stop at break-even for what is left.
    price = walk_price(stack, entry_price, Decimal(sent[0]["trigger_price"]))
    left = plain(LADDER_QTY - LADDER_SHARES[0])
    wait_for(lambda: done() == ["true", "false", "false"], 15, "take-profit 1 done")
    wait_for(lambda: text(driver, stop_css) == f"SL {even} \u00d7 {left}", 15, "the stop moved and shrunk")
    assert "has-plan" in (find(driver, eth_css).get_attribute("class") or "")
    levels = driver.find_elements(By.CSS_SELECTOR, plan_css + " tr.ladder-level")
    for number, (shown, order) in enumerate(zip(levels, sent, strict=True), 1):
        cells = [c.text for c in shown.find_elements(By.CSS_SELECTOR, "td")]
        filled = order["quantity"] if number == 1 else "0"
        assert cells[0] == f"TP{number}", cells
        assert [Decimal(c) for c in cells[1:4]] == [
            Decimal(order["trigger_price"]),
            Decimal(order["quantity"]),
            Decimal(filled),
        ], cells
    assert "done" in levels[0].text and "done" not in levels[1].text
    assert text(driver, plan_css + " .stop-level") == f"{even} \u00d7 {left}"
    assert text(driver, plan_css + " .breakeven") == "break-even"
    assert text(driver, plan_css + " .trail-state") == "1 % · after take-profit 2"
    assert find(driver, plan_css + " .trail").get_attribute("data-waiting") == "true"
    assert not driver.find_elements(By.CSS_SELECTOR, trail_css)
    link = find(driver, plan_css + " a")
    assert str(link.get_attribute("href")).endswith("/dashboard/signals/tv-ladder-1")
    shot(driver, "11c-positions-ladder")

    # Take-profit 2 fills: the trail is placed for the rest, and shows where it activates.
    walk_price(stack, price, Decimal(sent[1]["trigger_price"]))
    left = plain(LADDER_QTY - LADDER_SHARES[0] - LADDER_SHARES[1])
    wait_for(lambda: done() == ["true", "true", "false"], 15, "take-profit 2 done")
    wait_for(
        lambda: text(driver, plan_css + " .trail-state") == f"1 % · activation {activation}",
        15,
        "the trail placed, with its terms",
    )
    assert text(driver, trail_css) == f"Trail 1 % activation {activation} \u00d7 {left}"
    assert find(driver, plan_css + " .trail").get_attribute("data-waiting") == "false"
    wait_for(lambda: text(driver, stop_css) == f"SL {even} \u00d7 {left}", 15, "the stop shrunk again")
    assert text(driver, plan_css + " .stop-level") == f"{even} \u00d7 {left}"
    shot(driver, "11d-positions-ladder-trailing")

    # Back from the drop that found the BTC position bare, before BingX's is dropped.
    binance_css = '[data-venue="binance"][data-account="default"]'
    wait_for(
        lambda: find(driver, binance_css).get_attribute("data-watch") == "stream", 20, "Binance's stream"
    )

    # The BingX stream lost: the account says it is watched through REST alone, until it is back.
    dropped = control(stack, "POST", "/_sim/streams/drop", {"venue": "bingx", "refuse_s": 4})
    assert dropped.status_code == 200 and dropped.json()["dropped"] >= 1, dropped.text
    banner_css = '[data-venue="bingx"][data-account="default"] .watch-banner'
    wait_for(lambda: find(driver, banner_css), 10, "the stream-down banner")
    assert "watching through REST reconciliation" in text(driver, banner_css)
    assert find(driver, '[data-venue="bingx"]').get_attribute("data-watch") == "rest"
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-venue="binance"] .watch-banner')
    shot(driver, "11b-positions-stream-down")
    wait_for(lambda: not driver.find_elements(By.CSS_SELECTOR, banner_css), 30, "the stream back")

    # Readable on a phone: the table scrolls inside its card, not the page.
    driver.set_window_size(390, 844)
    time.sleep(0.5)
    width = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    shot(driver, "12-phone-positions")
    driver.set_window_size(1366, 900)

    # The fills of the ledger, newest first, each with its source and signal.
    driver.get(base + "/dashboard/fills")
    entry_css = 'tr.fill-row[data-source="signal"][data-symbol="BTC-USDT"]'
    wait_for(lambda: find(driver, entry_css), 15, "the entry's fill")
    entry = find(driver, entry_css)
    assert "binance" in entry.text and "buy" in entry.text and "ema-cross" in entry.text, entry.text
    link = entry.find_element(By.CSS_SELECTOR, "a")
    assert str(link.get_attribute("href")).endswith("/dashboard/signals/tv-guarded-1")
    assert str(find(driver, "#download-csv").get_attribute("href")).endswith("/trades.csv")
    shot(driver, "13-fills")
    find(driver, "#fill-symbol").send_keys("DOGE-USDT")
    wait_for(lambda: find(driver, "#fills-empty").is_displayed(), 5, "no DOGE fills")
    assert "symbol=DOGE-USDT" in driver.current_url
    find(driver, "#fill-clear").click()
    wait_for(lambda: find(driver, entry_css), 5, "the rows back")
    find(driver, "#fill-strategy").send_keys("ema-cross")

    def only_ema_cross() -> bool:
        rows = driver.find_elements(By.CSS_SELECTOR, "#fills tbody tr")
        return bool(rows) and all("ema-cross" in r.text for r in rows)

    wait_for(
        only_ema_cross,
        5,
        "the strategy filter",
    )
    errors = console_errors(driver)
    assert not errors, errors


def control(stack: LocalStack, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
    """A call to the simulator's /_sim control API, trusting its CA."""
    with httpx.Client(base_url=stack.simulator_url, verify=stack.venue_ca or True, timeout=10) as sim:
        return sim.request(method, path, json=body)


def walk_price(stack: LocalStack, start: Decimal, to: Decimal) -> Decimal:
    """Binance's ETH-USDT price walked up from `start` to just past `to`, step by step; where
    it stopped."""
    price = start
    while price <= to:
        price = (price * (1 + PRICE_STEP)).quantize(ETH_TICK, ROUND_DOWN)
        moved = control(
            stack, "POST", "/_sim/price", {"venue": "binance", "symbol": "ETH-USDT", "price": str(price)}
        )
        assert moved.status_code == 200, moved.text
    return price


def stack_webhook(stack: LocalStack, body: dict[str, Any]) -> dict[str, Any]:
    reply = httpx.post(stack.gateway_url + "/webhook", json={**body, "passphrase": PASSPHRASE}, timeout=10)
    result: dict[str, Any] = reply.json()
    return result
