"""Analytics reports kept while the ledger stands still.

The dashboard's Analytics page asks again every half minute, and the walk over a long ledger
is the gateway's heaviest read (about 0.1 ms a fill): a report is kept, per filter, until the
ledger changes. Anything that changes what a report reads moves the version: a new fill, a new
order link (a fill's signal is found through its order's link when read), or the keeper feed's
cursor (the feed writes a guard's attribution with the news that reported it). The version is
read from the database, so a second gateway's writes are seen too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gateway.journal.schema import fills, keeper_cursor, order_links

KEPT = 16  # filters remembered: the page's own, a few of an owner's, Telegram's windows

_VERSION = sa.select(
    sa.select(sa.func.max(fills.c.id)).scalar_subquery(),
    sa.select(sa.func.max(order_links.c.id)).scalar_subquery(),
)
_CURSORS = sa.select(keeper_cursor.c.name, keeper_cursor.c.epoch, keeper_cursor.c.seq).order_by(
    keeper_cursor.c.name
)


def ledger_version(conn: Connection) -> Hashable:
    latest = conn.execute(_VERSION).one()
    return (tuple(latest), tuple(tuple(row) for row in conn.execute(_CURSORS)))


class ReportCache:
    def __init__(self, size: int = KEPT) -> None:
        self._size = size
        self._kept: OrderedDict[Hashable, tuple[Hashable, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: Hashable) -> dict[str, Any] | None:
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or kept[0] != version:
                return None
            self._kept.move_to_end(key)
            return kept[1]

    def put(self, key: Hashable, version: Hashable, report: dict[str, Any]) -> None:
        with self._lock:
            self._kept[key] = (version, report)
            self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
