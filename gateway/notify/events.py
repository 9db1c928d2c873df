"""What is worth telling the owner, and how each channel says it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from common.pauses import iso_ms
from common.trading import NewsKind
from gateway.core.execution import PositionSide, text
from gateway.core.keeper import KeeperNews

# The keeper's news kinds are its NewsKind values.
KINDS = (
    "fill",
    "rejection",
    "failure",
    "expiry",
    "switch",
    "flatten",
    "quiet",
    "risk_resume",
    "owner_pause",
    *(kind.value for kind in NewsKind),
)
_TITLES = {
    "fill": "Filled",
    "rejection": "Rejected",
    "failure": "FAILED",
    "expiry": "Expired",
    "switch": "Trading switch",
    "flatten": "Flatten",
    "quiet": "Strategy quiet",
    "risk_resume": "Risk pause lifted",
    "owner_pause": "Entries paused",
    NewsKind.TAKE_PROFIT_HIT.value: "Take-profit hit",
    NewsKind.STOP_HIT.value: "Stop hit",
    NewsKind.LIQUIDATION.value: "LIQUIDATED",
    NewsKind.CLOSED_OUTSIDE.value: "Closed outside tvbridge",
    NewsKind.STREAM_DOWN.value: "Stream down",
    NewsKind.FELL_BACK_TO_REST.value: "Watching through REST",
    NewsKind.UNPROTECTED.value: "UNPROTECTED position",
    NewsKind.STREAM_RESTORED.value: "Stream restored",
    NewsKind.EXIT_NOT_FOLLOWED.value: "EXIT PLAN not followed",
    NewsKind.RISK_PAUSED.value: "RISK PAUSE",
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


def from_news(news: KeeperNews) -> Event:
    """One line a trader reads at a glance: what, where, how much, at what price, and why."""
    where = f"{news.venue.value}/{news.account}"
    parts: list[str] = []
    if news.kind is NewsKind.RISK_PAUSED:
        scope = f"strategy {news.strategy} on {where}" if news.strategy else f"account {where}"
        parts.append(f"{scope} takes no entries until {iso_ms(news.until_ms)} or a resume")
    elif news.symbol:
        # One-way mode's BOTH says nothing a trader needs; hedge mode's LONG or SHORT does.
        hedged = news.position_side in (PositionSide.LONG, PositionSide.SHORT)
        side = f" {news.position_side.value}" if hedged and news.position_side is not None else ""
        amount = f" {text(news.quantity)}" if news.quantity is not None else ""
        price = f" @ {text(news.price)}" if news.price is not None else ""
        parts.append(f"{news.symbol}{side}{amount}{price} on {where}")
    else:
        parts.append(f"account {where}")
    if news.detail:
        parts.append(news.detail)
    details = {
        "venue": news.venue.value,
        "account": news.account,
        "symbol": news.symbol,
        "position_side": news.position_side.value if news.position_side is not None else None,
        "quantity": text(news.quantity),
        "price": text(news.price),
        "time_ms": news.time_ms,
        **({"strategy": news.strategy, "limit": news.limit, "until_ms": news.until_ms} if news.limit else {}),
    }
    return Event(news.kind.value, " · ".join(parts), details=details)
