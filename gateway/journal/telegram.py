"""Control from Telegram in the journal: the Bot API updates taken, and the flattens waiting for
their chat's confirmation.

An update is claimed before it is acted on, in its own committed write: the first gateway to
claim an update id acts on it, and any other (a second gateway on this journal, or this one
after a restart that was handed the update again) skips it. So a command runs at most once; one
whose gateway died between the claim and the act is lost, never repeated (the owner sees no
answer and asks again). A confirmation is taken once, by the chat that asked, before it expires,
whichever gateway the confirming update reaches.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from gateway.journal.schema import telegram_confirmations, telegram_updates

# Telegram keeps an update it has not been told was read for 24 hours: a claim older than two
# days can no longer be handed out again, so it is forgotten (the newest is always kept).
KEEP_CLAIMS_MS = 2 * 86_400_000
KEEP_CONFIRMATIONS_MS = 86_400_000


def _insert_new(conn: Connection, table: sa.Table, keys: list[str], values: dict[str, object]) -> bool:
    """Insert the row unless one with its keys is there: True when it was inserted."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=keys)
        .returning(*(table.c[k] for k in keys))
    )
    return conn.execute(statement).first() is not None


def next_offset(engine: Engine, bot_id: str) -> int | None:
    """Where this bot's next poll starts: after the newest update claimed; None before any."""
    query = sa.select(sa.func.max(telegram_updates.c.update_id)).where(telegram_updates.c.bot_id == bot_id)
    with engine.connect() as conn:
        newest = conn.execute(query).scalar()
    return int(newest) + 1 if newest is not None else None


def claim_in(conn: Connection, bot_id: str, update_id: int, chat_id: int, at_ms: int) -> bool:
    """True for the first claim of the update; False when it was claimed already."""
    row = {"bot_id": bot_id, "update_id": update_id, "chat_id": chat_id, "time_ms": at_ms}
    if not _insert_new(conn, telegram_updates, ["bot_id", "update_id"], row):
        return False
    conn.execute(
        telegram_updates.delete().where(
            telegram_updates.c.bot_id == bot_id,
            telegram_updates.c.update_id < update_id,
            telegram_updates.c.time_ms < at_ms - KEEP_CLAIMS_MS,
        )
    )
    return True


@dataclass(frozen=True)
class Flatten:
    """What a confirmation flattens: "" for every venue, every account."""

    venue: str
    account: str


def ask_in(conn: Connection, code: str, chat_id: int, flatten: Flatten, at_ms: int, expires_ms: int) -> bool:
    """A flatten waiting for `chat_id` to confirm `code`; False if the code is taken already."""
    conn.execute(
        telegram_confirmations.delete().where(
            telegram_confirmations.c.expires_ms < at_ms - KEEP_CONFIRMATIONS_MS
        )
    )
    row = {
        "code": code,
        "chat_id": chat_id,
        "venue": flatten.venue,
        "account": flatten.account[:64],
        "created_ms": at_ms,
        "expires_ms": expires_ms,
    }
    return _insert_new(conn, telegram_confirmations, ["code"], row)


class Taken(StrEnum):
    TAKEN = "taken"
    UNKNOWN = "unknown"
    OTHER_CHAT = "other_chat"
    EXPIRED = "expired"
    USED = "used"


def take_in(conn: Connection, code: str, chat_id: int, at_ms: int) -> tuple[Taken, Flatten | None]:
    """Take the confirmation: only its own chat, once, before it expires."""
    c = telegram_confirmations.c
    taken = conn.execute(
        telegram_confirmations.update()
        .where(c.code == code, c.chat_id == chat_id, c.used_ms.is_(None), c.expires_ms > at_ms)
        .values(used_ms=at_ms)
        .returning(c.venue, c.account)
    ).first()
    if taken is not None:
        return Taken.TAKEN, Flatten(taken.venue, taken.account)
    row = conn.execute(sa.select(telegram_confirmations).where(c.code == code)).first()
    if row is None:
        return Taken.UNKNOWN, None
    if row.chat_id != chat_id:
        return Taken.OTHER_CHAT, None
    if row.used_ms is not None:
        return Taken.USED, None
    return Taken.EXPIRED, None
