"""Order statistics the bench reports."""

from __future__ import annotations

from typing import Any


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile: a value that was measured, never one between two."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def spread_of(values: list[float], limit: float | None = None, digits: int = 3) -> dict[str, Any]:
    """p50, p99 and max of `values`, how many there are, and with `limit` how many passed it."""
    if not values:
        return {"count": 0}
    out: dict[str, Any] = {
        "count": len(values),
        "p50": round(percentile(values, 50), digits),
        "p99": round(percentile(values, 99), digits),
        "max": round(max(values), digits),
    }
    if limit is not None:
        out["limit"] = limit
        out["over"] = sum(1 for v in values if v > limit)
    return out
