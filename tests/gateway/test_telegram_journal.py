"""Control from Telegram in the journal, on both engines: migration 0008, an update claimed by
the first writer only (two gateways on one journal), where the next poll starts, and a flatten's
confirmation taken once, by its own chat, before it expires."""

from __future__ import annotations

import sqlalchemy as sa

from gateway.journal import engine as db
from gateway.journal import telegram
from gateway.journal.store import Journal
from gateway.journal.telegram import KEEP_CLAIMS_MS, Flatten, Taken

NOW = 1_794_968_000_000


def test_migration_0008_adds_the_updates_and_confirmations_and_takes_them_back(journal_url: str) -> None:
    journal = Journal(journal_url)
    try:
        db.upgrade(journal.engine, "0007")
        assert "telegram_updates" not in sa.inspect(journal.engine).get_table_names()
        journal.migrate()
        assert {"telegram_updates", "telegram_confirmations"} <= set(
            sa.inspect(journal.engine).get_table_names()
        )
        db.downgrade(journal.engine, "0007")
        assert "telegram_confirmations" not in sa.inspect(journal.engine).get_table_names()
    finally:
        journal.close()


def test_an_update_is_claimed_once_and_the_next_poll_starts_after_the_newest(journal_url: str) -> None:
    first, second = Journal(journal_url), Journal(journal_url)  # two gateways on one journal
    first.migrate()
    try:
        assert telegram.next_offset(first.engine, "7301") is None
        assert first.alone(telegram.claim_in, "7301", 500, 42, NOW - KEEP_CLAIMS_MS - 1) is True
        assert first.alone(telegram.claim_in, "7301", 501, 42, NOW) is True
        assert second.alone(telegram.claim_in, "7301", 501, 42, NOW) is False
        # Another bot's updates are its own; a new token starts afresh.
        assert second.alone(telegram.claim_in, "9999", 501, 42, NOW) is True
        assert telegram.next_offset(second.engine, "7301") == 502
        # A claim past Telegram's memory of an update is forgotten; the newest always stays.
        assert first.alone(telegram.claim_in, "7301", 502, 42, NOW + 1) is True
        with first.engine.connect() as conn:
            kept = conn.execute(sa.text("SELECT update_id FROM telegram_updates WHERE bot_id = '7301'")).all()
        assert sorted(row[0] for row in kept) == [501, 502]
    finally:
        first.close()
        second.close()


def test_a_confirmation_is_taken_once_by_its_chat_before_it_expires(journal_url: str) -> None:
    journal = Journal(journal_url)
    journal.migrate()
    try:
        flatten = Flatten("bingx", "")
        assert journal.alone(telegram.ask_in, "123456", 42, flatten, NOW, NOW + 60_000) is True
        assert journal.alone(telegram.ask_in, "123456", 7, flatten, NOW, NOW + 60_000) is False  # code in use
        assert journal.alone(telegram.take_in, "123456", 7, NOW + 1) == (Taken.OTHER_CHAT, None)
        assert journal.alone(telegram.take_in, "654321", 42, NOW + 1) == (Taken.UNKNOWN, None)
        assert journal.alone(telegram.take_in, "123456", 42, NOW + 59_999) == (Taken.TAKEN, flatten)
        assert journal.alone(telegram.take_in, "123456", 42, NOW + 59_999) == (Taken.USED, None)
        journal.alone(telegram.ask_in, "000001", 42, Flatten("", ""), NOW, NOW + 60_000)
        assert journal.alone(telegram.take_in, "000001", 42, NOW + 60_000) == (Taken.EXPIRED, None)
    finally:
        journal.close()
