"""The journal's group commit on a real database: writes that queue together share one commit,
each caller hears back only after it, a failed write fails alone, and a failed commit answers
no caller with success."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from sqlalchemy.engine import Connection

from common.errors import ErrorClass
from gateway.config import GatewaySettings
from gateway.core.dispatcher import Dispatcher
from gateway.core.execution import Execution
from gateway.core.signal import Signal
from gateway.core.webhook import WebhookService
from gateway.journal.aio import AsyncJournal
from gateway.journal.records import Admission, NewSignal, Outcome, now_ms
from gateway.journal.store import Journal


@pytest.fixture
def journal(journal_url: str) -> Iterator[AsyncJournal]:
    store = Journal(journal_url)
    store.migrate()
    journal = AsyncJournal(store)
    yield journal
    journal.close()


def new(signal_id: str, **fields: Any) -> NewSignal:
    return NewSignal(signal_id, "pending", "{}", now_ms(), dedupe_key=f"id:{signal_id}", **fields)


class Commits:
    """Counts the commits the database is asked for; those numbered in `failing` raise, as a
    commit that cannot reach the disk would, and leave nothing written."""

    def __init__(self, journal: AsyncJournal, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self.failing: set[int] = set()
        dialect = journal.journal.engine.dialect
        real = dialect.do_commit

        def do_commit(dbapi_connection: Any) -> None:
            self.count += 1
            if self.count in self.failing:
                raise sa.exc.OperationalError("COMMIT", None, OSError(5, "Input/output error"))
            real(dbapi_connection)

        monkeypatch.setattr(dialect, "do_commit", do_commit)


async def held(journal: AsyncJournal) -> tuple[asyncio.Future[None], threading.Event]:
    """A write that keeps the writer busy until released, so what is asked meanwhile queues."""
    started, release = threading.Event(), threading.Event()

    def step(_conn: Connection) -> None:
        started.set()
        release.wait(10)

    busy = asyncio.ensure_future(journal.write(step))
    await asyncio.to_thread(started.wait, 10)
    return busy, release


async def queued(*calls: Any) -> list[asyncio.Task[Any]]:
    tasks = [asyncio.ensure_future(call) for call in calls]
    await asyncio.sleep(0)  # each has put its write on the queue
    return tasks


def test_writes_that_queue_together_share_one_commit_and_resolve_in_order(
    journal: AsyncJournal, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits = Commits(journal, monkeypatch)
    resolved: list[str] = []

    def noted(name: str, _done: asyncio.Task[Admission]) -> None:
        resolved.append(name)

    async def scenario() -> None:
        busy, release = await held(journal)
        tasks = await queued(*(journal.admit(new(f"s-{n}")) for n in range(50)))
        for n, task in enumerate(tasks):
            task.add_done_callback(partial(noted, f"s-{n}"))
        assert not any(t.done() for t in tasks)  # nobody hears back before the commit
        release.set()
        await busy
        admissions = await asyncio.gather(*tasks)
        assert all(a.new for a in admissions)

    asyncio.run(scenario())
    assert commits.count == 2  # the held write's, then the 50 admissions' one
    assert resolved == [f"s-{n}" for n in range(50)]  # in the order they were asked for
    assert len(journal.journal.pending()) == 50


def test_a_failed_commit_answers_no_caller_with_success(
    journal: AsyncJournal, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits = Commits(journal, monkeypatch)

    async def scenario() -> None:
        busy, release = await held(journal)
        tasks = await queued(*(journal.admit(new(f"lost-{n}")) for n in range(20)))
        commits.failing = {2}  # the held write's commit goes through, the admissions' fails
        release.set()
        await busy
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(o, sa.exc.OperationalError) for o in outcomes), outcomes
        # The writer carries on: the next admission is committed and answered.
        assert (await journal.admit(new("after"))).new

    asyncio.run(scenario())
    assert commits.count == 3
    assert [r["signal_id"] for r in journal.journal.pending()] == ["after"]
    assert all(journal.journal.get(f"lost-{n}") is None for n in range(20))


class CountingExecutor:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def connected(self) -> bool:
        return True

    async def wait_ready(self, timeout_s: float) -> bool:
        return True

    async def execute(self, signal: Signal, *, max_age_ms: int, attempt: int = 1) -> Execution:
        self.sent.append(signal.signal_id)
        raise AssertionError("nothing recorded may be sent")


def test_webhooks_whose_commit_failed_are_answered_503_and_nothing_is_sent(
    journal: AsyncJournal, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits = Commits(journal, monkeypatch)
    settings = GatewaySettings(_env_file=None, webhook_passphrase=SecretStr("writer-test-pass"))  # type: ignore[call-arg]
    executor = CountingExecutor()
    dispatcher = Dispatcher(journal, executor, max_age_ms=60_000)
    webhooks = WebhookService(settings, journal, dispatcher)

    def alert(n: int) -> bytes:
        fields = {"action": "buy", "ticker": "BTCUSDT", "quantity": "0.01", "id": f"w-{n}"}
        return json.dumps({**fields, "passphrase": "writer-test-pass"}).encode()

    async def scenario() -> list[Any]:
        busy, release = await held(journal)
        tasks = await queued(*(webhooks.handle(alert(n), client_ip="127.0.0.1") for n in range(20)))
        commits.failing = {2}
        release.set()
        await busy
        return list(await asyncio.gather(*tasks))

    replies = asyncio.run(scenario())
    assert {r.error for r in replies} == {ErrorClass.JOURNAL_UNAVAILABLE}
    assert not any(r.pending for r in replies)
    assert executor.sent == [] and journal.journal.pending() == []


def test_a_failed_write_fails_alone_and_the_others_still_commit_together(
    journal: AsyncJournal, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = journal.journal
    store.admit(NewSignal("elsewhere", "pending", "{}", now_ms()))  # a second gateway's, no key
    commits = Commits(journal, monkeypatch)

    async def scenario() -> list[Any]:
        busy, release = await held(journal)
        tasks = await queued(
            journal.admit(new("a")),
            # Recorded by another writer first: the unique id refuses it, the row is found.
            journal.admit(NewSignal("elsewhere", "pending", "{}", now_ms())),
            # A bad row: no body. Its caller gets the database's refusal, as on its own.
            journal.admit(NewSignal("bad", "pending", None, now_ms())),  # type: ignore[arg-type]
            journal.admit(new("b")),
        )
        release.set()
        await busy
        return await asyncio.gather(*tasks, return_exceptions=True)

    a, elsewhere, bad, b = asyncio.run(scenario())
    assert isinstance(a, Admission) and a.new and isinstance(b, Admission) and b.new
    assert isinstance(elsewhere, Admission) and not elsewhere.new
    assert elsewhere.row["signal_id"] == "elsewhere"
    assert isinstance(bad, sa.exc.IntegrityError)
    assert commits.count == 2  # the failed writes were rolled back, not committed apart
    assert {r["signal_id"] for r in store.pending()} == {"elsewhere", "a", "b"}


def test_a_signal_is_first_finished_once_within_one_commit(journal: AsyncJournal) -> None:
    async def scenario() -> list[bool]:
        await journal.admit(new("s", first_attempt=True))
        busy, release = await held(journal)
        tasks = await queued(
            journal.finish("s", Outcome("executed", {"status": "executed"}), 1),
            journal.finish("s", Outcome("failed", {"status": "failed"}), 1),
        )
        release.set()
        await busy
        return list(await asyncio.gather(*tasks))

    assert asyncio.run(scenario()) == [True, False]
    assert journal.journal.get("s")["status"] == "executed"  # type: ignore[index]


def test_a_lone_write_does_not_wait_for_company(
    journal: AsyncJournal, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits = Commits(journal, monkeypatch)

    async def scenario() -> None:
        for n in range(5):
            assert (await journal.admit(new(f"one-{n}"))).new
            assert commits.count == n + 1  # committed on its own, at once

    asyncio.run(scenario())


def test_a_read_finds_the_writes_asked_for_before_it(journal: AsyncJournal) -> None:
    """The dispatcher answers a webhook, then asks for the outcome's write: a read of the signal
    after that answer must find the outcome, even while the write waits its turn."""

    async def scenario() -> dict[str, Any] | None:
        await journal.admit(new("s", first_attempt=True))
        busy, release = await held(journal)
        [finishing] = await queued(journal.finish("s", Outcome("executed", {"status": "executed"}), 1))
        reading = asyncio.ensure_future(journal.get("s"))
        await asyncio.sleep(0.05)
        assert not reading.done()  # it waits for the finish, held behind the busy write
        release.set()
        await busy
        assert await finishing
        return await reading

    row = asyncio.run(scenario())
    assert row is not None and row["status"] == "executed"
