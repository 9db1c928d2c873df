"""What the executor says of the venues: each account's connection check, balances and positions,
typed, and the views the dashboard reads (/api/status, /api/accounts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from common.trading import Balance, Position
from gateway.core.execution import UNSPECIFIED, ExecutionError, text, word
from gateway.core.signal import Venue


@dataclass(frozen=True)
class ConnectionCheck:
    venue: Venue | None
    account: str
    base_url: str
    ok: bool
    latency_ms: int = 0
    clock_offset_ms: int = 0  # venue time minus ours
    can_read: bool = False
    can_trade: bool = False
    error: ExecutionError | None = None

    def view(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "venue": word(self.venue),
            "account": self.account,
            "base_url": self.base_url,
            "ok": self.ok,
            "latency_ms": self.latency_ms,
            "clock_offset_ms": self.clock_offset_ms,
            "can_read": self.can_read,
            "can_trade": self.can_trade,
        }
        if self.error is not None:
            out["error"] = {"code": self.error.code, "message": self.error.message}
        return out


@dataclass(frozen=True)
class Account:
    hedge_mode: bool
    balances: list[Balance] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        return {
            "hedge_mode": self.hedge_mode,
            "balances": [
                {
                    "asset": b.asset,
                    "wallet": text(b.wallet),
                    "available": text(b.available),
                    "equity": text(b.equity),
                    "unrealized_pnl": text(b.unrealized_pnl),
                }
                for b in self.balances
            ],
            "positions": [position_view(p) for p in self.positions],
        }


def position_view(p: Position) -> dict[str, Any]:
    """A position as the owner API shows it (`/api/accounts`, `/api/positions`)."""
    return {
        "symbol": p.symbol,
        "venue_symbol": p.venue_symbol,
        "position_side": word(p.position_side, UNSPECIFIED.upper()),
        "quantity": text(p.quantity),
        "entry_price": text(p.entry_price),
        "mark_price": text(p.mark_price),
        "unrealized_pnl": text(p.unrealized_pnl),
        "leverage": p.leverage,
        "margin_mode": word(p.margin_mode),
    }
