"""The ledger's fills as traders read them (GET /api/fills, trades.csv): where each came from,
and the times its filters take."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Every order tvbridge places carries a client id with this prefix (the executor's
# executor/core/legs.py): a fill of one is ours even before its signal is known.
CLIENT_ID_PREFIX = "tvb"
PROTECTION = ("take_profit", "stop_loss")
SIGNAL = ("entry", "close")


@dataclass(frozen=True)
class FillFilter:
    """Which fills: every one by default. Times are inclusive epoch milliseconds; the strategy is
    the one of the fill's own signal."""

    venue: str = ""
    account: str = ""
    symbol: str = ""
    strategy: str = ""
    since_ms: int | None = None
    until_ms: int | None = None

    def holds_time(self, time_ms: int) -> bool:
        return (self.since_ms is None or time_ms >= self.since_ms) and (
            self.until_ms is None or time_ms <= self.until_ms
        )


def source_of(fill: Mapping[str, Any]) -> str:
    """`protection` for a take-profit or stop, `signal` for any other order tvbridge placed,
    `external` for trades made outside tvbridge and liquidations."""
    if fill["liquidation"]:
        return "external"
    if fill["purpose"] in PROTECTION:
        return "protection"
    if fill["purpose"] in SIGNAL or str(fill["client_order_id"]).startswith(CLIENT_ID_PREFIX):
        return "signal"
    return "external"


def attributed(fill: Mapping[str, Any]) -> bool:
    """Whether the fill's signal is known, or never will be: a liquidation, or an order with a
    client id not ours. A fill of ours, or of an order without a client id, may be waiting for
    its signal's outcome to be recorded."""
    if fill["signal_id"] or fill["liquidation"]:
        return True
    client_id = str(fill["client_order_id"])
    return bool(client_id) and not client_id.startswith(CLIENT_ID_PREFIX)


def iso_time(ms: int) -> str:
    when = datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")
    return when.replace("+00:00", "Z")


def fill_view(fill: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "venue": fill["venue"],
        "account": fill["account"],
        "symbol": fill["symbol"],
        "side": fill["side"],
        "quantity": fill["quantity"],
        "price": fill["price"],
        "fee": fill["fee"],
        "fee_asset": fill["fee_asset"],
        "realized_pnl": fill["realized_pnl"],
        "time": iso_time(int(fill["time_ms"])),
        "order_id": fill["order_id"],
        "client_order_id": fill["client_order_id"],
        "signal_id": fill["signal_id"],
        "strategy": fill["strategy"],
        "source": source_of(fill),
        "trade_id": fill["trade_id"],
        "position_side": fill["position_side"],
        "purpose": fill["purpose"],
        "liquidation": bool(fill["liquidation"]),
    }


def parse_time(value: str) -> int:
    """Epoch milliseconds, or an ISO-8601 time (UTC unless it names its offset); ValueError if
    it is neither."""
    value = value.strip()
    if value.isdigit():
        return int(value)
    when = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)
