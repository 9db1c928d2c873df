"""Risk pauses in the journal, on both engines: migration 0007, a pause written once with the
keeper's news that reported it, a resume that lifts it (audited, pushed, told), and the
events handed to the executor."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from common.errors import ErrorClass, TvbridgeError
from common.pauses import DAY_MS, PauseChange, PauseEvent
from common.trading import NewsKind
from gateway.core.keeper import KeeperRecord
from gateway.core.risk_pauses import RiskPauses
from gateway.journal import engine as db
from gateway.journal import pauses
from gateway.journal.aio import AsyncJournal
from gateway.journal.ledger import Ledger
from gateway.journal.records import now_ms
from gateway.journal.store import Journal
from gateway.notify.events import Event, from_news
from gateway.notify.sender import Notifier
from tests.gateway.ledger_support import news

NOW = now_ms()
UNTIL = (NOW // DAY_MS + 1) * DAY_MS
REASON = "RISK_MAX_DAILY_LOSS_USDT = 100: bingx/default lost 120.5 today (realised 80.5, unrealised 40)"


def paused_news(strategy: str = "") -> Any:
    return news(
        NewsKind.RISK_PAUSED,
        symbol="",
        position_side=None,
        quantity=None,
        price=None,
        detail=REASON,
        time_ms=NOW,
        strategy=strategy,
        limit="RISK_MAX_DAILY_LOSS_USDT",
        until_ms=UNTIL,
    )


class Publishing(Notifier):
    def __init__(self) -> None:
        super().__init__([])
        self.events: list[Event] = []

    def publish(self, event: Event) -> None:
        self.events.append(event)


class PausingExecutor:
    def __init__(self) -> None:
        self.handed: list[list[PauseEvent]] = []
        self.down = False

    async def sync_risk_pauses(self, events: list[PauseEvent]) -> list[PauseEvent]:
        if self.down:
            raise TvbridgeError(ErrorClass.EXECUTOR_UNAVAILABLE, "the executor is unreachable")
        self.handed.append(events)
        return [e for e in events if e.change is not PauseChange.RESUMED]


def test_migration_0007_adds_the_pause_events_and_takes_them_back(journal_url: str) -> None:
    journal = Journal(journal_url)
    try:
        db.upgrade(journal.engine, "0006")
        assert "risk_pause_changes" not in sa.inspect(journal.engine).get_table_names()
        journal.migrate()
        assert pauses.events_since(journal.engine, 0) == []
        db.downgrade(journal.engine, "0006")
        assert "risk_pause_changes" not in sa.inspect(journal.engine).get_table_names()
    finally:
        journal.close()


def test_a_pause_is_journalled_once_with_its_news_and_read_back_whole(journal_url: str) -> None:
    journal = Journal(journal_url)
    journal.migrate()
    try:
        ledger = Ledger(journal.engine)
        record = KeeperRecord("epoch-1", 7, paused_news("Scalper"))
        assert ledger.record("executor", record) is True
        # The same news again (a replay, or a second gateway on this journal): no second pause.
        assert ledger.record("other-gateway", record) is False
        [event] = pauses.events_since(journal.engine, NOW - 1)
        assert event == PauseEvent(
            PauseChange.PAUSED,
            "bingx",
            "default",
            "Scalper",
            NOW,
            UNTIL,
            "RISK_MAX_DAILY_LOSS_USDT",
            REASON,
            "executor",
        )
    finally:
        journal.close()


def test_a_resume_is_journalled_audited_pushed_and_told(journal_url: str) -> None:
    async def scenario() -> None:
        store = Journal(journal_url)
        store.migrate()
        journal = AsyncJournal(store)
        executor, told = PausingExecutor(), Publishing()
        service = RiskPauses(executor, journal, told)
        try:
            Ledger(store.engine).record("executor", KeeperRecord("e", 1, paused_news()))
            held = await service.hand_over()
            assert [(p.account, p.reason) for p in held] == [("default", REASON)]
            status = await service.status()
            assert [p["reason"] for p in status["pauses"]] == [REASON]

            answer = await service.resume("bingx", "default", "", "dashboard")
            assert answer["applied"] is True and answer["pauses"] == []
            [resume] = executor.handed[-1]
            assert (resume.change, resume.actor, resume.strategy) == (PauseChange.RESUMED, "dashboard", "")
            assert [e.text for e in told.events] == ["bingx/default resumed by dashboard"]
            assert [a["action"] for a in store.audit_trail()] == ["risk_resume"]

            # Resumed while the executor is down: journalled, and handed over when it is back.
            Ledger(store.engine).record("executor", KeeperRecord("e", 2, paused_news("scalper")))
            executor.down = True
            answer = await service.resume("bingx", "default", "scalper", "api")
            assert answer["applied"] is False and answer["executor_error"]["code"] == "executor_unavailable"
            executor.down = False
            await service.hand_over()
            changes = [(e.change, e.strategy) for e in executor.handed[-1]]
            assert changes == [
                (PauseChange.PAUSED, ""),
                (PauseChange.PAUSED, "scalper"),
                (PauseChange.RESUMED, ""),
                (PauseChange.RESUMED, "scalper"),
            ]
            assert await service.recorded() == []
        finally:
            journal.close()

    asyncio.run(scenario())


def test_an_owners_pause_is_journalled_audited_pushed_and_handed_over_however_old(journal_url: str) -> None:
    async def scenario() -> None:
        store = Journal(journal_url)
        store.migrate()
        journal = AsyncJournal(store)
        executor, told = PausingExecutor(), Publishing()
        service = RiskPauses(executor, journal, told)
        try:
            answer = await service.pause("bingx", "default", "Scalper", "telegram:42")
            assert answer["applied"] is True
            assert {k: answer["paused"][k] for k in ("strategy", "by", "limit", "actor", "until_ms")} == {
                "strategy": "scalper",
                "by": "owner",
                "limit": "",
                "actor": "telegram:42",
                "until_ms": 0,
            }
            [pushed] = executor.handed[-1]
            assert (pushed.change, pushed.strategy) == (PauseChange.OWNER_PAUSED, "scalper")
            assert [e.text for e in told.events] == [
                "bingx/default strategy scalper paused by telegram:42 until resumed"
            ]
            assert [(a["action"], a["actor"]) for a in store.audit_trail()] == [("risk_pause", "telegram:42")]
            # A second owner's pause, resumed at once: nothing of it stands.
            await service.pause("binance", "default", "", "api")
            await service.resume("binance", "default", "", "api")

            # Three days on, past the hand-over window of the limits' pauses: the standing owner's
            # pause is still handed over (and in force), the lifted one is not.
            later = RiskPauses(executor, journal, told, clock=lambda: now_ms() + 3 * DAY_MS)
            handed = await later.hand_over()
            assert [(p.venue, p.strategy, p.change) for p in handed] == [
                ("bingx", "scalper", PauseChange.OWNER_PAUSED)
            ]
            assert [(p.venue, p.strategy) for p in await later.recorded()] == [("bingx", "scalper")]
            await later.resume("bingx", "default", "scalper", "telegram:42")
            assert await later.recorded() == []
        finally:
            journal.close()

    asyncio.run(scenario())


def test_a_pause_is_told_as_who_stops_trading_until_when_and_why() -> None:
    event = from_news(paused_news("scalper"))
    day = pauses_day(UNTIL)
    assert event.message() == (
        f"tvbridge · RISK PAUSE: strategy scalper on bingx/default takes no entries until {day} 00:00 UTC "
        f"or a resume · {REASON}"
    )
    assert event.details["limit"] == "RISK_MAX_DAILY_LOSS_USDT" and event.details["until_ms"] == UNTIL


def pauses_day(until_ms: int) -> str:
    return datetime.fromtimestamp(until_ms / 1000, tz=UTC).strftime("%Y-%m-%d")
