"""The journal store on a real SQLite file: admission, dedupe, attempts, outcomes, trades."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from gateway.journal.engine import MIGRATIONS
from gateway.journal.records import NewSignal, Outcome, Trade, now_ms
from gateway.journal.schema import metadata
from gateway.journal.store import Journal


@pytest.fixture
def url(journal_url: str) -> str:
    return journal_url


@pytest.fixture
def journal(url: str) -> Iterator[Journal]:
    store = Journal(url)
    store.migrate()
    yield store
    store.close()


def new(signal_id: str, key: str | None = None, until: int | None = None) -> NewSignal:
    return NewSignal(
        signal_id, "pending", '{"action": "buy"}', now_ms(), dedupe_key=key, dedupe_until_ms=until
    )


def head() -> str:
    """The newest migration's revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    newest = ScriptDirectory.from_config(config).get_current_head()
    assert newest is not None
    return newest


def test_migrations_run_once_and_sqlite_uses_wal(journal: Journal, tmp_path: Path, url: str) -> None:
    journal.migrate()  # a second start finds nothing to do
    with journal.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).all() == [(head(),)]
    if not url.startswith("sqlite"):
        return
    with sqlite3.connect(tmp_path / "j.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head(),)]


def test_an_explicit_id_is_the_same_signal_forever(journal: Journal) -> None:
    assert journal.admit(new("tv-1", "id:tv-1")).new
    again = journal.admit(new("tv-1", "id:tv-1"))
    assert (again.new, again.row["signal_id"]) == (False, "tv-1")


def test_an_identical_body_is_the_same_signal_only_within_the_window(journal: Journal) -> None:
    assert journal.admit(new("a", "body:x", now_ms() + 60_000)).new
    repeat = journal.admit(new("b", "body:x", now_ms() + 60_000))
    assert (repeat.new, repeat.row["signal_id"]) == (False, "a")
    assert journal.admit(new("c", "body:y", now_ms() - 1)).new  # claims that lapsed at once
    assert journal.admit(new("d", "body:y", now_ms() + 60_000)).new


def test_attempt_numbers_survive_a_restart(journal: Journal, url: str) -> None:
    journal.admit(new("s"))
    assert journal.begin_attempt("s") == 1
    journal.close()
    reopened = Journal(url)
    assert reopened.begin_attempt("s") == 2
    assert [a["attempt"] for a in reopened.attempts_of("s")] == [1, 2]


def test_a_signal_is_finished_once_with_its_trades(journal: Journal) -> None:
    journal.admit(new("s"))
    journal.admit(new("t"))
    trade = Trade("bingx", "BTC-USDT", "buy", "0.01", "60000.0", "123", "entry")
    assert journal.finish("s", Outcome("executed", {"status": "executed"}, trades=[trade]))
    assert not journal.finish("s", Outcome("failed", {"status": "failed"}, trades=[trade]))
    assert journal.begin_attempt("s") == 0  # nothing more is sent for a decided signal
    assert journal.get("s")["status"] == "executed"  # type: ignore[index]
    assert [(t["signal_id"], t["order_id"]) for t in journal.trades()] == [("s", "123")]
    assert [r["signal_id"] for r in journal.pending()] == ["t"]
    count, oldest = journal.backlog()
    assert count == 1 and oldest is not None


def test_the_migrations_build_the_schema_the_code_uses(journal: Journal) -> None:
    """A table, column or index added to schema.py without a migration is caught here."""
    with journal.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_the_first_attempt_can_be_counted_at_admission(journal: Journal) -> None:
    """One commit fewer before the first send; a later attempt is still numbered higher."""
    admitted = journal.admit(dataclasses.replace(new("tv-pre", "id:tv-pre"), first_attempt=True))
    assert admitted.row["attempts"] == 1
    assert [a["attempt"] for a in journal.attempts_of("tv-pre")] == [1]
    assert journal.begin_attempt("tv-pre") == 2  # a redelivery after a crash, say
    # A repeat of the same alert counts nothing.
    again = journal.admit(dataclasses.replace(new("tv-pre-2", "id:tv-pre"), first_attempt=True))
    assert not again.new and journal.get("tv-pre-2") is None
    # A refused signal is final at once: no attempt is ever counted for it.
    refused = dataclasses.replace(new("tv-bad"), status="rejected", first_attempt=True)
    assert journal.admit(refused).row["attempts"] == 0 and journal.attempts_of("tv-bad") == []
