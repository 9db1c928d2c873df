"""Analytics: the ledger's figures per strategy and in total (GET /api/analytics).

Money figures follow the trades of gateway/core/round_trips.py: a fill's realised PnL and fees
count for the strategy of the trade it belongs to, in the time window when the fill is in it;
a trade counts (trades, wins, profit factor, largest win and loss) when it closed in the window,
with its whole PnL net of all its fees. The equity curve is the running sum of realised PnL
minus fees over the window's fills, from zero; the maximum drawdown is its largest fall from a
peak. Execution figures belong to the signal that placed the order: slippage of each entry and
close fill against the signal's `alert_price`, and the time from the alert's `time` to the fill.

A chart needs no more points than it has pixels: with `points`, the series are thinned (the
figures are worked out on all of them first) and the slippage values are left to their bands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from common.decimals import plain
from common.trade_net import ZERO, lost
from gateway.core.fills import SIGNAL, FillFilter, iso_time
from gateway.core.round_trips import LedgerFill, Share, Trade, round_trips

MONEY = Decimal("1E-8")
RATIO = Decimal("0.0001")
HUNDREDTH = Decimal("0.01")
BASIS_POINTS = Decimal(10_000)
DAY_MS = 86_400_000


@dataclass(frozen=True)
class SignalMark:
    """What a signal's fills are measured against."""

    alert_price: Decimal | None = None
    fired_ms: int | None = None


def slippage_bps(side: str, price: Decimal, alert_price: Decimal) -> Decimal:
    """The fill's price against the alert's, in basis points; positive is worse for the trader
    (a buy dearer, a sell cheaper)."""
    worse = price - alert_price if side == "buy" else alert_price - price
    return worse / alert_price * BASIS_POINTS


