"""Migration 0004: journalled signals move from the executor's protobuf JSON to the gateway's own
form, on SQLite and on PostgreSQL, and back; a signal left pending is still delivered."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from google.protobuf import json_format
from pydantic import SecretStr

from executor.server import RunningExecutor
from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.core.signal import (
    Action,
    MarginMode,
    MarketPosition,
    OrderType,
    Signal,
    SizeKind,
    Venue,
)
from gateway.executor.convert import signal_to_pb
from gateway.journal import engine as db
from gateway.journal import signal_json
from gateway.journal.records import NewSignal, now_ms
from gateway.journal.store import Journal
from tests.support.inproc import RunningSimulator
from tools.processes import wait_until

PASSPHRASE = "migration-passphrase-5Jq"

SIGNALS = [
    Signal(
        signal_id="tv-full-1",
        venue=Venue.BINANCE,
        account="main",
        symbol="ETH-USDT",
        action=Action.BUY,
        size_kind=SizeKind.BALANCE_PCT,
        size=Decimal("12.5"),
        leverage=7,
        margin_mode=MarginMode.ISOLATED,
        order_type=OrderType.LIMIT,
        price=Decimal("3010.25"),
        tp_pct=Decimal("2"),
        stop_loss=Decimal("2900"),
        fired_at=datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=UTC),
        received_at=datetime(2024, 5, 1, 12, 0, 0, 345678, tzinfo=UTC),
        test=True,
        strategy="écart-ema",
        explicit_id=True,
    ),
    Signal(
        signal_id="0f3b5c2a9d1e4f6a8b7c6d5e4f3a2b1c",
        venue=Venue.BINGX,
        account="default",
        symbol="BTC-USDT",
        action=Action.SELL,
        size_kind=SizeKind.QUANTITY,
        size=Decimal("0.0100"),
        market_position=MarketPosition.SHORT,
        take_profit=Decimal("58000"),
        sl_pct=Decimal("1.5"),
        received_at=datetime(2024, 5, 1, 12, 0, 1, tzinfo=UTC),
    ),
    Signal(
        signal_id="tv-flat",
        venue=Venue.BINGX,
        account="default",
        symbol="BTC-USDT",
        action=Action.CLOSE,
        size_kind=None,
        size=None,
        market_position=MarketPosition.FLAT,
        margin_mode=MarginMode.CROSS,
        received_at=datetime(2024, 5, 1, 12, 0, 2, 500, tzinfo=UTC),
        explicit_id=True,
    ),
    Signal(
        signal_id="tv-part",
        venue=Venue.BINGX,
        account="default",
        symbol="SOL-USDT",
        action=Action.CLOSE_LONG,
        size_kind=SizeKind.POSITION_PCT,
        size=Decimal("50"),
        reduce_only=True,
        explicit_id=True,
    ),
]


def protobuf_json(signal: Signal) -> str:
    """A row as the gateway before 0004 wrote it."""
    return json_format.MessageToJson(signal_to_pb(signal), indent=None)


def admit_old(
    journal: Journal, signal: Signal, *, status: str = "executed", expires_ms: int | None = None
) -> None:
    journal.admit(
        NewSignal(
            signal_id=signal.signal_id,
            status=status,
            body="{}",
            received_ms=now_ms(),
            venue=signal.venue.value,
            account=signal.account,
            symbol=signal.symbol,
            action=signal.action.value,
            normalized=protobuf_json(signal),
            expires_ms=expires_ms,
            # As the webhook claims them: an explicit id for ever, a body for its window.
            dedupe_key=f"id:{signal.signal_id}" if signal.explicit_id else f"body:{signal.signal_id}",
            dedupe_until_ms=None if signal.explicit_id else now_ms() + 30_000,
            result={"status": status} if status != "pending" else None,
        )
    )


@pytest.fixture
def old_journal(journal_url: str) -> Iterator[Journal]:
    """A journal at 0003 holding signals in protobuf JSON, and a refusal with none."""
    journal = Journal(journal_url)
    db.upgrade(journal.engine, "0003")
    for signal in SIGNALS:
        admit_old(journal, signal)
    journal.admit(NewSignal("rejected-1", "rejected", "{}", now_ms(), error_code="invalid_signal"))
    yield journal
    journal.close()


def normalized(journal: Journal) -> dict[str, str | None]:
    return {row["signal_id"]: row["normalized"] for row in journal.recent(limit=100)}


def test_upgrade_reads_back_the_same_signals(old_journal: Journal) -> None:
    old_journal.migrate()
    rows = normalized(old_journal)
    assert rows.pop("rejected-1") is None
    assert {signal_id: signal_json.loads(text or "") for signal_id, text in rows.items()} == {
        s.signal_id: s for s in SIGNALS
    }
    for text in rows.values():
        stored: dict[str, Any] = json.loads(text or "")
        assert stored["v"] == 1 and "signalId" not in stored
        assert not any(isinstance(v, str) and v.startswith(("VENUE_", "ACTION_")) for v in stored.values())


def test_downgrade_writes_the_protobuf_json_back(old_journal: Journal) -> None:
    before = normalized(old_journal)
    old_journal.migrate()
    db.downgrade(old_journal.engine, "0003")
    after = normalized(old_journal)
    assert after.keys() == before.keys() and after["rejected-1"] is None
    for signal_id, text in before.items():
        if text is not None:
            assert json.loads(after[signal_id] or "") == json.loads(text), signal_id
    # And up again: a round trip loses nothing.
    old_journal.migrate()
    assert {k: signal_json.loads(v) for k, v in normalized(old_journal).items() if v} == {
        s.signal_id: s for s in SIGNALS
    }


def test_a_row_already_in_our_form_is_left_alone(old_journal: Journal) -> None:
    old_journal.migrate()
    migrated = normalized(old_journal)
    db.upgrade(old_journal.engine)  # nothing left to do
    assert normalized(old_journal) == migrated


def test_a_pending_signal_is_resumed_and_delivered_after_the_upgrade(
    journal_url: str, executor: RunningExecutor, simulator: RunningSimulator
) -> None:
    signal = Signal(
        signal_id="tv-left-pending",
        venue=Venue.BINGX,
        account="default",
        symbol="BTC-USDT",
        action=Action.BUY,
        size_kind=SizeKind.QUANTITY,
        size=Decimal("0.0100"),
        received_at=datetime.now(UTC),  # young enough to trade: the executor expires old ones
        explicit_id=True,
    )
    journal = Journal(journal_url)
    db.upgrade(journal.engine, "0003")
    admit_old(journal, signal, status="pending", expires_ms=now_ms() + 60_000)
    journal.close()

    settings = GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{executor.port}",
        database_url=SecretStr(journal_url),
    )
    auth = {"Authorization": f"Bearer {PASSPHRASE}"}
    with TestClient(create_app(settings)) as client:

        def view() -> dict[str, Any]:
            answer: dict[str, Any] = client.get("/signals/tv-left-pending", headers=auth).json()
            return answer

        assert wait_until(lambda: view()["status"] != "pending", 15)
        answer = view()
        assert answer["status"] == "executed" and answer["journal"]["attempts"] == 1
        [order] = answer["orders"]
        assert (order["venue"], order["symbol"], order["side"], order["quantity"]) == (
            "bingx",
            "BTC-USDT",
            "buy",
            "0.01",
        )
        # A repeat of its id is still that signal, after the upgrade as before.
        repeat = client.post(
            "/webhook",
            json={
                "action": "buy",
                "ticker": "BTCUSDT",
                "quantity": 1,
                "id": "tv-left-pending",
                "passphrase": PASSPHRASE,
            },
        )
        assert (repeat.status_code, repeat.json()["duplicate"]) == (200, True)
    placed = [o for a in simulator.sim.exchanges["bingx"].accounts.values() for o in a.orders]
    assert [str(o) for o in placed] == [order["order_id"]]


def test_a_row_it_cannot_read_stops_the_upgrade_and_changes_nothing(old_journal: Journal) -> None:
    odd = '{"signalId": "tv-odd", "venue": "VENUE_BINGX", "action": "ACTION_BUY", "mystery": 1}'
    old_journal.admit(NewSignal("tv-odd", "executed", "{}", now_ms(), normalized=odd))
    before = normalized(old_journal)
    with pytest.raises(RuntimeError, match=r"tv-odd.*mystery"):
        old_journal.migrate()
    assert normalized(old_journal) == before
    with old_journal.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).all() == [("0003",)]
