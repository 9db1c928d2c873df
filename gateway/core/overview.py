"""The owner's view: status, signals, accounts and test signals. No HTTP here.

What the dashboard shows is read from the journal (the truth about signals) and asked of the
executor (the truth about venues). Venue checks cost a round trip per account, so they are
cached briefly and shared by every page that asks at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from common.decimals import plain
from common.errors import ErrorClass, TvbridgeError
from gateway.core.accounts import Account, ConnectionCheck
from gateway.core.controls import Controls
from gateway.core.parser import ACTIONS, SIZE_FIELDS, VENUES
from gateway.core.reply import Reply, error_reply
from gateway.core.signal import Venue
from gateway.core.webhook import WebhookService
from gateway.journal import signal_json
from gateway.journal.aio import AsyncJournal
from gateway.journal.records import FINAL, now_ms

log = logging.getLogger("gateway.overview")

CONNECTIONS_CACHE_S = 15.0
STATUSES = ("pending", *FINAL)
_MAX_FILTER = 64
T = TypeVar("T")


class VenueReader(Protocol):
    """What the owner's view asks of the executor."""

    addr: str

    async def ready(self) -> bool: ...

    async def test_connection(self) -> list[ConnectionCheck]: ...

    async def get_account(self, venue: Venue, account: str) -> Account: ...


@dataclass(frozen=True)
class TestSignalForm:
    """What the dashboard's form asks for; the alert message is built from it."""

    action: str
    symbol: str
    size_kind: str = ""
    size: str = ""
    venue: Venue | None = None  # None: the gateway's default, as an alert naming no exchange
    account: str = ""
    strategy: str = ""
    test: bool = True


def _error_dict(exc: TvbridgeError) -> dict[str, str]:
    return {"code": exc.error_class.value, "message": exc.message}


def _requested_size(normalized: str | None) -> dict[str, str] | None:
    if not normalized:
        return None
    signal = signal_json.loads(normalized)
    if signal.size_kind is None or signal.size is None:
        return None
    return {"kind": signal.size_kind.value, "value": plain(signal.size)}


def _latency(row: Mapping[str, Any]) -> dict[str, int | None]:
    """Milliseconds spent in each stage, where the stage happened."""
    received, finished = row["received_ms"], row["finished_ms"]
    fired = row["fired_ms"]
    return {
        "fired_to_received": received - fired if fired is not None and received >= fired else None,
        "received_to_journalled": max(0, row["journalled_ms"] - received),
        "executor": row["executor_ms"],
        "venue": row["venue_ms"],
        "total": finished - received if finished is not None else None,
    }


def signal_summary(row: Mapping[str, Any]) -> dict[str, Any]:
    """One line of the signals table."""
    result: dict[str, Any] = json.loads(row["result"]) if row["result"] else {}
    orders = result.get("orders") or []
    sizing = result.get("sizing") or {}
    fills = [o.get("avg_price") for o in orders if o.get("avg_price")]
    return {
        "seq": row["seq"],
        "signal_id": row["signal_id"],
        "status": row["status"],
        "received_ms": row["received_ms"],
        "venue": row["venue"],
        "account": row["account"],
        "symbol": row["symbol"],
        "action": row["action"],
        "strategy": row["strategy"],
        "test": bool(row["test"]),
        "reason": row["reason"] or result.get("reason") or result.get("note") or "",
        "error_code": row["error_code"],
        "order_ids": [o["order_id"] for o in orders if o.get("order_id")],
        "requested": _requested_size(row["normalized"]),
        "quantity": sizing.get("quantity") or None,
        "price": fills[0] if fills else sizing.get("price"),
        "attempts": row["attempts"],
        "latency_ms": _latency(row),
    }


def alert_message(form: TestSignalForm) -> dict[str, Any]:
    """The alert message a trader would paste into TradingView, without the passphrase."""
    message: dict[str, Any] = {"action": form.action.strip().lower(), "symbol": form.symbol.strip()}
    if form.size_kind:
        message[form.size_kind] = form.size.strip()
    if form.venue is not None:
        message["exchange"] = form.venue.value
    if form.account and form.account != "default":
        message["account"] = form.account
    if form.strategy.strip():
        message["strategy"] = form.strategy.strip()
    message["test"] = form.test
    return message


class _Shared(Generic[T]):
    """One in-flight call shared by every caller, and its answer kept for `ttl_s`."""

    def __init__(self, fetch: Callable[[], Coroutine[Any, Any, T]], ttl_s: float) -> None:
        self._fetch = fetch
        self._ttl_s = ttl_s
        self._task: asyncio.Task[T] | None = None
        self._at = 0.0

    async def get(self, refresh: bool = False) -> T:
        task = self._task
        # A call still in flight is always shared; a finished one is reused unless it failed,
        # went stale, or the caller asks for a fresh one.
        if task is None or (
            task.done()
            and (refresh or task.exception() is not None or time.monotonic() - self._at > self._ttl_s)
        ):
            task = self._task = asyncio.create_task(self._fetch())
            self._at = time.monotonic()
        return await asyncio.shield(task)


