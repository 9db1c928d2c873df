"""The ledger in the journal (migration 0006 on SQLite and PostgreSQL): a fill once however
often it comes, its signal found by the order's link whenever that is written, news once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
import sqlalchemy as sa

from common.trading import NewsKind
from gateway.core.execution import OrderPurpose
from gateway.core.fills import FillFilter, fill_view
from gateway.core.keeper import KeeperRecord
from gateway.journal import engine as db
from gateway.journal.ledger import Ledger
from gateway.journal.records import NewSignal, OrderLink, Outcome, now_ms
from gateway.journal.store import Journal
from tests.gateway.ledger_support import OURS, fill, news

LEDGER_TABLES = {"fills", "order_links", "keeper_news", "keeper_cursor"}


@pytest.fixture
def journal(journal_url: str) -> Iterator[Journal]:
    store = Journal(journal_url)
    store.migrate()
    yield store
    store.close()


@pytest.fixture
def ledger(journal: Journal) -> Ledger:
    return Ledger(journal.engine)


def tables(journal: Journal) -> set[str]:
    return set(sa.inspect(journal.engine).get_table_names())


def executed(journal: Journal, signal_id: str, strategy: str, *links: OrderLink) -> None:
    journal.admit(NewSignal(signal_id, "pending", "{}", now_ms(), venue="bingx", strategy=strategy))
    assert journal.finish(signal_id, Outcome("executed", {"status": "executed"}, links=list(links)))


def link(order_id: str, client_order_id: str = "", purpose: str = "entry") -> OrderLink:
    return OrderLink("bingx", "default", order_id, client_order_id, purpose)


def test_migration_0006_adds_the_ledger_and_takes_it_back(journal_url: str) -> None:
    journal = Journal(journal_url)
    try:
        db.upgrade(journal.engine, "0005")
        assert not LEDGER_TABLES & tables(journal)
        journal.migrate()
        assert tables(journal) >= LEDGER_TABLES
        indexes = {i["name"] for i in sa.inspect(journal.engine).get_indexes("fills")}
        assert {"ix_fills_time", "ix_fills_symbol_time", "ix_fills_account_time"} <= indexes
        ledger = Ledger(journal.engine)
        assert ledger.record("executor", KeeperRecord("e1", 1, fill()))
        db.downgrade(journal.engine, "0005")
        assert not LEDGER_TABLES & tables(journal)
        journal.migrate()
        assert ledger.fills() == [] and ledger.cursor("executor") == ("", 0)
    finally:
        journal.close()


def test_the_same_fill_from_the_stream_rest_and_a_replay_is_one_row(ledger: Ledger) -> None:
    seen_on_stream = fill("t-9")
    assert ledger.record("executor", KeeperRecord("e1", 1, seen_on_stream))
    # The keeper's REST reconciliation finds it again (another seq), then a reconnect replays both.
    assert not ledger.record("executor", KeeperRecord("e1", 2, seen_on_stream))
    assert not ledger.record("executor", KeeperRecord("e1", 1, seen_on_stream))
    assert not ledger.record("executor", KeeperRecord("e2", 1, seen_on_stream))
    [row] = ledger.fills()
    assert (row["trade_id"], row["quantity"], row["price"], row["fee"]) == ("t-9", "0.0100", "60000.5", "0.3")
    # The same trade id on another account is another trade.
    assert ledger.record("executor", KeeperRecord("e2", 2, fill("t-9", account="second")))
    assert len(ledger.fills()) == 2


def test_the_cursor_moves_with_each_record_and_never_back_within_a_run(ledger: Ledger) -> None:
    assert ledger.cursor("executor") == ("", 0)
    ledger.record("executor", KeeperRecord("e1", 1, fill("a")))
    ledger.record("executor", KeeperRecord("e1", 2, news()))
    assert ledger.cursor("executor") == ("e1", 2)
    ledger.record("executor", KeeperRecord("e1", 1, fill("a")))  # a second gateway, behind
    assert ledger.cursor("executor") == ("e1", 2)
    ledger.record("executor", KeeperRecord("e2", 1, fill("b")))  # the executor restarted
    assert ledger.cursor("executor") == ("e2", 1)
    assert ledger.cursor("other") == ("", 0)


def test_news_is_kept_once_per_epoch_and_seq(ledger: Ledger) -> None:
    assert ledger.record("executor", KeeperRecord("e1", 1, news()))
    assert not ledger.record("executor", KeeperRecord("e1", 1, news()))
    assert ledger.record("executor", KeeperRecord("e2", 1, news(NewsKind.STREAM_DOWN, symbol="")))
    assert [(n["epoch"], n["seq"], n["kind"]) for n in ledger.news()] == [
        ("e2", 1, "stream_down"),
        ("e1", 1, "take_profit_hit"),
    ]


def test_a_fill_that_came_before_its_outcome_finds_its_signal_afterwards(
    journal: Journal, ledger: Ledger
) -> None:
    ledger.record("executor", KeeperRecord("e1", 1, fill("t-1", order_id="o-entry", client_order_id=OURS)))
    [early] = ledger.fills()
    assert (early["signal_id"], early["strategy"], fill_view(early)["source"]) == ("", "", "signal")
    executed(journal, "sig-1", "ema", link("o-entry", OURS, "entry"))
    [row] = ledger.fills()
    assert (row["signal_id"], row["purpose"], row["strategy"]) == ("sig-1", "entry", "ema")
    assert fill_view(row)["source"] == "signal"


def test_a_fill_is_found_by_order_id_then_by_client_order_id(journal: Journal, ledger: Ledger) -> None:
    executed(
        journal,
        "sig-2",
        "breakout",
        link("o-tp", "tvb-tp", "take_profit"),
        link("", "tvb-sl", "stop_loss"),  # the venue gave no id yet: the client id still links it
    )
    ledger.record("executor", KeeperRecord("e1", 1, fill("t-tp", order_id="o-tp", client_order_id="")))
    ledger.record(
        "executor", KeeperRecord("e1", 2, fill("t-sl", order_id="o-other", client_order_id="tvb-sl"))
    )
    rows = {r["trade_id"]: fill_view(r) for r in ledger.fills()}
    assert {t: (v["signal_id"], v["strategy"], v["purpose"], v["source"]) for t, v in rows.items()} == {
        "t-tp": ("sig-2", "breakout", "take_profit", "protection"),
        "t-sl": ("sig-2", "breakout", "stop_loss", "protection"),
    }


def test_the_executors_own_attribution_comes_first(journal: Journal, ledger: Ledger) -> None:
    executed(journal, "sig-3", "ema", link("o-1", OURS, "entry"))
    # A stop the keeper placed again: an order no outcome names, attributed by the executor.
    replaced = fill(
        "t-r", order_id="o-new", client_order_id="tvb-new", signal_id="sig-3", purpose=OrderPurpose.STOP_LOSS
    )
    ledger.record("executor", KeeperRecord("e1", 1, replaced))
    [row] = ledger.fills()
    assert (row["signal_id"], row["purpose"], row["strategy"], fill_view(row)["source"]) == (
        "sig-3",
        "stop_loss",
        "ema",
        "protection",
    )


def test_outside_trades_and_liquidations_are_external(ledger: Ledger) -> None:
    ledger.record(
        "executor", KeeperRecord("e1", 1, fill("t-app", order_id="o-app", client_order_id="web_123"))
    )
    ledger.record(
        "executor",
        KeeperRecord("e1", 2, fill("t-liq", order_id="o-liq", client_order_id="", liquidation=True)),
    )
    views = {v["trade_id"]: v for v in map(fill_view, ledger.fills())}
    assert {t: (v["source"], v["signal_id"], v["strategy"]) for t, v in views.items()} == {
        "t-app": ("external", "", ""),
        "t-liq": ("external", "", ""),
    }
    assert views["t-liq"]["liquidation"] is True


def test_filters_and_order(journal: Journal, ledger: Ledger) -> None:
    executed(journal, "sig-a", "ema", link("o-a"))
    base = 1_700_000_000_000
    records = [
        fill("1", order_id="o-a", time_ms=base),
        fill("2", symbol="ETH-USDT", venue_symbol="ETH-USDT", time_ms=base + 1000),
        fill("3", account="second", time_ms=base + 2000),
        fill("4", order_id="o-a", time_ms=base + 3000),
    ]
    for n, f in enumerate(records, start=1):
        ledger.record("executor", KeeperRecord("e1", n, f))

    def ids(
        filters: FillFilter | None = None, limit: int | None = 100, oldest_first: bool = False
    ) -> list[str]:
        return [r["trade_id"] for r in ledger.fills(filters, limit=limit, oldest_first=oldest_first)]

    assert ids() == ["4", "3", "2", "1"]
    assert ids(limit=2) == ["4", "3"]
    assert ids(FillFilter(symbol="ETH-USDT")) == ["2"]
    assert ids(FillFilter(account="second")) == ["3"]
    assert ids(FillFilter(venue="binance")) == []
    assert ids(FillFilter(strategy="ema")) == ["4", "1"]
    assert ids(FillFilter(since_ms=base + 1000, until_ms=base + 2000)) == ["3", "2"]
    assert ids(FillFilter(strategy="ema"), limit=None, oldest_first=True) == ["1", "4"]
    assert [r["trade_id"] for r in Ledger.every_fill(ledger)] == ["1", "2", "3", "4"]


def test_a_guard_attached_to_its_entry_is_the_signals_when_the_keeper_reports_it_hit(
    journal: Journal, ledger: Ledger
) -> None:
    # BingX attaches the take-profit and stop to the entry: the answer names them by no id.
    attached = [
        OrderLink("bingx", "default", "", "", "take_profit", "BTC-USDT"),
        OrderLink("bingx", "default", "", "", "stop_loss", "BTC-USDT"),
    ]
    executed(journal, "sig-old", "old", *[replace(a) for a in attached])
    executed(journal, "sig-att", "ema", link("o-entry", OURS, "entry"), *attached)
    at = now_ms()
    ledger.record(
        "executor", KeeperRecord("e1", 1, fill("t-tp", order_id="o-venue", client_order_id="", time_ms=at))
    )
    [before] = ledger.fills()
    assert fill_view(before)["source"] == "external"  # until the keeper says what it was
    ledger.record("executor", KeeperRecord("e1", 2, news(NewsKind.TAKE_PROFIT_HIT, time_ms=at)))
    [row] = ledger.fills()
    assert (row["signal_id"], row["purpose"], row["strategy"], fill_view(row)["source"]) == (
        "sig-att",
        "take_profit",
        "ema",
        "protection",
    )
    # A close made in the exchange's app is news too, and stays external.
    ledger.record(
        "executor", KeeperRecord("e1", 3, fill("t-app", order_id="o-app", client_order_id="", time_ms=at + 5))
    )
    ledger.record("executor", KeeperRecord("e1", 4, news(NewsKind.CLOSED_OUTSIDE, time_ms=at + 5)))
    app = next(r for r in ledger.fills() if r["trade_id"] == "t-app")
    assert (app["signal_id"], fill_view(app)["source"]) == ("", "external")
