"""Risk pauses in the journal: a limit's pause is written with the keeper's news that reported
it (in the same transaction, by the one gateway that inserted the news), the owner's pause or
resume with its audit line; all read back as `PauseEvent`s (common/pauses.py says which are in
force)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from common.pauses import PauseChange, PauseEvent, in_force
from gateway.core.keeper import KeeperNews
from gateway.journal.records import now_ms
from gateway.journal.schema import audit, risk_pause_changes


def pause_of(news: KeeperNews) -> PauseEvent:
    """The pause a RISK_PAUSED piece of news reports."""
    return PauseEvent(
        PauseChange.PAUSED,
        news.venue.value,
        news.account,
        news.strategy,
        news.time_ms,
        news.until_ms,
        news.limit,
        news.detail,
        "executor",
    )


def record_in(conn: Connection, event: PauseEvent) -> None:
    conn.execute(
        risk_pause_changes.insert().values(
            change=event.change.value,
            venue=event.venue,
            account=event.account[:64],
            strategy=event.strategy[:64],
            time_ms=event.time_ms,
            until_ms=event.until_ms,
            limit_name=event.limit[:64],
            reason=event.reason[:2000],
            actor=event.actor[:64],
            recorded_ms=now_ms(),
        )
    )


OWNER_ACTIONS = {PauseChange.OWNER_PAUSED: "risk_pause", PauseChange.RESUMED: "risk_resume"}


def owner_change_in(
    conn: Connection, change: PauseChange, venue: str, account: str, strategy: str, actor: str
) -> PauseEvent:
    """The owner pauses or resumes an account (or one strategy on it): the event and its audit
    line."""
    event = PauseEvent(change, venue, account, strategy, now_ms(), actor=actor)
    record_in(conn, event)
    conn.execute(
        audit.insert().values(
            time_ms=event.time_ms,
            actor=actor[:64],
            action=OWNER_ACTIONS[change],
            detail=event.describe()[:2000],
        )
    )
    return event


def events_since(engine: Engine, since_ms: int) -> list[PauseEvent]:
    """Pause and resume events from `since_ms` on, oldest first."""
    query = (
        sa.select(risk_pause_changes)
        .where(risk_pause_changes.c.time_ms >= since_ms)
        .order_by(risk_pause_changes.c.time_ms, risk_pause_changes.c.id)
    )
    with engine.connect() as conn:
        return [_event(row._mapping) for row in conn.execute(query)]


def hand_over_events(engine: Engine, since_ms: int) -> list[PauseEvent]:
    """What the executor is handed: the events from `since_ms` on, after any owner's pause from
    before it that no later resume of its scope lifted (it has no end, so no window may drop it).
    The owner's pauses and resumes are a person's clicks, few enough to read all the older ones."""
    older = (
        sa.select(risk_pause_changes)
        .where(
            risk_pause_changes.c.time_ms < since_ms,
            risk_pause_changes.c.change.in_([PauseChange.OWNER_PAUSED.value, PauseChange.RESUMED.value]),
        )
        .order_by(risk_pause_changes.c.time_ms, risk_pause_changes.c.id)
    )
    with engine.connect() as conn:
        before = [_event(row._mapping) for row in conn.execute(older)]
    standing = [p for p in in_force(before, since_ms) if p.change is PauseChange.OWNER_PAUSED]
    return standing + events_since(engine, since_ms)


def _event(row: Any) -> PauseEvent:
    return PauseEvent(
        PauseChange(row["change"]),
        row["venue"],
        row["account"],
        row["strategy"],
        int(row["time_ms"]),
        int(row["until_ms"]),
        row["limit_name"],
        row["reason"],
        row["actor"],
    )
