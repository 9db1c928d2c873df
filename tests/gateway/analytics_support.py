"""A ledger small enough to work out by hand, for the analytics tests (the figures are worked out
in tests/gateway/test_analytics.py).

Five round trips and one position still open, over five UTC days from 2026-01-01 (T0). Each fill
as time after T0: side quantity @ price, fee, realised PnL; each trade's net PnL last.

1. ema, BingX BTC long (hedge): 0 buy 0.010 @ 60030, 0.30; 1h take-profit sell 0.005 @ 61000,
   0.15, +4.85; 2h stop sell 0.005 @ 59500, 0.15, -2.65. Net +1.60.
2. ema, BingX ETH short (hedge): 1d sell 1 @ 2997, 1.20; 1d1h close signal buy 1 @ 3030, 1.21,
   -33.00. Net -35.41.
3. rsi, Binance BTC (one-way): 2d buy 0.02 @ 50000, 0.40; 2d1h sell 0.03 @ 51000, 0.60, +20.00,
   which closes the 0.02 with 0.40 of its fee. Net +19.20.
4. rsi, the same: the flip's 0.01 short with the other 0.20 of its fee; 3d bought back in the
   exchange's app, buy 0.01 @ 52000, 0.208, -10.00. Net -10.408.
5. no strategy, BingX SOL long from the app: 3d1h buy 10 @ 100, 0.40; 3d2h sell 10 @ 103, 0.41,
   +30.00. Net +29.19.
6. ema, BingX BTC: 4d buy 0.01 @ 60000, 0.24, still open.

Alert prices: ema-1 60000, ema-2 3000, ema-3 3000, rsi-1 50000, rsi-2 none, ema-4 60000. Fired
before the fill: 1500, 250, 900, 400, 600, 300 ms.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gateway.core.execution import OrderPurpose, PositionSide, Side
from gateway.core.keeper import KeeperFill, KeeperRecord
from gateway.core.signal import Action, Signal, SizeKind, Venue
from gateway.journal import signal_json
from gateway.journal.ledger import Ledger
from gateway.journal.records import NewSignal, Outcome
from gateway.journal.store import Journal
from tests.gateway.ledger_support import fill

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z
HOUR = 3_600_000
DAY = 24 * HOUR


@dataclass(frozen=True)
class SignalCase:
    signal_id: str
    strategy: str
    venue: Venue
    account: str
    symbol: str
    action: Action
    alert_price: str | None
    fired_before_fill_ms: int
    filled_ms: int


SIGNALS = [
    SignalCase("ema-1", "ema", Venue.BINGX, "default", "BTC-USDT", Action.BUY, "60000", 1500, T0),
    SignalCase("ema-2", "ema", Venue.BINGX, "default", "ETH-USDT", Action.SELL, "3000", 250, T0 + DAY),
    SignalCase(
        "ema-3", "ema", Venue.BINGX, "default", "ETH-USDT", Action.CLOSE, "3000", 900, T0 + DAY + HOUR
    ),
    SignalCase("rsi-1", "rsi", Venue.BINANCE, "main", "BTC-USDT", Action.BUY, "50000", 400, T0 + 2 * DAY),
    SignalCase(
        "rsi-2", "rsi", Venue.BINANCE, "main", "BTC-USDT", Action.SELL, None, 600, T0 + 2 * DAY + HOUR
    ),
    SignalCase("ema-4", "ema", Venue.BINGX, "default", "BTC-USDT", Action.BUY, "60000", 300, T0 + 4 * DAY),
]


def _admit(journal: Journal, case: SignalCase) -> None:
    fired_ms = case.filled_ms - case.fired_before_fill_ms
    signal = Signal(
        signal_id=case.signal_id,
        venue=case.venue,
        account=case.account,
        symbol=case.symbol,
        action=case.action,
        size_kind=SizeKind.QUANTITY if case.action is not Action.CLOSE else None,
        size=Decimal(1) if case.action is not Action.CLOSE else None,
        strategy=case.strategy,
        alert_price=Decimal(case.alert_price) if case.alert_price is not None else None,
    )
    journal.admit(
        NewSignal(
            case.signal_id,
            "pending",
            "{}",
            fired_ms + 50,
            venue=case.venue.value,
            account=case.account,
            symbol=case.symbol,
            action=case.action.value,
            strategy=case.strategy,
            normalized=signal_json.dumps(signal),
            fired_ms=fired_ms,
        )
    )
    journal.finish(case.signal_id, Outcome("executed", {"status": "executed"}))


def _fills() -> list[KeeperFill]:
    def ours(trade_id: str, signal_id: str, purpose: OrderPurpose, **fields: object) -> KeeperFill:
        return fill(trade_id, order_id=f"o-{trade_id}", signal_id=signal_id, purpose=purpose, **fields)

    binance = {
        "venue": Venue.BINANCE,
        "account": "main",
        "venue_symbol": "BTCUSDT",
        "position_side": PositionSide.BOTH,
    }
    eth = {"symbol": "ETH-USDT", "venue_symbol": "ETH-USDT", "position_side": PositionSide.SHORT}
    sol = {"symbol": "SOL-USDT", "venue_symbol": "SOL-USDT", "position_side": PositionSide.LONG}
    d = Decimal
    return [
        ours(
            "1", "ema-1", OrderPurpose.ENTRY, quantity=d("0.010"), price=d("60030"), fee=d("0.30"), time_ms=T0
        ),
        ours(
            "2",
            "ema-1",
            OrderPurpose.TAKE_PROFIT,
            side=Side.SELL,
            quantity=d("0.005"),
            price=d("61000"),
            fee=d("0.15"),
            realized_pnl=d("4.85"),
            time_ms=T0 + HOUR,
        ),
        ours(
            "3",
            "ema-1",
            OrderPurpose.STOP_LOSS,
            side=Side.SELL,
            quantity=d("0.005"),
            price=d("59500"),
            fee=d("0.15"),
            realized_pnl=d("-2.65"),
            time_ms=T0 + 2 * HOUR,
        ),
        ours(
            "4",
            "ema-2",
            OrderPurpose.ENTRY,
            side=Side.SELL,
            quantity=d("1"),
            price=d("2997"),
            fee=d("1.20"),
            time_ms=T0 + DAY,
            **eth,
        ),
        ours(
            "5",
            "ema-3",
            OrderPurpose.CLOSE,
            quantity=d("1"),
            price=d("3030"),
            fee=d("1.21"),
            realized_pnl=d("-33.00"),
            time_ms=T0 + DAY + HOUR,
            **eth,
        ),
        ours(
            "6",
            "rsi-1",
            OrderPurpose.ENTRY,
            quantity=d("0.02"),
            price=d("50000"),
            fee=d("0.40"),
            time_ms=T0 + 2 * DAY,
            **binance,
        ),
        ours(
            "7",
            "rsi-2",
            OrderPurpose.ENTRY,
            side=Side.SELL,
            quantity=d("0.03"),
            price=d("51000"),
            fee=d("0.60"),
            realized_pnl=d("20.00"),
            time_ms=T0 + 2 * DAY + HOUR,
            **binance,
        ),
        fill(
            "8",
            order_id="o-8",
            client_order_id="web_1",
            quantity=d("0.01"),
            price=d("52000"),
            fee=d("0.208"),
            realized_pnl=d("-10.00"),
            time_ms=T0 + 3 * DAY,
            **binance,
        ),
        fill(
            "9",
            order_id="o-9",
            client_order_id="web_2",
            quantity=d("10"),
            price=d("100"),
            fee=d("0.40"),
            time_ms=T0 + 3 * DAY + HOUR,
            **sol,
        ),
        fill(
            "10",
            order_id="o-10",
            client_order_id="web_3",
            side=Side.SELL,
            quantity=d("10"),
            price=d("103"),
            fee=d("0.41"),
            realized_pnl=d("30.00"),
            time_ms=T0 + 3 * DAY + 2 * HOUR,
            **sol,
        ),
        ours(
            "11",
            "ema-4",
            OrderPurpose.ENTRY,
            quantity=d("0.01"),
            price=d("60000"),
            fee=d("0.24"),
            time_ms=T0 + 4 * DAY,
        ),
    ]


def write_ledger(journal: Journal) -> Ledger:
    """The signals in the journal, then their fills through the feed's own write."""
    for case in SIGNALS:
        _admit(journal, case)
    ledger = Ledger(journal.engine)
    for n, item in enumerate(_fills(), start=1):
        ledger.record("executor", KeeperRecord("e1", n, item))
    return ledger
