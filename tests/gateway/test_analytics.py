"""Analytics over the hand-worked ledger of tests/gateway/analytics_support.py, read back from a
real journal (SQLite and PostgreSQL): PnL and fees to the cent, win rate, profit factor,
drawdown, the series, slippage and fire-to-fill times, each filter.

The sums, worked by hand:
- realised: 4.85 - 2.65 - 33.00 + 20.00 - 10.00 + 30.00 = 9.20
- fees: 0.60 (trade 1) + 2.41 (2) + 1.00 (fills 6, 7) + 0.208 (8) + 0.81 (5) + 0.24 (open) = 5.268
- net 3.932; trades' nets +1.60, -35.41, +19.20, -10.408, +29.19: 3 wins of 5
- profit factor 49.99 / 45.818 = 1.09106; largest win 29.19, largest loss -35.41
- equity after each fill: -0.30, 4.40, 1.60, 0.40, -33.81, -34.21, -14.81, -25.018, -25.418,
  4.172, 3.932: the peak 4.40 falls to -34.21, a drawdown of 38.61
- slippage (bps): buy 60030 vs 60000 = 5, sell 2997 vs 3000 = 10, buy 3030 vs 3000 = 100,
  buy 50000 vs 50000 = 0, buy 60000 vs 60000 = 0: p50 5, p90 10 + 0.6 x 90 = 64
- fire to fill (ms): 250, 300, 400, 600, 900, 1500: p50 500, p90 900 + 0.5 x 600 = 1200
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gateway.core.fills import FillFilter
from gateway.journal.ledger import Ledger
from gateway.journal.store import Journal
from tests.gateway.analytics_support import DAY, HOUR, T0, write_ledger


@pytest.fixture
def ledger(journal_url: str) -> Iterator[Ledger]:
    journal = Journal(journal_url)
    journal.migrate()
    try:
        yield write_ledger(journal)
    finally:
        journal.close()


def money(figures: dict[str, Any]) -> dict[str, Any]:
    keys = ("realized_pnl", "fees", "net_pnl", "trades", "wins", "losses", "win_rate", "profit_factor")
    return {key: figures[key] for key in (*keys, "largest_win", "largest_loss", "max_drawdown")}


def test_the_total_matches_the_hand_worked_ledger(ledger: Ledger) -> None:
    report = ledger.analytics(FillFilter())
    total = report["total"]
    assert money(total) == {
        "realized_pnl": "9.2",
        "fees": "5.268",
        "net_pnl": "3.932",
        "trades": 5,
        "wins": 3,
        "losses": 2,
        "win_rate": "0.6",
        "profit_factor": "1.0911",
        "largest_win": "29.19",
        "largest_loss": "-35.41",
        "max_drawdown": "38.61",
    }
    assert total["other_fees"] == {}
    assert [p["equity"] for p in total["equity_curve"]] == [
        "-0.3",
        "4.4",
        "1.6",
        "0.4",
        "-33.81",
        "-34.21",
        "-14.81",  # the flip's two shares, one moment: one point
        "-25.018",
        "-25.418",
        "4.172",
        "3.932",
    ]
    assert total["equity_curve"][0]["time"] == "2026-01-01T00:00:00.000Z"
    assert total["daily_pnl"] == [
        {"date": "2026-01-01", "net_pnl": "1.6"},
        {"date": "2026-01-02", "net_pnl": "-35.41"},
        {"date": "2026-01-03", "net_pnl": "19"},
        {"date": "2026-01-04", "net_pnl": "18.982"},
        {"date": "2026-01-05", "net_pnl": "-0.24"},
    ]
    # Bands of 10 bps (a tenth of the 0 to 100 range): 0, 0 and 5 in the first, 100 alone in the last.
    bands = [{"from": str(10 * n), "to": str(10 * n + 10), "count": 0} for n in range(11)]
    for n, count in ((0, 3), (1, 1), (10, 1)):
        bands[n]["count"] = count
    assert total["slippage_bps"] == {
        "count": 5,
        "p50": "5",
        "p90": "64",
        "bands": bands,
        "values": ["5", "10", "100", "0", "0"],
    }
    assert total["fire_to_fill_ms"] == {"count": 6, "p50": "500", "p90": "1200"}


def test_each_strategy_has_the_trades_its_signals_opened(ledger: Ledger) -> None:
    strategies = ledger.analytics(FillFilter())["strategies"]
    assert list(strategies) == ["", "ema", "rsi"]
    assert money(strategies["ema"]) == {
        "realized_pnl": "-30.8",
        "fees": "3.25",
        "net_pnl": "-34.05",
        "trades": 2,
        "wins": 1,
        "losses": 1,
        "win_rate": "0.5",
        "profit_factor": "0.0452",  # 1.60 / 35.41
        "largest_win": "1.6",
        "largest_loss": "-35.41",
        "max_drawdown": "38.45",  # 4.40 down to -34.05 with the open position's fee
    }
    # The exchange's app closed rsi's short: the close is still rsi's trade.
    assert money(strategies["rsi"]) == {
        "realized_pnl": "10",
        "fees": "1.208",
        "net_pnl": "8.792",
        "trades": 2,
        "wins": 1,
        "losses": 1,
        "win_rate": "0.5",
        "profit_factor": "1.8447",  # 19.20 / 10.408
        "largest_win": "19.2",
        "largest_loss": "-10.408",
        "max_drawdown": "10.208",
    }
    assert money(strategies[""]) == {
        "realized_pnl": "30",
        "fees": "0.81",
        "net_pnl": "29.19",
        "trades": 1,
        "wins": 1,
        "losses": 0,
        "win_rate": "1",
        "profit_factor": None,  # nothing lost
        "largest_win": "29.19",
        "largest_loss": None,
        "max_drawdown": "0.4",  # the entry's fee, below the start
    }
    assert strategies["ema"]["slippage_bps"] | {"values": [], "bands": []} == {
        "count": 4,
        "p50": "7.5",
        "p90": "73",
        "values": [],
        "bands": [],
    }
    assert strategies["rsi"]["slippage_bps"]["count"] == 1  # rsi-2 carried no alert price
    assert strategies["rsi"]["fire_to_fill_ms"] == {"count": 2, "p50": "500", "p90": "580"}
    assert strategies[""]["slippage_bps"] == {"count": 0, "p50": None, "p90": None, "bands": [], "values": []}


def test_a_window_counts_the_fills_in_it_and_the_trades_closed_in_it(ledger: Ledger) -> None:
    # Day 2 to day 4 inclusive: fills 4 to 8. Trade 1 closed before; trade 4 at the very end.
    window = ledger.analytics(FillFilter(since_ms=T0 + DAY, until_ms=T0 + 3 * DAY))
    assert money(window["total"]) == {
        "realized_pnl": "-23",
        "fees": "3.618",
        "net_pnl": "-26.618",
        "trades": 3,
        "wins": 1,
        "losses": 2,
        "win_rate": "0.3333",
        "profit_factor": "0.419",  # 19.20 / 45.818
        "largest_win": "19.2",
        "largest_loss": "-35.41",
        "max_drawdown": "35.81",  # from the start: -1.20, -35.41, -35.81, -16.41, -26.618
    }
    assert window["total"]["equity_curve"][0] == {"time": "2026-01-02T00:00:00.000Z", "equity": "-1.2"}
    assert window["total"]["fire_to_fill_ms"]["count"] == 4
    # A trade opened before the window counts whole when it closes in it.
    late = ledger.analytics(FillFilter(since_ms=T0 + 3 * DAY + 2 * HOUR))
    assert (late["total"]["trades"], late["total"]["largest_win"], late["total"]["net_pnl"]) == (
        1,
        "29.19",
        "29.35",  # +29.59 of the close, -0.24 of the open position
    )


def test_the_filters_pick_strategies_venues_and_accounts(ledger: Ledger) -> None:
    rsi = ledger.analytics(FillFilter(strategy="rsi"))
    assert list(rsi["strategies"]) == ["rsi"]
    assert rsi["total"] == rsi["strategies"]["rsi"]
    binance = ledger.analytics(FillFilter(venue="binance"))
    assert list(binance["strategies"]) == ["rsi"] and binance["total"]["net_pnl"] == "8.792"
    assert ledger.analytics(FillFilter(account="main"))["total"] == binance["total"]
    sol = ledger.analytics(FillFilter(symbol="SOL-USDT"))
    assert list(sol["strategies"]) == [""] and sol["total"]["trades"] == 1
    nothing = ledger.analytics(FillFilter(venue="binance", strategy="ema"))
    assert nothing["strategies"] == {}
    assert money(nothing["total"]) == {
        "realized_pnl": "0",
        "fees": "0",
        "net_pnl": "0",
        "trades": 0,
        "wins": 0,
        "losses": 0,
        "win_rate": None,
        "profit_factor": None,
        "largest_win": None,
        "largest_loss": None,
        "max_drawdown": "0",
    }
    assert nothing["total"]["equity_curve"] == [] and nothing["total"]["daily_pnl"] == []
