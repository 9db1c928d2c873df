"""Journalled signals in the gateway's own JSON form, no longer the executor's protobuf JSON.

`signals.normalized` held `json_format.MessageToJson(pb.Signal)`: camelCase keys, enum names
such as VENUE_BINGX, RFC 3339 times, defaults left out. It now holds the form of
gateway/journal/signal_json.py. The protobuf JSON is read and written here as the plain JSON it
is, frozen as it was at 0003, so this step keeps working whatever the proto becomes. A row
already in the other form is left as it is, either way.

Whether a signal carried its own id is not in the protobuf form; the journal knows it all the
same: an explicit id holds the dedupe key "id:<signal_id>" forever.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic import op

from common.decimals import parse_decimal, plain
from gateway.core.signal import Action, MarginMode, MarketPosition, OrderType, Signal, SizeKind, Venue
from gateway.journal import signal_json

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_PAGE = 500
_signals = sa.table(
    "signals", sa.column("seq", sa.Integer), sa.column("signal_id"), sa.column("normalized", sa.Text)
)
_dedupe_keys = sa.table("dedupe_keys", sa.column("key"), sa.column("signal_id"))

# The protobuf JSON's enum names, and its camelCase names of the size oneof.
_VENUES = {f"VENUE_{v.name}": v for v in Venue}
_ACTIONS = {f"ACTION_{a.name}": a for a in Action}
_MARKET_POSITIONS = {f"MARKET_POSITION_{p.name}": p for p in MarketPosition}
_MARGIN_MODES = {f"MARGIN_MODE_{m.name}": m for m in MarginMode}
_ORDER_TYPES = {f"ORDER_TYPE_{t.name}": t for t in OrderType}
_SIZES = {
    "quantity": SizeKind.QUANTITY,
    "balance": SizeKind.BALANCE,
    "balancePct": SizeKind.BALANCE_PCT,
    "positionPct": SizeKind.POSITION_PCT,
}
_PRICES = {
    "price": "price",
    "takeProfit": "take_profit",
    "stopLoss": "stop_loss",
    "tpPct": "tp_pct",
    "slPct": "sl_pct",
}
_KNOWN = {
    *("signalId", "venue", "account", "symbol", "action", "marketPosition", "leverage", "marginMode"),
    *("orderType", "reduceOnly", "firedAt", "receivedAt", "test", "strategy"),
    *_SIZES,
    *_PRICES,
}
E = TypeVar("E", bound=StrEnum)


def upgrade() -> None:
    conn = op.get_bind()
    for page in _pages(conn):
        _rewrite(conn, page, _to_ours(_explicit_ids(conn, [signal_id for _, signal_id, _ in page])))


def downgrade() -> None:
    conn = op.get_bind()

    def to_protobuf(data: dict[str, Any], _signal_id: str) -> str | None:
        if "v" not in data:
            return None
        return json.dumps(_to_protobuf_json(signal_json.from_dict(data)), ensure_ascii=False)

    for page in _pages(conn):
        _rewrite(conn, page, to_protobuf)


def _explicit_ids(conn: sa.Connection, ids: list[str]) -> set[str]:
    holders = sa.select(_dedupe_keys.c.signal_id).where(
        _dedupe_keys.c.key.in_([f"id:{i}" for i in ids]), _dedupe_keys.c.signal_id.in_(ids)
    )
    return set(conn.execute(holders).scalars())


def _to_ours(explicit: set[str]) -> Callable[[dict[str, Any], str], str | None]:
    def convert(data: dict[str, Any], signal_id: str) -> str | None:
        if "v" in data:
            return None
        return signal_json.dumps(_from_protobuf_json(data, explicit_id=signal_id in explicit))

    return convert


def _pages(conn: sa.Connection) -> Iterator[list[tuple[int, str, str]]]:
    """Every journalled signal with a normal form, a page at a time, in arrival order."""
    last = 0
    while True:
        rows = conn.execute(
            sa.select(_signals.c.seq, _signals.c.signal_id, _signals.c.normalized)
            .where(_signals.c.seq > last, _signals.c.normalized.is_not(None))
            .order_by(_signals.c.seq)
            .limit(_PAGE)
        ).all()
        if not rows:
            return
        yield [(int(seq), str(signal_id), str(text)) for seq, signal_id, text in rows]
        last = int(rows[-1][0])


def _rewrite(
    conn: sa.Connection,
    page: list[tuple[int, str, str]],
    convert: Callable[[dict[str, Any], str], str | None],
) -> None:
    changed = []
    for seq, signal_id, text in page:
        try:
            new = convert(json.loads(text), signal_id)
        except (ValueError, KeyError) as exc:
            # Refuse to start on a row we cannot read rather than lose what it says.
            raise RuntimeError(f"journalled signal {signal_id} cannot be converted: {exc}") from exc
        if new is not None:
            changed.append({"row": seq, "text": new})
    if changed:
        conn.execute(
            _signals.update()
            .where(_signals.c.seq == sa.bindparam("row"))
            .values(normalized=sa.bindparam("text")),
            changed,
        )


# -- the protobuf JSON, as MessageToJson wrote it -------------------------------------------


def _from_protobuf_json(data: dict[str, Any], *, explicit_id: bool) -> Signal:
    unknown = set(data) - _KNOWN
    if unknown:
        raise ValueError(f"fields this step does not know: {', '.join(sorted(unknown))}")
    size = [(name, kind) for name, kind in _SIZES.items() if name in data]
    # Decimals only, typed loosely so that `**prices` need not match the Signal's fields of other
    # kinds (a take-profit ladder, take-profit numbers), which this frozen form never holds.
    prices: dict[str, Any] = {field: _decimal(data.get(key, "")) for key, field in _PRICES.items()}
    return Signal(
        signal_id=str(data["signalId"]),
        venue=_VENUES[data["venue"]],
        account=str(data.get("account", "")),
        symbol=str(data.get("symbol", "")),
        action=_ACTIONS[data["action"]],
        size_kind=size[0][1] if size else None,
        size=parse_decimal(data[size[0][0]]) if size else None,
        market_position=_enum(_MARKET_POSITIONS, data.get("marketPosition")),
        leverage=int(data["leverage"]) if "leverage" in data else None,
        margin_mode=_enum(_MARGIN_MODES, data.get("marginMode")),
        # Left out when unspecified, which the executor reads as market.
        order_type=_enum(_ORDER_TYPES, data.get("orderType")) or OrderType.MARKET,
        **prices,
        reduce_only=bool(data.get("reduceOnly", False)),
        fired_at=_time(data.get("firedAt")),
        received_at=_time(data.get("receivedAt")),
        test=bool(data.get("test", False)),
        strategy=str(data.get("strategy", "")),
        explicit_id=explicit_id,
    )


def _to_protobuf_json(signal: Signal) -> dict[str, Any]:
    """What MessageToJson writes: fields in number order, defaults left out."""
    out: dict[str, Any] = {
        "signalId": signal.signal_id,
        "venue": f"VENUE_{signal.venue.name}",
        "account": signal.account,
        "symbol": signal.symbol,
        "action": f"ACTION_{signal.action.name}",
    }
    if signal.market_position is not None:
        out["marketPosition"] = f"MARKET_POSITION_{signal.market_position.name}"
    if signal.size_kind is not None and signal.size is not None:
        camel = next(name for name, kind in _SIZES.items() if kind is signal.size_kind)
        out[camel] = plain(signal.size)
    if signal.leverage is not None:
        out["leverage"] = signal.leverage
    if signal.margin_mode is not None:
        out["marginMode"] = f"MARGIN_MODE_{signal.margin_mode.name}"
    out["orderType"] = f"ORDER_TYPE_{signal.order_type.name}"
    for key, field in _PRICES.items():
        value = getattr(signal, field)
        if value is not None:
            out[key] = plain(value)
    if signal.reduce_only:
        out["reduceOnly"] = True
    if signal.fired_at is not None:
        out["firedAt"] = _rfc3339(signal.fired_at)
    if signal.received_at is not None:
        out["receivedAt"] = _rfc3339(signal.received_at)
    if signal.test:
        out["test"] = True
    if signal.strategy:
        out["strategy"] = signal.strategy
    return {k: v for k, v in out.items() if v != ""}


def _enum(table: dict[str, E], name: str | None) -> E | None:
    return table[name] if name is not None else None


def _decimal(text: str) -> Decimal | None:
    return parse_decimal(text) if text else None


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).astimezone(UTC) if text else None


def _rfc3339(value: datetime) -> str:
    """A Timestamp's JSON: no fraction, or 3 or 6 digits, whichever is exact."""
    utc = value.astimezone(UTC).replace(tzinfo=None)
    text = utc.replace(microsecond=0).isoformat()
    if utc.microsecond == 0:
        return text + "Z"
    if utc.microsecond % 1000 == 0:
        return f"{text}.{utc.microsecond // 1000:03d}Z"
    return f"{text}.{utc.microsecond:06d}Z"
