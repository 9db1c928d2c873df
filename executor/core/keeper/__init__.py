"""The position keeper: what happens after an entry, from the venues' user-data streams and
REST reconciliation (one-cancels-other, the unprotected-position watch, news and counters).

Modules: `state` (what is known), `oco` (which protective orders are stale, cancelling them),
`causes` (why a side went flat), `watch` (the unprotected-position watch), `reconcile` (REST
view to events), `news` (news, counters, replay log), `account` (the one handler of an
account), `keeper` (accounts, stream health, threads).
"""

from common.trading import NewsKind
from executor.core.keeper.keeper import Keeper
from executor.core.keeper.news import AccountStats, News, Record, ReplayLog

__all__ = ["AccountStats", "Keeper", "News", "NewsKind", "Record", "ReplayLog"]
