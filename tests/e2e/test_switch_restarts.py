"""The kill switch survives restarts: the journal holds it, the gateway hands it to the executor
on every (re)connect, and an executor that has not been told trades nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from tests.e2e.conftest import PASSPHRASE
from tools.processes import wait_until
from tools.stack import LocalStack

pytestmark = pytest.mark.e2e

AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}


def switch(stack: LocalStack, enabled: bool, reason: str) -> dict[str, Any]:
    resp = requests.post(
        f"{stack.gateway_url}/api/trading",
        json={"enabled": enabled, "reason": reason},
        headers=AUTH,
        timeout=10,
    )
    assert resp.status_code == 200, resp.text
    answer: dict[str, Any] = resp.json()
    return answer


def send_buy(stack: LocalStack, signal_id: str) -> None:
    body = {
        "action": "buy",
        "ticker": "BTCUSDT",
        "quantity": "0.002",
        "id": signal_id,
        "passphrase": PASSPHRASE,
    }
    resp = requests.post(f"{stack.gateway_url}/webhook", data=json.dumps(body), timeout=10)
    assert resp.status_code in (200, 202, 409), resp.text


def final_answer(stack: LocalStack, signal_id: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def decided() -> bool:
        seen.update(requests.get(f"{stack.gateway_url}/signals/{signal_id}", headers=AUTH, timeout=5).json())
        return seen.get("status") not in (None, "pending")

    assert wait_until(decided, timeout_s=20, interval_s=0.2), seen
    return seen


def trading(stack: LocalStack) -> dict[str, Any]:
    status = requests.get(f"{stack.gateway_url}/api/status", headers=AUTH, timeout=10).json()
    answer: dict[str, Any] = status["trading"]
    return answer


def our_orders(stack: LocalStack) -> list[dict[str, Any]]:
    orders: list[dict[str, Any]] = stack.venue_get("/_sim/orders?venue_name=bingx")
    return orders


def test_the_switch_survives_kill_9_of_both_services(stack: LocalStack) -> None:
    switch(stack, False, "maintenance")
    stack.gateway.kill9()
    stack.executor.kill9()
    stack.start_executor()
    stack.start_gateway()
    assert wait_until(stack.ready, timeout_s=30)

    send_buy(stack, "after-restart")
    answer = final_answer(stack, "after-restart")
    assert (answer["status"], answer["error"]["code"]) == ("rejected", "trading_disabled")
    assert our_orders(stack) == []

    state = trading(stack)
    assert (state["enabled"], state["actor"], state["reason"], state["recorded"]) == (
        False,
        "api",
        "maintenance",
        True,
    )
    assert [(h["enabled"], h["reason"]) for h in state["history"]] == [(False, "maintenance")]
    assert state["executor"] == {"enabled": False, "awaiting_gateway": False, "in_sync": True}


def test_an_executor_restarted_alone_comes_back_off_before_any_signal_trades(stack: LocalStack) -> None:
    switch(stack, False, "news at 14:30")
    stack.executor.kill9()
    # Journalled while the executor is down, delivered the moment it is back: the race the
    # hand-over must win. The new executor starts off and refuses until it is told.
    send_buy(stack, "during-restart")
    stack.start_executor()
    answer = final_answer(stack, "during-restart")
    assert (answer["status"], answer["error"]["code"]) == ("rejected", "trading_disabled")
    assert our_orders(stack) == []
    assert wait_until(lambda: trading(stack)["executor"].get("in_sync") is True, timeout_s=10)

    # And on again: the same executor, now told, trades.
    switch(stack, True, "news over")
    send_buy(stack, "switched-on")
    assert final_answer(stack, "switched-on")["status"] == "executed"
    assert [(h["enabled"], h["reason"]) for h in trading(stack)["history"]] == [
        (True, "news over"),
        (False, "news at 14:30"),
    ]
