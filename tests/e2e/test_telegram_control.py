"""Control from Telegram through the real processes: the gateway long-polls a local fake of the
Bot API (tests/support/fake_telegram.py). The owner's /pause refuses entries on every account
while a close passes; a gateway killed and started again polls on after the last command it
took and runs none twice; /resume lets entries through again. The API's pause does the same."""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import API_KEY, PASSPHRASE, SECRET_KEY
from tests.e2e.test_risk_limits import final
from tests.support.fake_telegram import fake_bot_api
from tools.processes import wait_until
from tools.stack import start_stack

pytestmark = pytest.mark.e2e

AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}
OWNER = 4242
PAUSED = (
    "Paused entries on binance/default, bingx/default until /resume. "
    "Closes, take-profits and stops still pass."
)


def send(url: str, symbol: str, signal_id: str, action: str = "buy") -> dict[str, Any]:
    sized = {"balance": "20"} if action == "buy" else {}
    body = {"action": action, "ticker": symbol, "id": signal_id, "passphrase": PASSPHRASE, **sized}
    requests.post(f"{url}/webhook", data=json.dumps(body), timeout=10)
    return final(url, signal_id)


def test_a_pause_from_telegram_refuses_entries_lets_a_close_pass_and_survives_a_restart(
    tmp_path: Path,
) -> None:
    with fake_bot_api() as bot, ExitStack() as cleanup:
        stack = start_stack(
            tmp_path,
            api_key=API_KEY,
            secret_key=SECRET_KEY,
            passphrase=PASSPHRASE,
            extra_env={
                "LOG_LEVEL": "WARNING",
                "TELEGRAM_BOT_TOKEN": bot.token,
                "TELEGRAM_OWNER_CHAT_IDS": str(OWNER),
                "TELEGRAM_API_URL": bot.url,
                "TELEGRAM_POLL_TIMEOUT_S": "1",
            },
        )
        cleanup.callback(stack.stop)
        url = stack.gateway_url
        assert send(url, "ETHUSDT", "open")["status"] == "executed"

        pause = bot.message(OWNER, "/pause")
        assert bot.replies(OWNER, 1) == [PAUSED]
        refused = send(url, "SOLUSDT", "while-paused")
        assert refused["status"] == "rejected", refused
        assert refused["error"]["code"] == "risk_limit"
        assert refused["error"]["message"] == f"bingx/default is paused by telegram:{OWNER} until resumed"
        assert send(url, "ETHUSDT", "close", "close")["status"] == "executed"
        status = bot.reply_to(OWNER, "/status").splitlines()
        assert status[4:7] == [
            "Pauses: 2",
            f"- binance/default paused by telegram:{OWNER} until resumed",
            f"- bingx/default paused by telegram:{OWNER} until resumed",
        ]

        # Killed before its next poll told Telegram the /pause was read: it is handed out again.
        stack.gateway.kill9()
        polls = len(bot.polls)
        stack.start_gateway()
        assert wait_until(lambda: len(bot.polls) > polls, timeout_s=30)
        assert bot.polls[polls]["offset"] > pause["update_id"]
        bot.replay(pause)
        assert bot.reply_to(OWNER, "/resume") == (
            "Resumed binance/default, bingx/default: entries are taken again."
        )
        assert [m["text"] for m in bot.sent(OWNER)].count(PAUSED) == 1
        entries = requests.get(f"{url}/api/audit", headers=AUTH, params={"limit": 500}, timeout=5).json()[
            "entries"
        ]
        assert [e["detail"] for e in entries].count("/pause: done") == 1
        assert send(url, "SOLUSDT", "resumed")["status"] == "executed"

        # The API pauses the same way.
        body = {"venue": "bingx", "account": "default"}
        paused = requests.post(f"{url}/api/risk/pause", json=body, headers=AUTH, timeout=10)
        assert paused.status_code == 200 and paused.json()["applied"] is True, paused.text
        refused = send(url, "XRPUSDT", "api-paused")
        assert refused["error"]["message"] == "bingx/default is paused by api until resumed"
        assert send(url, "SOLUSDT", "close-sol", "close")["status"] == "executed"
        requests.post(f"{url}/api/risk/resume", json=body, headers=AUTH, timeout=10).raise_for_status()
        assert send(url, "XRPUSDT", "api-resumed")["status"] == "executed"
