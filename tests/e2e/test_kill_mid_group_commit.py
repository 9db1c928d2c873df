"""kill -9 of the gateway while its journal writer is inside a group commit.

A burst of alerts, each on a new connection, keeps the writer committing admissions and
outcomes in groups. The gateway is killed at a moment seen from outside to be inside a write
transaction (SQLite: its write lock is held; PostgreSQL: its connection holds a transaction id),
with some alerts answered and others not. After a restart: every alert answered with a
signal id is in the journal, every order at the venue belongs to a journalled signal, TradingView's
resends of the unanswered ones place nothing twice, and everything journalled ends final.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Protocol

import psycopg
import pytest

from gateway.journal.records import FINAL
from gateway.journal.store import Journal
from tests.e2e.conftest import API_KEY, PASSPHRASE, SECRET_KEY
from tests.e2e.test_never_lose import body, post
from tests.support.postgres import fresh_database
from tools.processes import wait_until
from tools.stack import LocalStack, start_stack

pytestmark = pytest.mark.e2e

ALERTS = 200


class WriteProbe(Protocol):
    def writing(self) -> bool:
        """Whether another connection is inside a write transaction right now."""
        ...

    def close(self) -> None: ...


class SqliteWriteLock:
    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, timeout=0, isolation_level=None)

    def writing(self) -> bool:
        try:
            self.conn.execute("BEGIN IMMEDIATE")  # takes the write lock unless someone holds it
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc), exc
            return True
        self.conn.execute("ROLLBACK")
        return False

    def close(self) -> None:
        self.conn.close()


class PostgresOpenWrite:
    def __init__(self, url: str) -> None:
        self.conn = psycopg.connect(url, autocommit=True)

    def writing(self) -> bool:
        row = self.conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
        ).fetchone()
        return row is not None and int(row[0]) > 0

    def close(self) -> None:
        self.conn.close()


@pytest.fixture(params=["sqlite", "postgres"])
def stack_and_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[LocalStack, str]]:
    with ExitStack() as cleanup:
        env = {"SIMULATOR_START_BALANCE": "10000000", "LOG_LEVEL": "WARNING", "WEBHOOK_WAIT_S": "1"}
        url = f"sqlite:///{tmp_path / 'data' / 'tvbridge.db'}"  # the gateway's default, in its folder
        if request.param == "postgres":
            url = env["DATABASE_URL"] = cleanup.enter_context(fresh_database())
        running = start_stack(
            tmp_path, api_key=API_KEY, secret_key=SECRET_KEY, passphrase=PASSPHRASE, extra_env=env
        )
        cleanup.callback(running.stop)
        yield running, url


def probe_for(url: str) -> WriteProbe:
    if url.startswith("sqlite"):
        return SqliteWriteLock(Path(url.removeprefix("sqlite:///")))
    return PostgresOpenWrite(url)


def fire(stack: LocalStack, payloads: list[dict[str, Any]]) -> tuple[dict[str, Any], list[threading.Thread]]:
    """Every alert on its own connection at once; answers land in the dict as they come."""
    answers: dict[str, Any] = {}
    start = threading.Barrier(len(payloads) + 1)

    def one(payload: dict[str, Any]) -> None:
        start.wait()
        answers[payload["id"]] = post(stack, payload)

    threads = [threading.Thread(target=one, args=(p,), daemon=True) for p in payloads]
    for thread in threads:
        thread.start()
    start.wait()
    return answers, threads


def signal_ids(answers: dict[str, Any]) -> set[str]:
    """Alerts answered 200 or 202 with their signal id: what TradingView was promised."""
    return {
        reply["signal_id"]
        for status, reply in list(answers.values())
        if status in (200, 202) and reply.get("signal_id")
    }


def client_ids(row: dict[str, Any]) -> list[str]:
    return [o["client_order_id"] for o in json.loads(row["result"] or "{}").get("orders", [])]


def test_kill_9_of_the_gateway_inside_a_group_commit(stack_and_url: tuple[LocalStack, str]) -> None:
    stack, url = stack_and_url
    probe = probe_for(url)
    payloads = [body(n, "gc") for n in range(ALERTS)]
    answers, threads = fire(stack, payloads)

    # Kill the moment the writer is seen inside a transaction while the burst is half answered.
    seen: tuple[int, int] | None = None
    deadline = time.monotonic() + 10
    while seen is None and time.monotonic() < deadline:
        answered, replied = len(signal_ids(answers)), len(answers)
        if answered and replied < ALERTS and probe.writing():
            stack.gateway.kill9()
            seen = answered, replied
    probe.close()
    assert seen is not None, f"never caught the writer inside a transaction mid-burst: {len(answers)}"
    answered_at_kill, replied_at_kill = seen
    assert answered_at_kill > 0 and replied_at_kill < ALERTS
    for thread in threads:
        thread.join(15)
    promised = signal_ids(answers)

    stack.start_gateway()
    assert wait_until(stack.ready, timeout_s=30)
    store = Journal(url)
    try:
        journalled = {sid for sid in store.statuses() if sid.startswith("gc-")}
        assert promised <= journalled, sorted(promised - journalled)
        # TradingView resends whatever got no answer; the journal makes the resend safe.
        unanswered = [p for p in payloads if answers[p["id"]][0] not in (200, 202)]
        with ThreadPoolExecutor(max_workers=20) as pool:
            for payload, answer in zip(
                unanswered, pool.map(lambda p: post(stack, p), unanswered), strict=True
            ):
                answers[payload["id"]] = answer
        assert all(status in (200, 202) for status, _ in answers.values()), Counter(
            status for status, _ in answers.values()
        )

        def all_final() -> bool:
            return all(status in FINAL for sid, status in store.statuses().items() if sid.startswith("gc-"))

        assert wait_until(all_final, timeout_s=60)
        rows = [r for r in store.recent(limit=2 * ALERTS) if r["signal_id"].startswith("gc-")]
    finally:
        store.close()
    assert Counter(r["status"] for r in rows) == {"executed": ALERTS}
    venue = stack.venue_get("/_sim/orders?venue_name=bingx")
    per_client_id = Counter(o["client_order_id"] for o in venue)
    assert max(per_client_id.values()) == 1, "an order was doubled"
    ours = {cid for row in rows for cid in client_ids(row)}
    assert set(per_client_id) <= ours  # every order at the venue is a journalled signal's
    assert len(venue) == ALERTS
