"""Keeper records as the executor's feed delivers them, for the ledger's tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from decimal import Decimal

from common.errors import ErrorClass, TvbridgeError
from common.trading import NewsKind
from gateway.core.execution import PositionSide, Side
from gateway.core.keeper import KeeperFill, KeeperNews, KeeperRecord
from gateway.core.signal import Venue
from gateway.journal.records import now_ms

OURS = "tvb" + "0" * 32  # a client id tvbridge would give


def fill(trade_id: str = "t-1", **fields: object) -> KeeperFill:
    base = KeeperFill(
        venue=Venue.BINGX,
        account="default",
        symbol="BTC-USDT",
        venue_symbol="BTC-USDT",
        trade_id=trade_id,
        order_id="o-1",
        client_order_id=OURS,
        side=Side.BUY,
        position_side=PositionSide.LONG,
        quantity=Decimal("0.0100"),
        price=Decimal("60000.5"),
        fee=Decimal("0.3"),
        fee_asset="USDT",
        realized_pnl=Decimal("0"),
        liquidation=False,
        time_ms=now_ms(),
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def news(kind: NewsKind = NewsKind.TAKE_PROFIT_HIT, **fields: object) -> KeeperNews:
    base = KeeperNews(
        kind=kind,
        venue=Venue.BINGX,
        account="default",
        symbol="BTC-USDT",
        position_side=PositionSide.LONG,
        quantity=Decimal("0.01"),
        price=Decimal("61800"),
        detail="take-profit filled",
        time_ms=now_ms(),
    )
    return replace(base, **fields)  # type: ignore[arg-type]


class FakeExecutor:
    """`watch_keeper` over a log per epoch, as the executor serves it: after (epoch, seq) in the
    current run, or all of the current run for another epoch's cursor; each connection ends
    (the stream breaks) after `breaks_after` records, or stays open waiting."""

    def __init__(self, epoch: str, items: list[KeeperFill | KeeperNews]) -> None:
        self.epoch = epoch
        self.log = [KeeperRecord(epoch, n, item) for n, item in enumerate(items, start=1)]
        self.asked: list[tuple[str, int]] = []
        self.breaks_after: int | None = None
        self.fail_first = 0

    def restart(self, epoch: str, items: list[KeeperFill | KeeperNews]) -> None:
        self.epoch = epoch
        self.log = [KeeperRecord(epoch, n, item) for n, item in enumerate(items, start=1)]

    async def watch_keeper(self, epoch: str, after_seq: int) -> AsyncIterator[KeeperRecord]:
        self.asked.append((epoch, after_seq))
        if self.fail_first:
            self.fail_first -= 1
            raise TvbridgeError(ErrorClass.EXECUTOR_UNAVAILABLE, "the executor is unreachable")
        seq = after_seq if epoch == self.epoch else 0
        sent = 0
        while True:
            for record in [r for r in self.log if r.seq > seq]:
                if self.breaks_after is not None and sent >= self.breaks_after:
                    raise TvbridgeError(ErrorClass.EXECUTOR_UNAVAILABLE, "stream broken")
                yield record
                seq = record.seq
                sent += 1
            await asyncio.sleep(0.01)
