"""The texts the Telegram commands answer with, from what the gateway already knows: the kill
switch, the keeper's positions, the pauses in force and the analytics' figures. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from common.errors import TvbridgeError
from common.pauses import PauseEvent, iso_ms
from gateway.core.controls import TradingStatus
from gateway.core.execution import OrderPurpose, text
from gateway.core.keeper import AccountPositions, KeptPosition, ProtectiveOrder

CENT = Decimal("0.01")
PERIODS = {"today": "today (since 00:00 UTC)", "7d": "last 7 days", "30d": "last 30 days"}
USAGE = "\n".join(
    (
        "Commands:",
        "/status - trading switch, executor, streams, pauses, positions, today's PnL",
        "/positions - open positions with their stops and take-profits",
        "/pnl [today|7d|30d] - PnL in total and per strategy",
        "/pause [strategy] - refuse entries on every account (or one strategy's) until /resume",
        "/resume [strategy] - take entries again",
        "/flatten [venue] [account] - switch trading off and close everything (asks to confirm)",
    )
)


def cents(value: str | Decimal | None, signed: bool = False) -> str:
    amount = Decimal(value or 0).quantize(CENT, ROUND_HALF_UP)
    return f"{amount:+}" if signed and amount else f"{amount}"


def failure(exc: TvbridgeError) -> str:
    return f"{exc.error_class.value}: {exc.message}"


def account_name(a: AccountPositions) -> str:
    return f"{a.venue.value if a.venue else '?'}/{a.account}"


def trading_line(status: TradingStatus) -> str:
    if status.enabled:
        return "Trading: on"
    since = f" since {iso_ms(int(status.changed_at.timestamp() * 1000))}" if status.changed_at else ""
    why = f" ({status.reason})" if status.reason else ""
    return f"Trading: OFF{since} by {status.actor}{why}"


def watch_line(accounts: Sequence[AccountPositions]) -> str:
    parts = []
    for a in accounts:
        if a.error is not None:
            parts.append(f"{account_name(a)} not read ({a.error.code})")
        elif a.stream_connected:
            parts.append(f"{account_name(a)} stream")
        else:
            since = f" since {iso_ms(a.stream_down_since_ms)}" if a.stream_down_since_ms else ""
            parts.append(f"{account_name(a)} REST only{since}")
    return "Watch: " + (" · ".join(parts) or "no account")


def pause_lines(pauses: Sequence[PauseEvent]) -> list[str]:
    if not pauses:
        return ["Pauses: none"]
    return [f"Pauses: {len(pauses)}", *(f"- {p.describe()}" for p in pauses)]


def money_line(label: str, figures: Mapping[str, Any]) -> str:
    trades = int(figures["trades"])
    line = (
        f"{label}: net {cents(figures['net_pnl'], signed=True)} · realized "
        f"{cents(figures['realized_pnl'], signed=True)} · fees {cents(figures['fees'])} · "
        f"{trades} trade{'' if trades == 1 else 's'}"
    )
    if figures.get("win_rate") is not None:
        rate = (Decimal(figures["win_rate"]) * 100).quantize(CENT, ROUND_HALF_UP)
        line += f" · win rate {rate}%"
    return line


def status(
    trading: TradingStatus,
    executor_ready: bool,
    accounts: Sequence[AccountPositions] | TvbridgeError,
    pauses: Sequence[PauseEvent],
    today: Mapping[str, Any],
) -> str:
    lines = [trading_line(trading), f"Executor: {'reachable' if executor_ready else 'UNREACHABLE'}"]
    if isinstance(accounts, TvbridgeError):
        lines += [f"Watch: unknown ({failure(accounts)})", "Open positions: unknown"]
    else:
        lines += [watch_line(accounts), f"Open positions: {sum(len(a.positions) for a in accounts)}"]
    lines += pause_lines(pauses)
    lines.append(money_line("Today", today))
    return "\n".join(lines)


GUARDS = {OrderPurpose.STOP_LOSS: "SL", OrderPurpose.TAKE_PROFIT: "TP"}


def side(quantity: Decimal) -> str:
    return "long" if quantity > 0 else "short"


def protection(order: ProtectiveOrder) -> str:
    if order.purpose is OrderPurpose.TRAILING_STOP:
        start = f" from {text(order.activation_price)}" if order.activation_price is not None else ""
        return f"trail {text(order.callback_pct)}%{start}"
    label = GUARDS.get(order.purpose, order.order_type) if order.purpose else order.order_type
    return f"{label} {text(order.trigger_price)}"


def position_line(where: str, kept: KeptPosition) -> str:
    p = kept.position
    guards = [protection(o) for o in kept.protective] or ["no stop or take-profit"]
    if kept.unprotected:
        guards.insert(0, "UNPROTECTED")
    return (
        f"{where} {p.symbol} {side(p.quantity)} {text(abs(p.quantity))} @ {text(p.entry_price)} · "
        f"uPnL {cents(p.unrealized_pnl, signed=True)} · " + " · ".join(guards)
    )


def positions(accounts: Sequence[AccountPositions]) -> str:
    lines = []
    for a in accounts:
        if a.error is not None:
            lines.append(f"{account_name(a)}: not read ({a.error.code}: {a.error.message})")
        lines += [position_line(account_name(a), kept) for kept in a.positions]
    return "\n".join(lines) or "No open positions."


def held(accounts: Sequence[AccountPositions]) -> str:
    """What a flatten would close, in a few words."""
    kept = [(account_name(a), k.position) for a in accounts for k in a.positions]
    if not kept:
        return "no position open now"
    shown = ", ".join(f"{where} {p.symbol} {side(p.quantity)} {text(abs(p.quantity))}" for where, p in kept)
    return f"{len(kept)} open now: {shown}"


def pnl(period: str, report: Mapping[str, Any]) -> str:
    lines = [f"PnL {PERIODS[period]}", money_line("Total", report["total"])]
    for name, figures in report["strategies"].items():
        lines.append(money_line(name or "no strategy", figures))
    return "\n".join(lines)
