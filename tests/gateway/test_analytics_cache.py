"""Analytics kept while the ledger stands still (gateway/journal/ledger_reports.py), and thinned
for a chart: a kept report is handed out again only until a fill, an order link or the feed's
cursor moves; a thinned curve keeps every extreme and the figures of the whole."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from gateway.core.analytics import thinned
from gateway.core.fills import FillFilter
from gateway.core.keeper import KeeperRecord
from gateway.journal.ledger import Ledger, link_orders
from gateway.journal.records import OrderLink
from gateway.journal.store import Journal
from tests.gateway.analytics_support import DAY, T0, write_ledger
from tests.gateway.ledger_support import fill, news


@pytest.fixture
def journal(journal_url: str) -> Iterator[Journal]:
    journal = Journal(journal_url)
    journal.migrate()
    try:
        yield journal
    finally:
        journal.close()


@pytest.fixture
def ledger(journal: Journal) -> Ledger:
    return write_ledger(journal)


def test_a_report_is_kept_until_a_new_fill(ledger: Ledger) -> None:
    first = ledger.analytics(FillFilter())
    assert ledger.analytics(FillFilter()) is first
    assert ledger.analytics(FillFilter(strategy="ema")) is not first
    added = fill("12", order_id="o-12", quantity=Decimal("1"), fee=Decimal("1"), time_ms=T0 + 5 * DAY)
    ledger.record("executor", KeeperRecord("e1", 12, added))
    fresh = ledger.analytics(FillFilter())
    assert fresh is not first
    assert (first["total"]["fees"], fresh["total"]["fees"]) == ("5.268", "6.268")


def test_a_new_order_link_gives_a_fill_its_strategy_afresh(journal: Journal, ledger: Ledger) -> None:
    before = ledger.analytics(FillFilter())
    assert before["strategies"][""]["trades"] == 1  # SOL, bought in the exchange's app
    link = OrderLink("bingx", "default", order_id="o-9", client_order_id="", purpose="entry")
    with journal.engine.begin() as conn:
        link_orders(conn, "ema-4", [link])
    after = ledger.analytics(FillFilter())
    assert "" not in after["strategies"]
    assert after["strategies"]["ema"]["trades"] == 3


def test_the_feeds_cursor_moving_is_a_change(ledger: Ledger) -> None:
    first = ledger.analytics(FillFilter())
    ledger.record("executor", KeeperRecord("e1", 13, news(time_ms=T0 + 5 * DAY)))
    assert ledger.analytics(FillFilter()) is not first


def test_a_second_ledger_on_the_same_journal_sees_the_other_ones_writes(
    journal: Journal, ledger: Ledger
) -> None:
    other = Ledger(journal.engine)  # a second gateway's
    seen = other.analytics(FillFilter())
    added = fill("12", order_id="o-12", quantity=Decimal("1"), fee=Decimal("2"), time_ms=T0 + 5 * DAY)
    ledger.record("executor", KeeperRecord("e1", 12, added))
    assert other.analytics(FillFilter())["total"]["fees"] == "7.268" != seen["total"]["fees"]


def test_points_thin_the_curve_but_not_the_figures(ledger: Ledger) -> None:
    whole = ledger.analytics(FillFilter())["total"]
    chart = ledger.analytics(FillFilter(), points=10)["total"]
    assert len(whole["equity_curve"]) == 11 and len(chart["equity_curve"]) <= 10
    assert (
        "values" not in chart["slippage_bps"]
        and chart["slippage_bps"]["bands"] == whole["slippage_bps"]["bands"]
    )
    kept = {p["equity"] for p in chart["equity_curve"]}
    assert {"-34.21", "4.4", "-0.3", "3.932"} <= kept  # the trough, the peak, the first, the last
    for name in ("net_pnl", "trades", "win_rate", "max_drawdown", "daily_pnl", "fire_to_fill_ms"):
        assert chart[name] == whole[name]


def test_thinning_keeps_each_stretchs_extremes_in_time_order() -> None:
    curve = [(t, Decimal((t * 37) % 101 - 50)) for t in range(10_000)]
    thin = thinned(curve, 100)
    assert len(thin) <= 100
    assert thin[0] == curve[0] and thin[-1] == curve[-1]
    assert [t for t, _ in thin] == sorted({t for t, _ in thin})
    assert min(v for _, v in thin) == min(v for _, v in curve)
    assert max(v for _, v in thin) == max(v for _, v in curve)
    assert thinned(curve[:50], 100) == curve[:50]
