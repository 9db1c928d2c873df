"""How an update changes a position's exit plan: the new stop and trail are the ones it follows."""

from __future__ import annotations

from decimal import Decimal

from executor.core.model import Action, PositionSide, Side, Venue
from executor.core.ports import ProtectionKind, ProtectionRequest
from executor.core.update import Held, Updated, plan_change
from tests.conftest import make_signal
from tests.executor.core.test_keeper_exits import RULES, WHERE, plan

D = Decimal
HELD = Held(PositionSide.LONG, True, D("0.006"), D("60000"), D("61000"))


def request(
    kind: ProtectionKind, cid: str, trigger: str | None, callback: str | None = None
) -> ProtectionRequest:
    return ProtectionRequest(
        "BTCUSDT",
        kind,
        Side.SELL,
        PositionSide.LONG,
        D("0.006"),
        D(trigger) if trigger else None,
        cid,
        D(callback) if callback else None,
    )


def test_the_plan_follows_the_updates_stop_and_trail_and_keeps_its_ladder() -> None:
    kept = plan()
    kept.trail_placed, kept.trail_order_id = True, "trail-old"
    stop = request(ProtectionKind.STOP_LOSS, "new-stop", "59500")
    trail = request(ProtectionKind.TRAILING_STOP, "new-trail", None, "0.5")
    done = Updated(HELD, [], [], (stop, "stop-9"), None, (trail, "trail-9"))
    signal = make_signal(Action.UPDATE, venue=Venue.BINANCE, signal_id="upd")
    changed = plan_change(RULES, signal, WHERE, done)(kept)
    assert changed is kept
    assert (kept.stop, kept.stop_order_id) == (stop, "stop-9")
    assert (kept.trail, kept.trail_order_id, kept.trail_placed) == (trail, "trail-9", True)
    assert [s.order_id for s in kept.steps] == ["tp1", "tp2", "tp3"]


def test_a_side_without_a_plan_gets_none_unless_the_update_placed_a_ladder() -> None:
    stop = request(ProtectionKind.STOP_LOSS, "new-stop", "59500")
    done = Updated(HELD, [], [], (stop, "stop-9"), None)
    assert plan_change(RULES, make_signal(Action.UPDATE, venue=Venue.BINANCE), WHERE, done)(None) is None
