"""The Telegram commands' core without HTTP: a chat's text in, the reply out, over a real
journal and stand-ins for the services it asks (the loop over the fake Bot API is in
test_telegram.py). Also the Bot API's JSON both ways, and the client's errors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest

from common.errors import ErrorClass, TvbridgeError
from common.pauses import PauseChange, PauseEvent
from common.trading import Position, PositionSide
from gateway.core.controls import TradingStatus
from gateway.core.execution import ExecutionError, OrderPurpose
from gateway.core.fills import FillFilter
from gateway.core.keeper import AccountPositions, KeptPosition, ProtectiveOrder
from gateway.core.signal import Venue
from gateway.journal.aio import AsyncJournal
from gateway.journal.store import Journal
from gateway.telegram import replies, wire
from gateway.telegram.client import BotApi
from gateway.telegram.commands import Button, Commands, Incoming, Reply, parse, redact
from gateway.telegram.poller import MAX_BACKOFF_S, backoff_s
from tools.processes import free_port

T = TypeVar("T")
OWNER = 4242
NOW = 1_794_968_000_000  # 2026-11-18 02:13:20 UTC
UNREACHABLE = TvbridgeError(ErrorClass.EXECUTOR_UNAVAILABLE, "the executor is unreachable")
EMPTY = {"net_pnl": "0", "realized_pnl": "0", "fees": "0", "trades": 0, "win_rate": None}


class Services:
    """The switch, pauses, watch and figures the commands ask, as plain records."""

    def __init__(self) -> None:
        self.trading = TradingStatus(True)
        self.pauses: list[PauseEvent] = []
        self.accounts: list[AccountPositions] | TvbridgeError = [
            AccountPositions(Venue.BINGX, "default", [], True)
        ]
        self.flattened: list[tuple[Venue | None, str, str]] = []
        self.changes: list[tuple[str, str, str, str, str]] = []
        self.applied = True
        self.asked: list[FillFilter] = []

    async def recorded(self) -> Any:
        return self.trading

    async def flatten(self, venue: Venue | None, account: str, actor: str) -> dict[str, Any]:
        self.flattened.append((venue, account, actor))
        return {"summary": "bingx/default: 0 orders cancelled, 1 position closed"}

    async def ready(self) -> bool:
        return not isinstance(self.accounts, TvbridgeError)

    async def positions(self, venue: Venue | None, account: str) -> list[AccountPositions]:
        if isinstance(self.accounts, TvbridgeError):
            raise self.accounts
        return self.accounts

    async def analytics(self, filters: FillFilter) -> dict[str, Any]:
        self.asked.append(filters)
        return {"total": EMPTY, "strategies": {}}


class PauseBook:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def recorded(self) -> list[PauseEvent]:
        return self.services.pauses

    async def pause(self, venue: str, account: str, strategy: str, actor: str) -> dict[str, Any]:
        self.services.changes.append(("pause", venue, account, strategy, actor))
        return {"applied": self.services.applied}

    async def resume(self, venue: str, account: str, strategy: str, actor: str) -> dict[str, Any]:
        self.services.changes.append(("resume", venue, account, strategy, actor))
        return {"applied": self.services.applied}


class Harness:
    def __init__(self, path: Path) -> None:
        store = Journal(f"sqlite:///{path / 'j.db'}")
        store.migrate()
        self.store = store
        self.journal = AsyncJournal(store)
        self.services = Services()
        self.clock = [NOW]
        self.commands = Commands(
            frozenset({OWNER, -100}),
            switch=self.services,
            pauses=PauseBook(self.services),
            watch=self.services,
            figures=self.services,
            journal=self.journal,
            clock=lambda: self.clock[0],
        )
        self.loop = asyncio.new_event_loop()

    def run(self, make: Callable[[], Coroutine[Any, Any, T]]) -> T:
        return self.loop.run_until_complete(make())

    def say(self, text: str, chat_id: int = OWNER, *, button: bool = False) -> Reply:
        return self.run(lambda: self.commands.handle(Incoming(chat_id, "owner", text, button)))

    def close(self) -> None:
        self.loop.close()
        self.journal.close()


@pytest.fixture
def h(tmp_path: Path) -> Iterator[Harness]:
    harness = Harness(tmp_path)
    yield harness
    harness.close()


def code_of(reply: Reply) -> str:
    [button] = reply.buttons
    return button.data.removeprefix("confirm:")


def test_a_flatten_confirmed_in_time_runs_once_and_a_late_one_expires(h: Harness) -> None:
    asked = h.say("/flatten binance main")
    assert asked.text.startswith("Flatten binance/main? ") and "(no position open now)" in asked.text
    h.clock[0] += 59_999
    done = h.say(f"/confirm {code_of(asked)}")
    assert (done.command, done.outcome) == ("confirm", "done")
    assert h.services.flattened == [(Venue.BINANCE, "main", f"telegram:{OWNER}")]

    late = h.say("/flatten")
    h.clock[0] += 60_000  # the confirmation's 60 s are over
    expired = h.say(f"confirm:{code_of(late)}", button=True)
    assert (expired.outcome, expired.text) == (
        "expired",
        "Expired: a flatten must be confirmed within 60 s. Send /flatten again.",
    )
    assert len(h.services.flattened) == 1
    # Expired stays expired; the code was never used.
    assert h.say(f"/confirm {code_of(late)}").outcome == "expired"
    details = [(a["action"], a["detail"]) for a in reversed(h.store.audit_trail())]
    assert details[-2:] == [
        ("telegram", f"confirm:{code_of(late)}: expired"),
        ("telegram", f"/confirm {code_of(late)}: expired"),
    ]


def test_an_unreachable_executor_is_said_and_nothing_is_paused(h: Harness) -> None:
    h.services.accounts = UNREACHABLE
    h.services.trading = TradingStatus(False, datetime(2026, 11, 18, 1, 5, tzinfo=UTC), "api", "flatten all")
    assert h.say("/status").text == (
        "Trading: OFF since 2026-11-18 01:05 UTC by api (flatten all)\n"
        "Executor: UNREACHABLE\n"
        "Watch: unknown (executor_unavailable: the executor is unreachable)\n"
        "Open positions: unknown\n"
        "Pauses: none\n"
        "Today: net 0.00 · realized 0.00 · fees 0.00 · 0 trades"
    )
    assert h.services.asked[-1] == FillFilter(since_ms=NOW // 86_400_000 * 86_400_000)
    paused = h.say("/pause")
    assert (paused.outcome, paused.text) == (
        "failed",
        "Not paused: the accounts are not known (executor_unavailable: the executor is unreachable)",
    )
    assert h.services.changes == []
    assert h.say("/positions").text == "Positions not read: executor_unavailable: the executor is unreachable"
    assert h.say("/flatten").text == (
        "Flatten all venues/all accounts: nothing done, executor_unavailable: the executor is unreachable"
    )


def test_pause_every_account_and_resume_what_is_in_force(h: Harness) -> None:
    h.services.accounts = [
        AccountPositions(Venue.BINGX, "default", [], True),
        AccountPositions(Venue.BINANCE, "main", [], False, stream_down_since_ms=NOW),
    ]
    h.services.applied = False
    assert h.say("/pause").text == (
        "Paused entries on bingx/default, binance/main until /resume. "
        "Closes, take-profits and stops still pass.\n"
        "Recorded; the executor is unreachable and takes it when it is back."
    )
    actor = f"telegram:{OWNER}"
    assert h.services.changes == [
        ("pause", "bingx", "default", "", actor),
        ("pause", "binance", "main", "", actor),
    ]
    assert h.say("/resume").text == "Nothing to resume: no pause in force."
    h.services.applied = True
    h.services.pauses = [
        PauseEvent(PauseChange.OWNER_PAUSED, "bingx", "default", "", NOW, actor=actor),
        PauseEvent(
            PauseChange.PAUSED, "bingx", "default", "", NOW, NOW + 1, "RISK_MAX_DAILY_LOSS_USDT", "lost"
        ),
        PauseEvent(PauseChange.OWNER_PAUSED, "binance", "main", "scalper", NOW, actor=actor),
    ]
    status = h.say("/status").text.splitlines()
    assert status[2:7] == [
        "Watch: bingx/default stream · binance/main REST only since 2026-11-18 02:13 UTC",
        "Open positions: 0",
        "Pauses: 3",
        f"- bingx/default paused by {actor} until resumed",
        "- bingx/default paused until 2026-11-18 02:13 UTC: lost",
    ]
    assert h.say("/resume SCALPER").text == "Resumed binance/main strategy scalper: entries are taken again."
    assert h.say("/resume").text == (
        "Resumed bingx/default, binance/main strategy scalper: entries are taken again."
    )
    assert [c[:4] for c in h.services.changes[2:]] == [
        ("resume", "binance", "main", "scalper"),
        ("resume", "bingx", "default", ""),
        ("resume", "binance", "main", "scalper"),
    ]
    assert h.say("/pause a b").text == "Usage: /pause [strategy]"


def test_a_position_says_its_side_size_entry_and_every_guard() -> None:
    def guard(purpose: OrderPurpose | None, trigger: str | None, **kw: Any) -> ProtectiveOrder:
        price = Decimal(trigger) if trigger else None
        return ProtectiveOrder(
            "1", "tvb1", purpose, None, None, price, True, None, kw.pop("kind", "STOP"), **kw
        )

    d = Decimal
    short = Position(
        "ETH-USDT", "ETHUSDT", PositionSide.SHORT, d("-0.50"), d("3000.5"), d(2990), d("-4.994"), 5, None
    )
    kept = KeptPosition(
        short,
        [
            guard(OrderPurpose.STOP_LOSS, "3100"),
            guard(
                OrderPurpose.TRAILING_STOP, None, callback_pct=Decimal("1.5"), activation_price=Decimal(2900)
            ),
            guard(None, "2800", kind="TAKE_PROFIT_MARKET"),
        ],
        unprotected=True,
    )
    assert replies.position_line("binance/main", kept) == (
        "binance/main ETH-USDT short 0.50 @ 3000.5 · uPnL -4.99 · UNPROTECTED · SL 3100 · "
        "trail 1.5% from 2900 · TAKE_PROFIT_MARKET 2800"
    )
    bare = KeptPosition(Position("BTC-USDT", "BTCUSDT", None, d("0.001"), d(60000), d(60000), d(0), 10, None))
    assert replies.position_line("bingx/default", bare).endswith("· uPnL 0.00 · no stop or take-profit")
    failed = AccountPositions(
        Venue.BINGX, "x", [], False, error=ExecutionError(ErrorClass.VENUE_UNAVAILABLE, "down")
    )
    assert replies.positions([failed]) == "bingx/x: not read (venue_unavailable: down)"


def test_commands_are_read_as_telegram_writes_them() -> None:
    assert parse(Incoming(1, "", "/PnL@tvbridge_bot 7d")) == ("pnl", ["7d"])
    assert parse(Incoming(1, "", "/start")) == ("help", [])
    assert parse(Incoming(1, "", "  /flatten   bingx  main ")) == ("flatten", ["bingx", "main"])
    assert parse(Incoming(1, "", "status")) == ("unknown", [])
    assert parse(Incoming(1, "", "confirm:123456", button=True)) == ("confirm", ["123456"])
    assert parse(Incoming(1, "", "/status", button=True)) == ("unknown", [])
    assert redact("/pause scalper 7301234567:AAH-fake-0123456789abcdef pw") == "/pause scalper *** pw"
    assert (
        redact("/pause a-very-long-strategy-name-without-digits")
        == "/pause a-very-long-strategy-name-without-digits"
    )


def test_the_bot_api_json_both_ways() -> None:
    updates = wire.updates_from(
        [
            {"update_id": 5, "message": {"chat": {"id": -100}, "from": {"username": "ann"}, "text": "/help"}},
            {"update_id": 6, "callback_query": {"id": "cb", "from": {"id": 1}, "message": {"chat": {"id": 7}},
                                                 "data": "confirm:1"}},
            {"update_id": 7, "edited_message": {"chat": {"id": 7}, "text": "/flatten"}},
            {"update_id": 8, "message": {"chat": {"id": 7}, "photo": []}},
        ]
    )  # fmt: skip
    assert updates == [
        wire.Update(5, Incoming(-100, "ann", "/help")),
        wire.Update(6, Incoming(7, "", "confirm:1", button=True), callback_id="cb"),
        wire.Update(7, None),
        wire.Update(8, None),
    ]
    with pytest.raises(wire.BotApiError) as caught:
        wire.result(
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests",
                "parameters": {"retry_after": 7},
            },
        )
    assert (caught.value.reason, caught.value.retry_after_s) == ("rate_limited", 7.0)
    with pytest.raises(wire.BotApiError) as caught:
        wire.result(
            409, {"ok": False, "error_code": 409, "description": "Conflict: terminated by other getUpdates"}
        )
    assert caught.value.reason == "conflict"
    with pytest.raises(wire.BotApiError) as caught:
        wire.result(502, None)
    assert (caught.value.reason, caught.value.description) == ("http", "HTTP 502, not a Bot API answer")

    long = Reply("positions", "done", "x" * 5000, (Button("Confirm", "confirm:1"),))
    body = wire.send_message_body(7, long)
    assert len(body["text"]) == 4096 and body["text"].endswith("\n…")
    assert body["reply_markup"] == {"inline_keyboard": [[{"text": "Confirm", "callback_data": "confirm:1"}]]}
    assert wire.get_updates_body(None, 30) == {
        "timeout": 30,
        "allowed_updates": ["message", "callback_query"],
    }


def test_a_failed_call_never_carries_the_token_and_backoff_is_bounded() -> None:
    token = "7301234567:AAH-secret-0123456789abcdefghij"
    api = BotApi(token, f"http://127.0.0.1:{free_port()}", 1)  # nothing listens there

    async def poll() -> None:
        try:
            await api.get_updates(None)
        finally:
            await api.close()

    with pytest.raises(wire.BotApiError) as caught:
        asyncio.run(poll())
    assert caught.value.reason == "network" and token not in str(caught.value)
    # Raised "from None": a traceback never shows httpx's own error, whose text holds the URL.
    assert caught.value.__suppress_context__ and caught.value.__cause__ is None
    waits = [backoff_s(n) for n in range(1, 12)]
    assert (
        0.5 <= waits[0] <= 1.0 and all(w <= MAX_BACKOFF_S for w in waits) and max(waits) >= MAX_BACKOFF_S / 2
    )
