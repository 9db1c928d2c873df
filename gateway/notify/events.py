"""What is worth telling the owner, and how each channel says it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("fill", "rejection", "failure", "expiry", "switch", "flatten", "quiet")
_TITLES = {
    "fill": "Filled",
    "rejection": "Rejected",
    "failure": "FAILED",
    "expiry": "Expired",
    "switch": "Trading switch",
    "flatten": "Flatten",
    "quiet": "Strategy quiet",
}


@dataclass(frozen=True)
class Event:
    kind: str
    text: str  # one human line with the essentials
    signal_id: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return _TITLES.get(self.kind, self.kind)

    def message(self) -> str:
        """The message as Telegram and Discord show it."""
        tail = f"\nsignal {self.signal_id}" if self.signal_id else ""
        return f"tvbridge · {self.title}: {self.text}{tail}"

    def payload(self) -> dict[str, Any]:
        """The generic webhook's JSON body."""
        return {"source": "tvbridge", **asdict(self), "message": self.message()}


def from_outcome(result: dict[str, Any], *, venue: str, symbol: str, action: str) -> Event | None:
    """The event for a decided signal, with its essentials; None when there is nothing to say."""
    status = str(result.get("status"))
    signal_id = str(result.get("signal_id", ""))
    where = f"{action} {symbol} on {venue}"
    if result.get("test"):
        return None  # a dry run is not news
    if status == "executed":
        orders = [o for o in result.get("orders", []) if o.get("purpose") in ("entry", "close")]
        if not orders:
            return None  # e.g. already at the target: nothing traded
        parts = [
            f"{o['side']} {o['quantity']} {o['symbol']} @ {o.get('avg_price') or o.get('price') or 'market'}"
            for o in orders
        ]
        guards = [o for o in result.get("orders", []) if o.get("purpose") in ("take_profit", "stop_loss")]
        text = f"{where}: " + "; ".join(parts)
        if guards:
            text += " · " + ", ".join(
                f"{g['purpose'].replace('_', '-')} {g.get('trigger_price')}" for g in guards
            )
        if result.get("note"):
            text += f" · {result['note']}"
        return Event("fill", text, signal_id, {"orders": orders})
    kind = {"rejected": "rejection", "failed": "failure", "expired": "expiry"}.get(status)
    if kind is None:
        return None
    reason = result.get("reason") or (result.get("error") or {}).get("message") or "no reason given"
    return Event(kind, f"{where}: {reason}", signal_id, {"error": result.get("error")})
