"""The ledger in the journal: fills once per venue trade, the orders each signal placed, the
keeper's news once per (epoch, seq), and the feed's cursor; fills read back with their signal.

A fill's signal is found when it is read, not when it is written: a market entry's fill reaches
the keeper's stream before the executor's answer (and so the order's link) is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import ColumnElement, Select

from common.trading import NewsKind
from gateway.core.analytics import SignalMark, execution_signals, report
from gateway.core.execution import text, word
from gateway.core.fills import FillFilter
from gateway.core.keeper import KeeperFill, KeeperNews, KeeperRecord
from gateway.journal import pauses, signal_json
from gateway.journal.ledger_reports import ReportCache, ledger_version
from gateway.journal.records import OrderLink, now_ms
from gateway.journal.schema import fills, keeper_cursor, keeper_news, order_links, signals

# The guard whose hit each piece of news reports, by its purpose.
_GUARD_HIT = {NewsKind.TAKE_PROFIT_HIT: "take_profit", NewsKind.STOP_HIT: "stop_loss"}
_GUARDS = frozenset(_GUARD_HIT.values())
# Well under every database's limit on bound parameters.
_IDS_PER_QUERY = 500


def link_orders(conn: Connection, signal_id: str, links: Sequence[OrderLink]) -> None:
    """Within the transaction that records the signal's outcome."""
    rows = [
        {
            "venue": link.venue,
            "account": link.account,
            "order_id": link.order_id,
            "client_order_id": link.client_order_id,
            "signal_id": signal_id,
            "purpose": link.purpose,
            "venue_symbol": link.venue_symbol,
        }
        for link in links
        # An order without ids is kept only as a guard attached to its entry.
        if link.order_id or link.client_order_id or link.purpose in _GUARDS
    ]
    if rows:
        conn.execute(order_links.insert(), rows)


def _linked(column: str, key: str) -> ColumnElement[Any]:
    """`column` of the first order link matching the fill on `key` (order or client order id)."""
    link = order_links.alias()
    return (
        sa.select(link.c[column])
        .where(
            link.c.venue == fills.c.venue,
            link.c.account == fills.c.account,
            link.c[key] == fills.c[key],
            fills.c[key] != "",
        )
        .order_by(link.c.id)
        .limit(1)
        .scalar_subquery()
    )


def _resolved(column: str) -> ColumnElement[Any]:
    """The executor's own word first, then the link by order id, then by client order id."""
    return sa.func.coalesce(
        sa.func.nullif(fills.c[column], ""),
        _linked(column, "order_id"),
        _linked(column, "client_order_id"),
        "",
    )


def _attributed(where: Sequence[ColumnElement[bool]]) -> Select[Any]:
    own = [c for c in fills.c if c.name not in ("signal_id", "purpose")]
    inner = (
        sa.select(*own, _resolved("signal_id").label("signal_id"), _resolved("purpose").label("purpose"))
        .where(*where)
        .subquery("attributed")
    )
    return sa.select(*inner.c, sa.func.coalesce(signals.c.strategy, "").label("strategy")).select_from(
        inner.outerjoin(signals, signals.c.signal_id == inner.c.signal_id)
    )


# The feed writes and reads these for every record: built once, so a call only binds values.
_FILLS_BY_ID = _attributed([fills.c.id.in_(sa.bindparam("ids", expanding=True))])
_GUARD_FILL = (
    sa.select(fills.c.id, fills.c.venue_symbol)
    .where(
        fills.c.venue == sa.bindparam("hit_venue"),
        fills.c.account == sa.bindparam("hit_account"),
        fills.c.symbol == sa.bindparam("hit_symbol"),
        fills.c.time_ms == sa.bindparam("hit_ms"),
        fills.c.signal_id == "",
        fills.c.purpose == "",
    )
    .order_by(fills.c.id.desc())
    .limit(1)
)
_GUARD_SIGNAL = (
    sa.select(order_links.c.signal_id)
    .where(
        order_links.c.venue == sa.bindparam("hit_venue"),
        order_links.c.account == sa.bindparam("hit_account"),
        order_links.c.venue_symbol == sa.bindparam("guard_symbol"),
        order_links.c.purpose == sa.bindparam("guard"),
        order_links.c.order_id == "",
        order_links.c.client_order_id == "",
    )
    .order_by(order_links.c.id.desc())
    .limit(1)
)
_GUARD_ATTRIBUTED = fills.update().where(fills.c.id == sa.bindparam("fill_id"))


