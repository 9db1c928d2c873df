"""What the bench reads back after a phase: tvbridge's journal (its signals API) and the
simulator's own record of the orders and requests it received."""

from __future__ import annotations

import time
from typing import Any

import requests

from bench.alerts import PASSPHRASE

AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}


def venue_orders(sim: str, ca: str, venue: str = "bingx") -> list[dict[str, Any]]:
    reply = requests.get(f"{sim}/_sim/orders", params={"venue_name": venue}, verify=ca, timeout=30)
    orders: list[dict[str, Any]] = reply.json()
    return orders


def venue_requests(sim: str, ca: str, reset: bool = False) -> int:
    if reset:
        requests.post(f"{sim}/_sim/requests/reset", verify=ca, timeout=10)
        return 0
    counts: dict[str, int] = requests.get(f"{sim}/_sim/requests", verify=ca, timeout=10).json()
    # The executor's keep-alive reads of the server time belong to no signal.
    return sum(n for key, n in counts.items() if not key.endswith(("/server/time", "/fapi/v1/time")))


def journal_rows(base: str, tag: str, since_ms: int | None = None) -> list[dict[str, Any]]:
    """The tvbridge journal's view of every signal whose id starts with `tag`; with `since_ms`,
    paging stops at signals received before it (the journal lists newest first)."""
    rows: list[dict[str, Any]] = []
    before: int | None = None
    while True:
        query = f"?limit=500{f'&before={before}' if before else ''}"
        page = requests.get(f"{base}/api/signals{query}", headers=AUTH, timeout=30).json()["signals"]
        rows.extend(page)
        if not page or (since_ms is not None and page[-1]["received_ms"] < since_ms):
            return [r for r in rows if r["signal_id"].startswith(tag + "-")]
        before = page[-1]["seq"]


def settle(base: str, timeout_s: float = 120) -> None:
    """Until tvbridge's journal holds nothing pending."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        # The journal only: /api/status would also test every venue connection, and count.
        pending = requests.get(f"{base}/api/signals?status=pending&limit=1", headers=AUTH, timeout=10)
        if not pending.json()["signals"]:
            return
        time.sleep(0.05)
    raise TimeoutError("tvbridge still has pending signals")
