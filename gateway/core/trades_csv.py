"""The seed's trades.csv: one line per executed order, mirrored from the journal's trades."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HEADER = ["time", "venue", "symbol", "side", "qty", "price", "order_id", "signal_id"]


def csv_row(trade: Mapping[str, Any]) -> list[str]:
    when = datetime.fromtimestamp(int(trade["time_ms"]) / 1000, UTC).isoformat(timespec="milliseconds")
    return [
        when.replace("+00:00", "Z"),
        str(trade["venue"]),
        str(trade["symbol"]),
        str(trade["side"]),
        str(trade["quantity"]),
        str(trade["price"]),
        str(trade["order_id"]),
        str(trade["signal_id"]),
    ]


def render(trades: Iterable[Mapping[str, Any]]) -> Iterable[str]:
    """The CSV text, a line at a time (for downloads)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    yield buffer.getvalue()
    for trade in trades:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(csv_row(trade))
        yield buffer.getvalue()


class TradesFile:
    """The file on disk. The journal is the truth: at start the file is rewritten from it, so a
    crash between a commit and an append can neither lose nor double a line."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def rewrite(self, trades: Iterable[Mapping[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        with self._lock:
            with tmp.open("w", encoding="utf-8", newline="") as out:
                for line in render(trades):
                    out.write(line)
            tmp.replace(self.path)

    def append(self, trades: Iterable[Mapping[str, Any]]) -> None:
        with self._lock, self.path.open("a", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            for trade in trades:
                writer.writerow(csv_row(trade))
