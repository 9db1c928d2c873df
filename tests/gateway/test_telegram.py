"""Control from Telegram through the gateway's real loop: a local fake of the Bot API over
loopback HTTP (tests/support/fake_telegram.py), the gateway long-polling it, the executor on
the simulator. Every reply is checked word for word."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from pydantic import SecretStr

from executor.server import RunningExecutor
from gateway.app import create_app
from gateway.config import GatewaySettings
from tests.support.fake_telegram import FakeBotApi, fake_bot_api
from tests.support.inproc import RunningSimulator
from tools.processes import wait_until

PASSPHRASE = "telegram-passphrase-0042"
OWNER = 4242
GROUP = -1001234  # a second owner chat: a group
STRANGER = 999
AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}
USAGE = """Commands:
/status - trading switch, executor, streams, pauses, positions, today's PnL
/positions - open positions with their stops and take-profits
/pnl [today|7d|30d] - PnL in total and per strategy
/pause [strategy] - refuse entries on every account (or one strategy's) until /resume
/resume [strategy] - take entries again
/flatten [venue] [account] - switch trading off and close everything (asks to confirm)"""


@pytest.fixture
def bot() -> Iterator[FakeBotApi]:
    with fake_bot_api() as fake:
        yield fake


def settings(executor: RunningExecutor, bot: FakeBotApi, **fields: Any) -> GatewaySettings:
    return GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{executor.port}",
        telegram_bot_token=SecretStr(bot.token),
        telegram_owner_chat_ids=f"{OWNER}, {GROUP}",
        telegram_api_url=bot.url,
        telegram_poll_timeout_s=1,
        **fields,
    )


@pytest.fixture
def client(executor: RunningExecutor, bot: FakeBotApi) -> Iterator[TestClient]:
    with TestClient(create_app(settings(executor, bot))) as c:
        # The keeper's stream is up once the executor has read the account.
        assert wait_until(lambda: watching(c), timeout_s=10)
        yield c


def watching(client: TestClient) -> bool:
    accounts = client.get("/api/positions", headers=AUTH).json()["accounts"]
    return bool(accounts) and all(a["watch"] == "stream" for a in accounts)


def trade(client: TestClient, signal_id: str, **fields: Any) -> dict[str, Any]:
    body = {"ticker": "BTCUSDT", "passphrase": PASSPHRASE, "id": signal_id, **fields}
    answer: dict[str, Any] = client.post("/webhook", json=body).json()
    assert answer["status"] == "executed", answer
    return answer


class Counted:
    """The commands counted since it was made (the registry is the process's)."""

    def __init__(self) -> None:
        self.start = {key: self.now(*key) for key in self.keys()}

    @staticmethod
    def keys() -> list[tuple[str, str]]:
        family = next(m for m in REGISTRY.collect() if m.name == "tvbridge_gateway_telegram_commands")
        return [
            (s.labels["command"], s.labels["outcome"]) for s in family.samples if s.name.endswith("_total")
        ]

    @staticmethod
    def now(command: str, outcome: str) -> float:
        labels = {"command": command, "outcome": outcome}
        return REGISTRY.get_sample_value("tvbridge_gateway_telegram_commands_total", labels) or 0.0

    def __call__(self, command: str, outcome: str) -> float:
        return self.now(command, outcome) - self.start.get((command, outcome), 0.0)


def test_help_status_and_an_unknown_command(client: TestClient, bot: FakeBotApi) -> None:
    counted = Counted()
    assert bot.reply_to(OWNER, "/help") == USAGE
    assert bot.reply_to(OWNER, "/start") == USAGE  # what a chat sends when it first opens the bot
    assert bot.reply_to(OWNER, "/dance") == USAGE
    assert bot.reply_to(OWNER, "hello") == USAGE
    assert bot.reply_to(GROUP, "/status@tvbridge_bot") == (
        "Trading: on\n"
        "Executor: reachable\n"
        "Watch: bingx/default stream\n"
        "Open positions: 0\n"
        "Pauses: none\n"
        "Today: net 0.00 · realized 0.00 · fees 0.00 · 0 trades"
    )
    # Each poll waits the long poll's seconds, and asks only for what the commands read.
    assert {(p["timeout"], tuple(p["allowed_updates"])) for p in bot.polls} == {
        (1, ("message", "callback_query"))
    }
    assert (counted("help", "done"), counted("unknown", "usage"), counted("status", "done")) == (2, 2, 1)
    entries = client.get("/api/audit", headers=AUTH).json()["entries"]
    assert [(e["actor"], e["action"], e["detail"]) for e in entries[:2]] == [
        (f"telegram:{GROUP}", "telegram", "/status@tvbridge_bot: done"),
        (f"telegram:{OWNER}", "telegram", "hello: usage"),
    ]


def price(simulator: RunningSimulator, value: str) -> None:
    body = {"venue": "bingx", "symbol": "BTC-USDT", "price": value}
    requests.post(f"{simulator.url}/_sim/price", json=body, timeout=5).raise_for_status()


def test_positions_and_pnl(client: TestClient, bot: FakeBotApi, simulator: RunningSimulator) -> None:
    assert bot.reply_to(OWNER, "/positions") == "No open positions."
    assert bot.reply_to(OWNER, "/pnl 30d") == (
        "PnL last 30 days\nTotal: net 0.00 · realized 0.00 · fees 0.00 · 0 trades"
    )
    trade(
        client,
        "tg-open",
        action="buy",
        quantity="0.002",
        strategy="scalper",
        stop_loss="58000",
        take_profit="62000",
    )
    price(simulator, "61000")
    assert wait_until(lambda: "uPnL +2.00" in bot.reply_to(OWNER, "/positions"), timeout_s=10)
    assert (
        bot.sent(OWNER)[-1]["text"]
        == "bingx/default BTC-USDT long 0.002 @ 60000 · uPnL +2.00 · TP 62000 · SL 58000"
    )

    trade(client, "tg-close", action="close", strategy="scalper")
    # Bought 0.002 at 60000, sold at 61000: 2.00 made; fees 0.05% of each side, 0.06 + 0.061.
    assert wait_until(lambda: client.get("/api/analytics", headers=AUTH).json()["total"]["trades"] == 1)
    day = "Total: net +1.88 · realized +2.00 · fees 0.12 · 1 trade · win rate 100.00%"
    scalper = "scalper: net +1.88 · realized +2.00 · fees 0.12 · 1 trade · win rate 100.00%"
    assert bot.reply_to(OWNER, "/pnl") == f"PnL today (since 00:00 UTC)\n{day}\n{scalper}"
    assert bot.reply_to(OWNER, "/pnl 7D") == f"PnL last 7 days\n{day}\n{scalper}"
    assert bot.reply_to(OWNER, "/pnl week") == "Usage: /pnl [today|7d|30d]"
    assert bot.reply_to(OWNER, "/status").endswith(
        f"Open positions: 0\nPauses: none\n{day.replace('Total', 'Today')}"
    )


def test_a_stranger_gets_no_reply_and_is_audited(client: TestClient, bot: FakeBotApi) -> None:
    counted = Counted()
    token = "123456:AAF-secret-looking-token-9f8e7d6c5b"
    bot.message(STRANGER, "/status", username="mallory")
    bot.message(STRANGER, f"/flatten bingx {token}", username="mallory")
    bot.press(STRANGER, "confirm:123456", username="mallory")
    # The owner's command after them is answered: the loop has taken the stranger's by then.
    assert bot.reply_to(OWNER, "/help") == USAGE
    assert bot.sent(STRANGER) == [] and bot.answered == []
    entries = client.get("/api/audit", headers=AUTH).json()["entries"]
    assert [(e["actor"], e["action"], e["detail"]) for e in reversed(entries[1:4])] == [
        (f"telegram:{STRANGER}", "telegram_ignored", "@mallory: /status"),
        (f"telegram:{STRANGER}", "telegram_ignored", "@mallory: /flatten bingx ***"),
        (f"telegram:{STRANGER}", "telegram_ignored", "@mallory: confirm:123456"),
    ]
    assert token not in str(entries)
    assert (counted("status", "ignored"), counted("flatten", "ignored"), counted("confirm", "ignored")) == (
        1,
        1,
        1,
    )
    assert client.get("/api/trading", headers=AUTH).json()["enabled"] is True


def test_flatten_asks_and_only_its_own_chat_confirms_it_once(
    client: TestClient, bot: FakeBotApi, simulator: RunningSimulator
) -> None:
    trade(client, "tg-open", action="buy", quantity="0.002", stop_loss="58000", take_profit="62000")
    assert bot.reply_to(OWNER, "/flatten kraken") == "Usage: /flatten [bingx|binance] [account]"
    asked = bot.reply_to(OWNER, "/flatten bingx")
    [message] = [m for m in bot.sent(OWNER) if m["text"] == asked]
    [[button]] = message["reply_markup"]["inline_keyboard"]
    code = button["callback_data"].removeprefix("confirm:")
    assert (button["text"], len(code)) == ("Confirm", 6)
    assert asked == (
        "Flatten bingx/all accounts? Trading is switched off, tvbridge's open orders are cancelled and "
        "every position is closed at market (1 open now: bingx/default BTC-USDT long 0.002).\n"
        f"Confirm within 60 s: tap Confirm, or send /confirm {code}."
    )
    # Another owner's chat cannot confirm it, by button or by code; nothing is done.
    bot.press(GROUP, f"confirm:{code}")
    assert bot.replies(GROUP, 1) == ["Refused: that flatten was asked for in another chat."]
    assert bot.reply_to(GROUP, f"/confirm {code}") == "Refused: that flatten was asked for in another chat."
    assert bot.reply_to(OWNER, "/confirm 000000x") == "No flatten waits for that code."
    assert client.get("/api/trading", headers=AUTH).json()["enabled"] is True

    bot.press(OWNER, f"confirm:{code}")
    done = bot.replies(OWNER, len(bot.sent(OWNER)) + 1)[-1]
    assert done == (
        "Flattened bingx/all accounts: bingx/default: 2 orders cancelled, 1 position closed. "
        "Trading is off until you switch it on (dashboard or POST /api/trading)."
    )
    assert [a["text"] for a in bot.answered] == ["Refused", "Done"]
    assert bot.reply_to(OWNER, f"/confirm {code}") == "Already done: that confirmation was used."
    assert requests.get(f"{simulator.url}/_sim/positions?venue_name=bingx", timeout=5).json() == []
    trading = client.get("/api/trading", headers=AUTH).json()
    assert (trading["enabled"], trading["actor"]) == (False, f"telegram:{OWNER}")
    actions = [(e["actor"], e["action"]) for e in client.get("/api/audit", headers=AUTH).json()["entries"]]
    assert (f"telegram:{OWNER}", "flatten") in actions


def audited(client: TestClient, detail: str) -> int:
    entries = client.get("/api/audit", headers=AUTH, params={"limit": 500}).json()["entries"]
    return sum(1 for e in entries if e["detail"] == detail)


def test_a_restart_polls_on_from_the_journal_and_runs_no_command_twice(
    executor: RunningExecutor, bot: FakeBotApi
) -> None:
    config = settings(executor, bot)
    with TestClient(create_app(config)):
        pause = bot.message(OWNER, "/pause scalper")
        [paused] = bot.replies(OWNER, 1)
        assert paused == (
            "Paused entries on bingx/default for strategy scalper until /resume scalper. "
            "Closes, take-profits and stops still pass."
        )
    # Stopped before its next poll told Telegram the update was read: Telegram hands it out again.
    polls = len(bot.polls)
    with TestClient(create_app(config)) as client:
        assert wait_until(lambda: len(bot.polls) > polls, timeout_s=10)
        assert bot.polls[polls]["offset"] == pause["update_id"] + 1
        bot.replay(pause)
        assert bot.reply_to(OWNER, "/help") == USAGE  # the loop is past the replayed update
        assert [m["text"] for m in bot.sent(OWNER)] == [paused, USAGE]
        assert audited(client, "/pause scalper: done") == 1
        pauses = client.get("/api/risk", headers=AUTH).json()["pauses"]
        assert [(p["strategy"], p["by"], p["actor"]) for p in pauses] == [
            ("scalper", "owner", f"telegram:{OWNER}")
        ]


def test_two_gateways_on_one_journal_answer_each_command_once(
    executor: RunningExecutor, bot: FakeBotApi
) -> None:
    config = settings(executor, bot)
    with TestClient(create_app(config)) as first, TestClient(create_app(config)):
        # Two pollers with one token: Telegram ends the one waiting when the other asks (409).
        assert wait_until(lambda: bot.conflicts > 0, timeout_s=10)
        for n in range(6):
            bot.message(OWNER, f"/pnl 7d {n}")  # a wrong /pnl: its usage line
        assert bot.replies(OWNER, 6) == ["Usage: /pnl [today|7d|30d]"] * 6
        bot.reply_to(OWNER, "/help")  # each of the six was claimed once: no later reply comes
        assert len(bot.sent(OWNER)) == 7
        assert [audited(first, f"/pnl 7d {n}: usage") for n in range(6)] == [1] * 6
    conflicts = REGISTRY.get_sample_value(
        "tvbridge_gateway_telegram_poll_errors_total", {"reason": "conflict"}
    )
    assert conflicts
