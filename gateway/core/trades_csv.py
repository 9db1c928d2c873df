"""trades.csv: one line per fill in the ledger. The seed's columns come first, in their order,
so a trader's spreadsheet keeps working; the ledger's own follow."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from gateway.core.fills import iso_time, source_of

HEADER = [
    "time",
    "venue",
    "symbol",
    "side",
    "qty",
    "price",
    "order_id",
    "signal_id",
    "fee",
    "fee_asset",
    "realized_pnl",
    "strategy",
    "source",
    "trade_id",
]


def csv_row(fill: Mapping[str, Any]) -> list[str]:
    return [
        iso_time(int(fill["time_ms"])),
        str(fill["venue"]),
        str(fill["symbol"]),
        str(fill["side"]),
        str(fill["quantity"]),
        str(fill["price"]),
        str(fill["order_id"]),
        str(fill["signal_id"]),
        str(fill["fee"]),
        str(fill["fee_asset"]),
        str(fill["realized_pnl"]),
        str(fill["strategy"]),
        source_of(fill),
        str(fill["trade_id"]),
    ]


def render(fills: Iterable[Mapping[str, Any]]) -> Iterable[str]:
    """The CSV text, a line at a time (for downloads)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    yield buffer.getvalue()
    for fill in fills:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(csv_row(fill))
        yield buffer.getvalue()


class TradesFile:
    """The file on disk. The journal is the truth: at start the file is rewritten from it, so a
    crash between a commit and an append can neither lose nor double a line."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def rewrite(self, fills: Iterable[Mapping[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        with self._lock:
            with tmp.open("w", encoding="utf-8", newline="") as out:
                for line in render(fills):
                    out.write(line)
            tmp.replace(self.path)

    def append(self, fills: Iterable[Mapping[str, Any]]) -> None:
        with self._lock, self.path.open("a", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            for fill in fills:
                writer.writerow(csv_row(fill))
