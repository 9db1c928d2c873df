"""What a trade is: fills grouped into round trips from flat to flat, per position."""

from __future__ import annotations

from decimal import Decimal

from gateway.core.round_trips import LedgerFill, RoundTrips, round_trips

D = Decimal
_count = iter(range(1, 1_000_000))


def f(side: str, qty: str, *, pnl: str = "0", fee: str = "0.1", **fields: object) -> LedgerFill:
    n = next(_count)
    base: dict[str, object] = {
        "id": n,
        "venue": "bingx",
        "account": "default",
        "symbol": "BTC-USDT",
        "side": side,
        "position_side": "BOTH",
        "quantity": qty,
        "price": "100",
        "fee": fee,
        "fee_asset": "USDT",
        "realized_pnl": pnl,
        "time_ms": n * 1000,
        "signal_id": "",
        "purpose": "",
        "strategy": "s",
    }
    return LedgerFill.of({**base, **fields})


def summary(trips: RoundTrips) -> list[tuple[str, int, int | None, int | None, str, str]]:
    """Each trade: strategy, direction, opened and closed (seconds), realised PnL, fees."""
    return [
        (
            t.strategy,
            t.direction,
            t.opened_ms // 1000 if t.opened_ms is not None else None,
            t.closed_ms // 1000 if t.closed_ms is not None else None,
            str(t.realized_pnl),
            str(t.fees),
        )
        for t in trips.trades
    ]


def test_adds_and_partial_closes_are_one_trade_closed_by_the_fill_that_makes_it_flat() -> None:
    fills = [
        f("buy", "1"),
        f("buy", "1"),
        f("sell", "0.5", pnl="2"),
        f("sell", "0.5", pnl="3"),
        f("sell", "1", pnl="-1"),
        f("buy", "2", strategy="t"),
    ]
    first = fills[0].id
    trips = round_trips(fills)
    assert summary(trips) == [
        ("s", 1, first, first + 4, "4", "0.5"),
        ("t", 1, first + 5, None, "0", "0.1"),  # still open
    ]
    assert [s.trade for s in trips.shares[:5]] == [trips.trades[0]] * 5


def test_a_one_way_fill_past_flat_closes_the_trade_and_opens_the_next_with_the_rest() -> None:
    fills = [
        f("buy", "0.02", fee="0.40"),
        f("sell", "0.03", pnl="20", fee="0.60"),
        f("buy", "0.01", pnl="-10"),
    ]
    trips = round_trips(fills)
    long, short = trips.trades
    assert (long.direction, long.realized_pnl, long.fees, long.closed_ms) == (
        1,
        D(20),
        D("0.80"),
        fills[1].time_ms,
    )
    assert (short.direction, short.realized_pnl, short.fees, short.opened_ms) == (
        -1,
        D(-10),
        D("0.30"),
        fills[1].time_ms,
    )
    flip = [s for s in trips.shares if s.fill is fills[1]]
    assert [(s.trade, s.realized_pnl, s.fee) for s in flip] == [
        (long, D(20), D("0.40")),
        (short, D(0), D("0.20")),
    ]
    assert sum(s.fee for s in flip) == D("0.60")  # the split loses nothing


def test_hedge_sides_are_separate_positions_and_never_flip() -> None:
    fills = [
        f("buy", "1", position_side="LONG"),
        f("sell", "1", position_side="SHORT"),
        f("buy", "1", position_side="SHORT", pnl="-2"),
        f("sell", "3", position_side="LONG", pnl="5"),  # more than seen: closes what there is
    ]
    trips = round_trips(fills)
    assert [(t.direction, t.realized_pnl, t.closed_ms) for t in trips.trades] == [
        (1, D(5), fills[3].time_ms),
        (-1, D(-2), fills[2].time_ms),
    ]
    assert len(trips.shares) == 4


def test_a_close_whose_opening_the_ledger_never_saw_is_a_trade_of_its_own() -> None:
    fills = [
        f("sell", "1", pnl="7", strategy="app"),  # one-way: realised PnL on a flat position
        f("buy", "1", position_side="SHORT", pnl="-3", symbol="ETH-USDT"),  # closes a short side
        f("sell", "1", symbol="SOL-USDT"),  # one-way without PnL: opens a short
    ]
    trips = round_trips(fills)
    assert summary(trips) == [
        ("app", 1, None, fills[0].time_ms // 1000, "7", "0.1"),
        ("s", -1, None, fills[1].time_ms // 1000, "-3", "0.1"),
        ("s", -1, fills[2].time_ms // 1000, None, "0", "0.1"),
    ]


def test_accounts_venues_and_symbols_hold_their_own_positions() -> None:
    fills = [
        f("buy", "1"),
        f("buy", "1", account="other"),
        f("buy", "1", venue="binance"),
        f("sell", "1", pnl="1"),
    ]
    trips = round_trips(fills)
    assert [t.closed_ms for t in trips.trades] == [fills[3].time_ms, None, None]


def test_a_fee_in_another_asset_is_kept_apart() -> None:
    fills = [f("buy", "1", fee="0.001", fee_asset="BNB"), f("sell", "1", pnl="4", fee="0.2")]
    trips = round_trips(fills)
    [trade] = trips.trades
    assert (trade.realized_pnl, trade.fees, trade.net_pnl) == (D(4), D("0.2"), D("3.8"))
    assert [(s.fee, s.other_fee) for s in trips.shares] == [(D(0), D("0.001")), (D("0.2"), D(0))]


def test_a_row_as_the_ledger_reads_it() -> None:
    row = f("buy", "0.0100", pnl="", fee="0.3")
    assert (row.quantity, row.realized_pnl, row.quote, row.direction, row.hedged) == (
        D("0.01"),
        D(0),
        "USDT",
        1,
        False,
    )