class Ledger:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reports = ReportCache()
        insert: Callable[..., Any] = (
            postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        )
        self._add_fill_stmt = (
            insert(fills)
            .on_conflict_do_nothing(index_elements=["venue", "account", "trade_id"])
            .returning(fills.c.id)
        )
        self._add_news_stmt = (
            insert(keeper_news)
            .on_conflict_do_nothing(index_elements=["epoch", "seq"])
            .returning(keeper_news.c.id)
        )
        advance = insert(keeper_cursor)
        # Never back within one run: a second gateway reading behind this one must not rewind it.
        self._advance_stmt = advance.on_conflict_do_update(
            index_elements=[keeper_cursor.c.name],
            set_={
                "epoch": advance.excluded.epoch,
                "seq": advance.excluded.seq,
                "updated_ms": advance.excluded.updated_ms,
            },
            where=sa.or_(
                keeper_cursor.c.epoch != advance.excluded.epoch, keeper_cursor.c.seq < advance.excluded.seq
            ),
        )

    # -- the feed's writes ------------------------------------------------------------------

    def cursor(self, name: str) -> tuple[str, int]:
        """The last (epoch, seq) written; ("", 0) before the first."""
        query = sa.select(keeper_cursor.c.epoch, keeper_cursor.c.seq).where(keeper_cursor.c.name == name)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return (str(row.epoch), int(row.seq)) if row is not None else ("", 0)

    def record(self, name: str, record: KeeperRecord) -> bool:
        """Write one record and move the cursor past it, in one transaction. True when the fill or
        news is new; False when it was already there (delivered again, or by another gateway)."""
        with self.engine.begin() as conn:
            [added] = self.record_in(conn, name, [record])
        return added is not None

    def record_in(self, conn: Connection, name: str, records: Sequence[KeeperRecord]) -> list[int | None]:
        """Records in stream order, and the cursor past the last, within the caller's transaction:
        for each, the id of its new fill or news row, or None when it was already there."""
        added = [self._add(conn, record) for record in records]
        if records:
            last = records[-1]
            conn.execute(
                self._advance_stmt,
                {"name": name, "epoch": last.epoch, "seq": last.seq, "updated_ms": now_ms()},
            )
        return added

    def _add(self, conn: Connection, record: KeeperRecord) -> int | None:
        item = record.item
        if isinstance(item, KeeperFill):
            return self._add_fill(conn, item)
        added = self._add_news(conn, record.epoch, record.seq, item)
        if added is not None and item.kind in _GUARD_HIT:
            self._attribute_guard_fill(conn, item)
        if added is not None and item.kind is NewsKind.RISK_PAUSED:
            pauses.record_in(conn, pauses.pause_of(item))
        return added

    def _add_fill(self, conn: Connection, fill: KeeperFill) -> int | None:
        row = conn.execute(
            self._add_fill_stmt,
            {
                "venue": fill.venue.value,
                "account": fill.account,
                "symbol": fill.symbol,
                "venue_symbol": fill.venue_symbol,
                "trade_id": fill.trade_id,
                "order_id": fill.order_id,
                "client_order_id": fill.client_order_id,
                "side": fill.side.value,
                "position_side": word(fill.position_side, ""),
                "quantity": text(fill.quantity),
                "price": text(fill.price),
                "fee": text(fill.fee),
                "fee_asset": fill.fee_asset,
                "realized_pnl": text(fill.realized_pnl),
                "liquidation": fill.liquidation,
                "time_ms": fill.time_ms,
                "signal_id": fill.signal_id,
                "purpose": word(fill.purpose, ""),
                "recorded_ms": now_ms(),
            },
        ).first()
        return int(row[0]) if row is not None else None

    def _add_news(self, conn: Connection, epoch: str, seq: int, news: KeeperNews) -> int | None:
        row = conn.execute(
            self._add_news_stmt,
            {
                "epoch": epoch,
                "seq": seq,
                "kind": news.kind.value,
                "venue": news.venue.value,
                "account": news.account,
                "symbol": news.symbol,
                "position_side": word(news.position_side, ""),
                "quantity": text(news.quantity),
                "price": text(news.price),
                "detail": news.detail[:2000],
                "time_ms": news.time_ms,
                "recorded_ms": now_ms(),
            },
        ).first()
        return int(row[0]) if row is not None else None

    def _attribute_guard_fill(self, conn: Connection, hit: KeeperNews) -> None:
        """A take-profit or stop the venue placed from a guard attached to its entry fills as an
        order tvbridge never named (no client id, an id the answer did not have). The keeper's
        news that it hit names its time; the fill at that time on that symbol is the guard's,
        and the guard's signal is the newest that attached one on the symbol."""
        purpose = _GUARD_HIT[hit.kind]
        where = {"hit_venue": hit.venue.value, "hit_account": hit.account}
        target = conn.execute(_GUARD_FILL, {**where, "hit_symbol": hit.symbol, "hit_ms": hit.time_ms}).first()
        if target is None:
            return
        attached = conn.execute(
            _GUARD_SIGNAL, {**where, "guard_symbol": target.venue_symbol, "guard": purpose}
        ).scalar()
        conn.execute(
            _GUARD_ATTRIBUTED, {"fill_id": target.id, "purpose": purpose, "signal_id": attached or ""}
        )

    # -- reading ----------------------------------------------------------------------------

    def fills(
        self, filters: FillFilter | None = None, *, limit: int | None = 100, oldest_first: bool = False
    ) -> list[dict[str, Any]]:
        """Fills with their signal, purpose and strategy, newest first unless asked otherwise."""
        query = self._ordered(filters or FillFilter(), oldest_first)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    @classmethod
    def _ordered(cls, filters: FillFilter, oldest_first: bool) -> Select[Any]:
        query = cls._selected(filters)
        inner = query.selected_columns
        if oldest_first:
            return query.order_by(inner.time_ms, inner.id)
        return query.order_by(inner.time_ms.desc(), inner.id.desc())

    @staticmethod
    def _selected(filters: FillFilter) -> Select[Any]:
        where: list[ColumnElement[bool]] = []
        if filters.venue:
            where.append(fills.c.venue == filters.venue)
        if filters.account:
            where.append(fills.c.account == filters.account)
        if filters.symbol:
            where.append(fills.c.symbol == filters.symbol)
        if filters.since_ms is not None:
            where.append(fills.c.time_ms >= filters.since_ms)
        if filters.until_ms is not None:
            where.append(fills.c.time_ms <= filters.until_ms)
        query = _attributed(where)
        if filters.strategy:
            query = query.where(signals.c.strategy == filters.strategy)
        return query

    def analytics(self, filters: FillFilter, points: int | None = None) -> dict[str, Any]:
        """gateway/core/analytics.py's report: each position's history is read from its first fill,
        whatever the window, so a trade open when the window starts is whole. Kept until the
        ledger changes (gateway/journal/ledger_reports.py): callers must not change it."""
        key = (filters, points)
        with self.engine.connect() as conn:
            version = ledger_version(conn)
            kept = self._reports.get(key, version)
            if kept is not None:
                return kept
            history = replace(filters, strategy="", since_ms=None)
            # Each row's own mapping, not a copy: the walk reads each field once.
            found = conn.execute(self._ordered(history, oldest_first=True))
            rows = cast(list[Mapping[str, Any]], [row._mapping for row in found])
            marks = self._marks_in(conn, execution_signals(rows))
        answer = report(rows, marks, filters, points)
        self._reports.put(key, version, answer)
        return answer

    def signal_marks(self, signal_ids: Iterable[str]) -> dict[str, SignalMark]:
        """What analytics measure a signal's fills against: its alert price and when it fired."""
        with self.engine.connect() as conn:
            return self._marks_in(conn, signal_ids)

    @staticmethod
    def _marks_in(conn: Connection, signal_ids: Iterable[str]) -> dict[str, SignalMark]:
        wanted = sorted(set(signal_ids) - {""})
        marks: dict[str, SignalMark] = {}
        for start in range(0, len(wanted), _IDS_PER_QUERY):
            chunk = wanted[start : start + _IDS_PER_QUERY]
            query = sa.select(signals.c.signal_id, signals.c.fired_ms, signals.c.normalized).where(
                signals.c.signal_id.in_(chunk)
            )
            for row in conn.execute(query):
                signal = signal_json.loads(row.normalized) if row.normalized else None
                marks[row.signal_id] = SignalMark(
                    alert_price=signal.alert_price if signal is not None else None, fired_ms=row.fired_ms
                )
        return marks

    def fills_by_id(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The fills of these row ids (as recording them returned), with their signal."""
        if not ids:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(_FILLS_BY_ID, {"ids": list(ids)})
            return {int(r.id): dict(r._mapping) for r in rows}

    def every_fill(self) -> Iterator[dict[str, Any]]:
        """Oldest first, a row at a time: trades.csv's order."""
        query = _attributed([])
        inner = query.selected_columns
        with self.engine.connect() as conn:
            for row in conn.execute(query.order_by(inner.time_ms, inner.id)):
                yield dict(row._mapping)

    def news(self, limit: int = 100) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(keeper_news).order_by(keeper_news.c.id.desc()).limit(limit))
            return [dict(r._mapping) for r in rows]