def percentile(values: Sequence[Decimal], fraction: Decimal) -> Decimal | None:
    """Linear between the two nearest ranks (as a spreadsheet's PERCENTILE.INC); None of none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Figures:
    """One strategy's, or the total's, figures as they are summed up."""

    realized_pnl: Decimal = ZERO
    fees: Decimal = ZERO
    other_fees: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    trades: list[Trade] = field(default_factory=list)
    moves: list[tuple[int, Decimal]] = field(default_factory=list)  # (time, net PnL) per share
    slippage: list[Decimal] = field(default_factory=list)
    fire_to_fill: list[Decimal] = field(default_factory=list)

    def add_share(self, share: Share) -> None:
        self.realized_pnl += share.realized_pnl
        self.fees += share.fee
        if share.other_fee:
            self.other_fees[share.fill.fee_asset] += share.other_fee
        self.moves.append((share.fill.time_ms, share.realized_pnl - share.fee))

    def add_execution(self, fill: LedgerFill, mark: SignalMark) -> None:
        if mark.alert_price is not None:
            self.slippage.append(slippage_bps(fill.side, fill.price, mark.alert_price))
        if mark.fired_ms is not None:
            self.fire_to_fill.append(Decimal(fill.time_ms - mark.fired_ms))

    def view(self, points: int | None = None) -> dict[str, Any]:
        curve = self.equity_curve()
        drawdown = max_drawdown(value for _, value in curve)
        if points is not None:
            curve = thinned(curve, points)
        slippage: dict[str, Any] = {**spread(self.slippage, HUNDREDTH), "bands": bands(self.slippage)}
        if points is None:
            slippage["values"] = [plain(v.quantize(HUNDREDTH)) for v in self.slippage]
        return {
            "realized_pnl": money(self.realized_pnl),
            "fees": money(self.fees),
            "net_pnl": money(self.realized_pnl - self.fees),
            "other_fees": {asset: money(v) for asset, v in sorted(self.other_fees.items())},
            **self.trade_figures(),
            "max_drawdown": money(drawdown),
            "equity_curve": [{"time": iso_time(t), "equity": money(v)} for t, v in curve],
            "daily_pnl": self.daily(),
            "slippage_bps": slippage,
            "fire_to_fill_ms": spread(self.fire_to_fill, HUNDREDTH),
        }

    def trade_figures(self) -> dict[str, Any]:
        nets = [t.net_pnl for t in self.trades]
        wins = [n for n in nets if n > 0]
        losses = [n for n in nets if lost(n)]
        gross_loss = -sum(losses, ZERO)
        return {
            "trades": len(nets),
            "wins": len(wins),
            "losses": len(losses),
            "win_rate": ratio(Decimal(len(wins)) / len(nets)) if nets else None,
            "profit_factor": ratio(sum(wins, ZERO) / gross_loss) if gross_loss else None,
            "largest_win": money(max(wins)) if wins else None,
            "largest_loss": money(min(losses)) if losses else None,
        }

    def equity_curve(self) -> list[tuple[int, Decimal]]:
        """One point per moment a fill moved it; fills at the same moment make one point."""
        curve: list[tuple[int, Decimal]] = []
        equity = ZERO
        for time_ms, move in self.moves:
            equity += move
            if curve and curve[-1][0] == time_ms:
                curve[-1] = (time_ms, equity)
            else:
                curve.append((time_ms, equity))
        return curve

    def daily(self) -> list[dict[str, str]]:
        """Net PnL per UTC day that had fills."""
        days: dict[int, Decimal] = defaultdict(Decimal)
        for time_ms, move in self.moves:
            days[time_ms // DAY_MS] += move
        return [{"date": iso_time(day * DAY_MS)[:10], "net_pnl": money(v)} for day, v in sorted(days.items())]


def max_drawdown(equity: Iterable[Decimal]) -> Decimal:
    """The largest fall from a peak, the start (zero) counting as one."""
    peak = worst = ZERO
    for value in equity:
        peak = max(peak, value)
        worst = max(worst, peak - value)
    return worst


def thinned(curve: list[tuple[int, Decimal]], points: int) -> list[tuple[int, Decimal]]:
    """At most `points` of the curve: its first and last, and the lowest and highest of each
    stretch between, in time order, so every peak and trough a drawdown is measured between
    stays on the chart."""
    if len(curve) <= points:
        return curve
    stretches = max((points - 2) // 2, 1)
    inner = curve[1:-1]
    kept = [curve[0]]
    for n in range(stretches):
        stretch = inner[n * len(inner) // stretches : (n + 1) * len(inner) // stretches]
        if stretch:
            low = min(range(len(stretch)), key=lambda i: stretch[i][1])
            high = max(range(len(stretch)), key=lambda i: stretch[i][1])
            kept.extend(stretch[i] for i in sorted({low, high}))
    kept.append(curve[-1])
    return kept


# A band's width: 1, 2 or 5 times a power of ten, the smallest that cuts the range in ten or
# fewer; never under a hundredth of a basis point, the figures' own step.
_WIDTHS = (Decimal(1), Decimal(2), Decimal(5), Decimal(10))


def bands(values: Sequence[Decimal]) -> list[dict[str, Any]]:
    """How many values fall in each band of a round width (`from` inclusive, `to` exclusive; the
    highest value goes in the last band)."""
    if not values:
        return []
    low, high = min(values), max(values)
    raw = max((high - low) / 10, HUNDREDTH)
    power = Decimal(1).scaleb(raw.adjusted())
    width = next(m * power for m in _WIDTHS if m * power >= raw)
    first = int((low / width).to_integral_value(ROUND_FLOOR))
    count = int((high / width).to_integral_value(ROUND_FLOOR)) - first + 1
    counts = [0] * count
    for value in values:
        counts[min(count - 1, int((value / width).to_integral_value(ROUND_FLOOR)) - first)] += 1
    return [
        {"from": plain((first + n) * width), "to": plain((first + n + 1) * width), "count": c}
        for n, c in enumerate(counts)
    ]


def money(value: Decimal) -> str:
    return plain(value.quantize(MONEY))


def ratio(value: Decimal) -> str:
    return plain(value.quantize(RATIO))


def spread(values: Sequence[Decimal], step: Decimal) -> dict[str, Any]:
    def at(fraction: str) -> str | None:
        value = percentile(values, Decimal(fraction))
        return plain(value.quantize(step)) if value is not None else None

    return {"count": len(values), "p50": at("0.5"), "p90": at("0.9")}


def report(
    rows: Iterable[Mapping[str, Any]],
    marks: Mapping[str, SignalMark],
    filters: FillFilter,
    points: int | None = None,
) -> dict[str, Any]:
    """`rows`: the ledger's fills, oldest first, of the filter's venue, account and symbol up to
    its end, from the first (a position's history starts before the window); `marks`: the
    alert price and fire time of their signals. The window and the strategy are applied here;
    `points` thins the series for a chart."""
    trips = round_trips(LedgerFill.of(row) for row in rows)
    total = Figures()
    strategies: dict[str, Figures] = defaultdict(Figures)

    def chosen(strategy: str) -> list[Figures]:
        wanted = not filters.strategy or strategy == filters.strategy
        return [total, strategies[strategy]] if wanted else []

    for share in trips.shares:
        if filters.holds_time(share.fill.time_ms):
            for figures in chosen(share.trade.strategy):
                figures.add_share(share)
    for trade in trips.trades:
        if trade.closed_ms is not None and filters.holds_time(trade.closed_ms):
            for figures in chosen(trade.strategy):
                figures.trades.append(trade)
    executions = {s.fill.id: s.fill for s in trips.shares if s.fill.purpose in SIGNAL}
    for fill in executions.values():
        mark = marks.get(fill.signal_id)
        if mark is not None and filters.holds_time(fill.time_ms):
            for figures in chosen(fill.strategy):
                figures.add_execution(fill, mark)
    return {
        "total": total.view(points),
        "strategies": {name: strategies[name].view(points) for name in sorted(strategies)},
    }


def execution_signals(rows: Iterable[Mapping[str, Any]]) -> set[str]:
    """The signals whose marks the report needs: those of entries and closes."""
    return {str(row["signal_id"]) for row in rows if row["purpose"] in SIGNAL and row["signal_id"]}
