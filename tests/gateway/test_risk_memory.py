"""The risk limits' memory as the gateway works it out from a hand-built journal (SQLite and
PostgreSQL): today's realised net per scope with the owner's resume forgiven as the executor's
`Results.forgive` does, the trades since each scope's streak last started over, each symbol's last
stop; nothing at or after the cutoff. And the hand-over: asked first, the journal read only when
the executor wants it, counted up to the start it names; the figures cross the wire whole.

The journal, worked by hand. Day D is 2026-03-10 (UTC); the cutoff (the executor's start) D 12:00.
bingx/default, hedge-mode longs, each trade an entry fill then a closing fill (fee, realised PnL):
- A scalper ETH, D-1 10:00 / 11:00: fee 0.5, then -10 fee 0.5: net -11 (yesterday)
- B Scalper SOL, D 01:00 / 02:00: fee 1, then -20 fee 1: net -22 (the signal says "Scalper")
- C swing BTC, D 04:00 / 05:00: fee 0.2, then +5 fee 0.2: net +4.6
- D scalper XRP, D 06:00 / 07:00: fee 0.3, then -3 fee 0.3: net -3.6
- E no strategy (the app) DOGE, D 09:00 / 10:00: fee 0.1, then -1 fee 0.1: net -1.2
- F swing ADA, D 11:00: fee 0.4, still open
- G scalper LINK, D 13:00: after the cutoff, never counted
Events: the account resumed D-1 12:00; scalper resumed D 03:00 (its realised then: -22);
swing paused for its daily loss D 05:30 (does not spend a streak); the account paused for its
losing streak D 07:30 (spends A..D for the account); scalper resumed again D 12:30 (after the
cutoff). Stops: ETH liquidated D-1 11:00, SOL stopped D 02:00, an XRP take-profit D 07:00, a
SOL stop D 13:00 (after the cutoff).
binance/main, one-way: H rsi BTC D 01:00 / 02:00: fee 0.25, then +2 fee 0.25: net +1.5.

So, bingx/default: the account's realised today -22 + 4.6 - 3.6 - 1.2 - 0.4 = -22.6, nothing
forgiven, trades since D 07:30: E. Scalper: -25.6 realised, -22 forgiven (its resume at D 03:00),
trades since: D. Swing: 4.6 - 0.4 = 4.2, trades: C.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from decimal import Decimal

import pytest

from common.pauses import DAY_MS, PauseChange, PauseEvent
from common.risk_memory import AccountMemory, MemoryReply, ScopeMemory
from common.trading import NewsKind
from executor import convert_risk_memory as executor_memory
from gateway.core.execution import PositionSide, Side
from gateway.core.keeper import KeeperFill, KeeperNews, KeeperRecord
from gateway.core.risk_memory import RiskMemoryHandOver
from gateway.core.signal import Venue
from gateway.executor.convert import risk_memory as gateway_memory
from gateway.journal import pauses, risk_memory
from gateway.journal.ledger import Ledger
from gateway.journal.records import NewSignal, Outcome
from gateway.journal.store import Journal
from tests.gateway.ledger_support import fill, news
from tvbridge.executor.v1 import executor_pb2 as pb

D = 1_773_100_800_000  # 2026-03-10T00:00:00Z
H = 3_600_000
CUTOFF = D + 12 * H


def _trade(
    name: str, strategy: str, symbol: str, opened: int, closed: int | None, fee: str, pnl: str = "0"
) -> tuple[NewSignal, list[KeeperFill]]:
    signal = NewSignal(
        f"sig-{name}",
        "pending",
        "{}",
        opened - 1000,
        venue="bingx",
        account="default",
        symbol=symbol,
        action="buy",
        strategy=strategy,
    )
    where = {
        "symbol": symbol,
        "venue_symbol": symbol,
        "position_side": PositionSide.LONG,
        "order_id": f"o-{name}",
    }
    entry = fill(
        f"{name}-in",
        signal_id=signal.signal_id if strategy else "",
        fee=Decimal(fee),
        time_ms=opened,
        **where,
    )
    fills = [entry]
    if closed is not None:
        fills.append(
            fill(
                f"{name}-out",
                signal_id=entry.signal_id,
                side=Side.SELL,
                fee=Decimal(fee),
                realized_pnl=Decimal(pnl),
                time_ms=closed,
                **where,
            )
        )
    return signal, fills


def write_journal(journal: Journal) -> Ledger:
    trades = [
        _trade("A", "scalper", "ETH-USDT", D - DAY_MS + 10 * H, D - DAY_MS + 11 * H, "0.5", "-10"),
        _trade("B", "Scalper", "SOL-USDT", D + 1 * H, D + 2 * H, "1", "-20"),
        _trade("C", "swing", "BTC-USDT", D + 4 * H, D + 5 * H, "0.2", "5"),
        _trade("D", "scalper", "XRP-USDT", D + 6 * H, D + 7 * H, "0.3", "-3"),
        _trade("E", "", "DOGE-USDT", D + 9 * H, D + 10 * H, "0.1", "-1"),
        _trade("F", "swing", "ADA-USDT", D + 11 * H, None, "0.4"),
        _trade("G", "scalper", "LINK-USDT", D + 13 * H, D + 14 * H, "0.5", "-50"),
    ]
    binance = {
        "venue": Venue.BINANCE,
        "account": "main",
        "venue_symbol": "BTCUSDT",
        "position_side": PositionSide.BOTH,
    }
    rsi = NewSignal(
        "sig-H", "pending", "{}", D, venue="binance", account="main", symbol="BTC-USDT", strategy="rsi"
    )
    h_fills = [
        fill("H-in", signal_id="sig-H", fee=Decimal("0.25"), time_ms=D + 1 * H, **binance),
        fill(
            "H-out",
            signal_id="sig-H",
            side=Side.SELL,
            fee=Decimal("0.25"),
            realized_pnl=Decimal(2),
            time_ms=D + 2 * H,
            **binance,
        ),
    ]
    for signal, _ in [*trades, (rsi, [])]:
        if signal.strategy:  # E's fills are the exchange app's: no signal
            journal.admit(signal)
            journal.finish(signal.signal_id, Outcome("executed", {"status": "executed"}))
    stops: list[KeeperNews] = [
        news(NewsKind.LIQUIDATION, symbol="ETH-USDT", time_ms=D - DAY_MS + 11 * H),
        news(NewsKind.STOP_HIT, symbol="SOL-USDT", time_ms=D + 2 * H),
        news(NewsKind.TAKE_PROFIT_HIT, symbol="XRP-USDT", time_ms=D + 7 * H),
        news(NewsKind.STOP_HIT, symbol="SOL-USDT", time_ms=D + 13 * H),
    ]
    items: list[KeeperFill | KeeperNews] = [f for _, fs in trades for f in fs] + h_fills + stops
    ledger = Ledger(journal.engine)
    for seq, item in enumerate(items, start=1):
        ledger.record("feed", KeeperRecord("run-1", seq, item))
    events = [
        PauseEvent(PauseChange.RESUMED, "bingx", "default", "", D - DAY_MS + 12 * H, actor="owner"),
        PauseEvent(PauseChange.RESUMED, "bingx", "default", "scalper", D + 3 * H, actor="owner"),
        PauseEvent(
            PauseChange.PAUSED,
            "bingx",
            "default",
            "swing",
            D + 5 * H + H // 2,
            D + DAY_MS,
            "RISK_MAX_DAILY_LOSS_USDT",
            "lost",
            "executor",
        ),
        PauseEvent(
            PauseChange.PAUSED,
            "bingx",
            "default",
            "",
            D + 7 * H + H // 2,
            D + DAY_MS,
            "RISK_MAX_CONSECUTIVE_LOSSES",
            "lost its last 3 trades",
            "executor",
        ),
        PauseEvent(PauseChange.RESUMED, "bingx", "default", "scalper", D + 12 * H + H // 2, actor="owner"),
    ]
    with journal.engine.begin() as conn:
        for event in events:
            pauses.record_in(conn, event)
    return ledger


@pytest.fixture
def ledger(journal_url: str) -> Iterator[Ledger]:
    journal = Journal(journal_url)
    journal.migrate()
    try:
        yield write_journal(journal)
    finally:
        journal.close()


def nets(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


def test_the_memory_matches_the_hand_worked_journal(ledger: Ledger) -> None:
    bingx, binance = sorted(risk_memory.read(ledger, CUTOFF), key=lambda m: m.venue, reverse=True)
    assert (bingx.venue, bingx.account) == ("bingx", "default")
    assert bingx.scopes == (
        ScopeMemory("", Decimal("-22.6"), Decimal(0), nets("-1.2")),
        ScopeMemory("scalper", Decimal("-25.6"), Decimal(-22), nets("-3.6")),
        ScopeMemory("swing", Decimal("4.2"), Decimal(0), nets("4.6")),
    )
    assert bingx.stops == {"ETH-USDT": D - DAY_MS + 11 * H, "SOL-USDT": D + 2 * H}
    assert binance == AccountMemory(
        "binance",
        "main",
        (
            ScopeMemory("", Decimal("1.5"), Decimal(0), nets("1.5")),
            ScopeMemory("rsi", Decimal("1.5"), Decimal(0), nets("1.5")),
        ),
        {},
    )


def test_a_later_cutoff_takes_what_came_after_and_the_next_day_starts_afresh(ledger: Ledger) -> None:
    later = {(m.venue, m.account): m for m in risk_memory.read(ledger, D + 15 * H)}
    bingx = later[("bingx", "default")]
    by_scope = {s.strategy: s for s in bingx.scopes}
    # G (-51) counts today; scalper's resume at 12:30 forgave its -25.6, and spent D.
    assert by_scope["scalper"] == ScopeMemory("scalper", Decimal("-76.6"), Decimal("-25.6"), nets("-51"))
    assert by_scope[""].trades == nets("-1.2", "-51")
    assert bingx.stops["SOL-USDT"] == D + 13 * H

    tomorrow = {(m.venue, m.account): m for m in risk_memory.read(ledger, D + DAY_MS + H)}
    scopes = {s.strategy: s for s in tomorrow[("bingx", "default")].scopes}
    # Nothing realised yet tomorrow, the day's resumes forgive nothing; the streaks carry over.
    assert scopes[""] == ScopeMemory("", Decimal(0), Decimal(0), nets("-1.2", "-51"))
    assert scopes["swing"] == ScopeMemory("swing", Decimal(0), Decimal(0), nets("4.6"))


def test_before_anything_happened_there_is_nothing_to_remember(ledger: Ledger) -> None:
    assert risk_memory.read(ledger, D - 2 * DAY_MS) == []


class FakeExecutor:
    def __init__(self, wanted: bool) -> None:
        self.wanted = wanted
        self.calls: list[tuple[int | None, list[AccountMemory]]] = []

    async def remember_risk(self, cutoff_ms: int | None, accounts: list[AccountMemory]) -> MemoryReply:
        self.calls.append((cutoff_ms, accounts))
        taken = self.wanted and cutoff_ms == CUTOFF
        return MemoryReply(CUTOFF, self.wanted and not taken, taken)


def test_the_hand_over_reads_the_journal_up_to_the_executors_start_only_when_wanted() -> None:
    read: list[int] = []
    memory = [AccountMemory("bingx", "default", (ScopeMemory("", Decimal(-5)),))]

    async def reader(cutoff_ms: int) -> list[AccountMemory]:
        read.append(cutoff_ms)
        return memory

    executor = FakeExecutor(wanted=True)
    assert asyncio.run(RiskMemoryHandOver(executor, reader).hand_over()).taken
    assert read == [CUTOFF]
    assert executor.calls == [(None, []), (CUTOFF, memory)]

    executor, read[:] = FakeExecutor(wanted=False), []
    assert not asyncio.run(RiskMemoryHandOver(executor, reader).hand_over()).taken
    assert read == [] and executor.calls == [(None, [])]


def test_the_memory_crosses_the_wire_whole() -> None:
    sent = [
        AccountMemory(
            "binance",
            "main",
            (ScopeMemory("", Decimal("-12.5"), Decimal("-2.25"), nets("-1.2", "0", "3")), ScopeMemory("rsi")),
            {"BTC-USDT": D + H},
        )
    ]
    wire = gateway_memory.memory_to_pb(CUTOFF, sent).SerializeToString()
    request = pb.RiskMemory.FromString(wire)
    assert executor_memory.cutoff_from_pb(request) == CUTOFF
    assert executor_memory.memories_from_pb(request.accounts) == sent
    assert executor_memory.cutoff_from_pb(gateway_memory.memory_to_pb(None, [])) is None
    reply = executor_memory.reply_to_pb(MemoryReply(CUTOFF, wanted=False, taken=True))
    assert gateway_memory.memory_reply_from_pb(reply) == MemoryReply(CUTOFF, wanted=False, taken=True)