def _venue_filter(given: str) -> str:
    venue = VENUES.get(given.strip().lower())
    return venue.value if venue is not None else ""


class Overview:
    def __init__(
        self,
        executor: VenueReader,
        journal: AsyncJournal,
        webhooks: WebhookService,
        controls: Controls,
        *,
        started_at: float | None = None,
    ) -> None:
        self.executor = executor
        self.controls = controls
        self.journal = journal
        self.webhooks = webhooks
        self.started_at = started_at if started_at is not None else time.time()
        self._connections = _Shared(self.executor.test_connection, CONNECTIONS_CACHE_S)

    async def connections(self, refresh: bool = False) -> dict[str, Any]:
        try:
            checks = await self._connections.get(refresh)
        except TvbridgeError as exc:
            return {"checks": [], "error": _error_dict(exc)}
        return {"checks": [c.view() for c in checks]}

    async def status(self, refresh: bool = False) -> dict[str, Any]:
        executor_ready, connections, trading = await asyncio.gather(
            self.executor.ready(), self.connections(refresh), self._trading()
        )
        count, oldest = await self.journal.backlog()
        now = now_ms()
        # Names are matched as the webhook matches them: trimmed and in lower case.
        last: dict[str, dict[str, Any]] = {}
        for row in await self.journal.last_by_strategy():
            name = row["strategy"].strip().lower()
            if name and (name not in last or row["seq"] > last[name]["seq"]):
                last[name] = row
        strategies = [
            {
                "strategy": name,
                "watched": name in self.webhooks.watched,
                "last_ms": last[name]["received_ms"] if name in last else None,
                "last_status": last[name]["status"] if name in last else None,
                "last_signal_id": last[name]["signal_id"] if name in last else None,
            }
            for name in sorted(set(last) | set(self.webhooks.watched))
        ]
        return {
            "gateway": {"ok": True, "started_ms": int(self.started_at * 1000), "now_ms": now},
            "executor": {"ok": executor_ready, "addr": self.executor.addr},
            "trading": trading,
            "venues": connections,
            "backlog": {"pending": count, "oldest_age_s": (now - oldest) / 1000 if oldest else 0},
            "last_24h": await self.journal.counts_since(now - 24 * 3600 * 1000),
            "strategies": strategies,
            "defaults": {
                "exchange": self.webhooks.defaults.venue.value,
                "account": self.webhooks.defaults.account,
            },
        }

    async def _trading(self) -> dict[str, Any]:
        """The kill switch as the journal records it, its history, and the executor's copy."""
        try:
            return await self.controls.trading()
        except TvbridgeError as exc:
            return {"enabled": None, "error": _error_dict(exc)}

    async def accounts(self) -> list[dict[str, Any]]:
        """Balances and open positions of every configured venue and account."""
        try:
            checks = await self._connections.get()
        except TvbridgeError:
            return []  # /api/status says why the venues cannot be listed
        targets = [(c.venue, c.account) for c in checks if c.venue is not None]

        async def one(venue: Venue, account: str) -> dict[str, Any]:
            entry: dict[str, Any] = {"venue": venue.value, "account": account}
            try:
                entry.update((await self.executor.get_account(venue, account)).view())
            except TvbridgeError as exc:
                entry["error"] = _error_dict(exc)
            return entry

        return list(await asyncio.gather(*(one(v, a) for v, a in targets)))

    async def signals(
        self,
        *,
        status: str = "",
        symbol: str = "",
        venue: str = "",
        limit: int = 100,
        before: int | None = None,
    ) -> list[dict[str, Any]]:
        rows = await self.journal.recent(
            status=status if status in STATUSES else "",
            symbol=symbol.strip().upper()[:_MAX_FILTER],
            venue=_venue_filter(venue),
            limit=max(1, min(limit, 500)),
            before_seq=before,
        )
        return [signal_summary(r) for r in rows]

    async def send_test(self, form: TestSignalForm, *, client_ip: str) -> tuple[dict[str, Any], Reply]:
        """The form's alert message, sent through the webhook's own handling with the passphrase
        the gateway holds, so it meets every check a TradingView alert meets."""
        message = alert_message(form)
        if message["action"] not in ACTIONS:
            return message, error_reply(ErrorClass.INVALID_SIGNAL, "unknown action", field="action")
        if form.size_kind and form.size_kind not in SIZE_FIELDS:
            return message, error_reply(ErrorClass.INVALID_SIGNAL, "unknown size kind", field="size_kind")
        body = {
            **message,
            "id": f"dash-{uuid.uuid4().hex[:16]}",
            "passphrase": self.webhooks.passphrase_for(message.get("strategy")),
        }
        log.info("test signal from the dashboard", extra={"client_ip": client_ip, "test": form.test})
        reply = await self.webhooks.handle(json.dumps(body).encode(), client_ip=client_ip)
        return message, reply
