"""The owner's commands from Telegram: a chat's text (or a button's data) in, the reply out.
Knows no HTTP: the poller (gateway/telegram/poller.py) brings the updates and sends the replies.

Only the chats in TELEGRAM_OWNER_CHAT_IDS are obeyed; any other gets no reply, and what it
sent is audited (redacted where it looks like a secret). Every command obeyed is audited as
`telegram:<chat id>`, and what it changes goes through the same services as the dashboard's
(the kill switch and flatten of gateway/core/controls.py, the pauses of
gateway/core/risk_pauses.py), which audit and notify as they always do. A flatten is only asked
for here: it runs when the same chat confirms it within CONFIRM_S, once (the confirmation is
journalled, so any gateway on the journal may take it).
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from sqlalchemy.engine import Connection

from common import jsonlog
from common.errors import TvbridgeError
from common.pauses import DAY_MS, PauseEvent
from gateway.core.controls import TradingStatus
from gateway.core.fills import FillFilter
from gateway.core.flatten import scope
from gateway.core.keeper import AccountPositions
from gateway.core.parser import VENUES
from gateway.core.signal import Venue
from gateway.journal import telegram as journal_telegram
from gateway.journal.aio import AsyncJournal
from gateway.journal.records import now_ms
from gateway.journal.telegram import Flatten, Taken
from gateway.telegram import replies

CONFIRM_S = 60
COMMANDS = ("status", "positions", "pnl", "pause", "resume", "flatten", "confirm", "help")
CONFIRM_DATA = "confirm:"
# A word this long mixing letters and digits is kept out of the audit trail: a token or a
# passphrase pasted into the wrong chat.
_SECRET_WORD = re.compile(r"^(?=.*[0-9])(?=.*[A-Za-z])\S{20,}$")


def redact(text: str) -> str:
    words = [jsonlog.REDACTED if _SECRET_WORD.match(w) else w for w in jsonlog.scrub(text).split()]
    return " ".join(words)[:500]


@dataclass(frozen=True)
class Incoming:
    chat_id: int
    username: str
    text: str  # a message's text, or a pressed button's data
    button: bool = False


@dataclass(frozen=True)
class Button:
    text: str
    data: str


@dataclass(frozen=True)
class Reply:
    """`command` and `outcome` are what the metrics count; an empty text is sent to nobody."""

    command: str
    outcome: str  # done, failed, usage, refused, expired or ignored (a stranger)
    text: str
    buttons: tuple[Button, ...] = ()


class Switch(Protocol):
    async def recorded(self) -> TradingStatus: ...

    async def flatten(self, venue: Venue | None, account: str, actor: str) -> dict[str, Any]: ...


class Pauses(Protocol):
    async def recorded(self) -> list[PauseEvent]: ...

    async def pause(self, venue: str, account: str, strategy: str, actor: str) -> dict[str, Any]: ...

    async def resume(self, venue: str, account: str, strategy: str, actor: str) -> dict[str, Any]: ...


class Watch(Protocol):
    async def ready(self) -> bool: ...

    async def positions(self, venue: Venue | None, account: str) -> list[AccountPositions]: ...


class Figures(Protocol):
    async def analytics(self, filters: FillFilter) -> dict[str, Any]: ...


Handler = Callable[[int, list[str]], Awaitable[Reply]]


class Commands:
    def __init__(
        self,
        owners: frozenset[int],
        *,
        switch: Switch,
        pauses: Pauses,
        watch: Watch,
        figures: Figures,
        journal: AsyncJournal,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self.owners = owners
        self.switch, self.pauses, self.watch, self.figures = switch, pauses, watch, figures
        self.journal = journal
        self.clock = clock
        self._handlers: dict[str, Handler] = {
            "status": self._status,
            "positions": self._positions,
            "pnl": self._pnl,
            "pause": self._pause,
            "resume": self._resume,
            "flatten": self._flatten,
            "confirm": self._confirm,
            "help": self._help,
        }

    async def handle(self, incoming: Incoming) -> Reply:
        name, args = parse(incoming)
        actor = f"telegram:{incoming.chat_id}"
        if incoming.chat_id not in self.owners:
            who = f"@{incoming.username}" if incoming.username else "no username"
            await self.journal.audit(actor, "telegram_ignored", f"{who}: {redact(incoming.text)}")
            return Reply(name, "ignored", "")
        handler = self._handlers.get(name)
        try:
            reply = await handler(incoming.chat_id, args) if handler else Reply(name, "usage", replies.USAGE)
        except Exception:
            await self.journal.audit(actor, "telegram", f"{redact(incoming.text)}: failed")
            raise
        await self.journal.audit(actor, "telegram", f"{redact(incoming.text)}: {reply.outcome}")
        return reply

    # -- reading ------------------------------------------------------------------------------

    async def _help(self, chat_id: int, args: list[str]) -> Reply:
        return Reply("help", "done", replies.USAGE)

    async def _status(self, chat_id: int, args: list[str]) -> Reply:
        async def accounts() -> list[AccountPositions] | TvbridgeError:
            try:
                return await self.watch.positions(None, "")
            except TvbridgeError as exc:
                return exc

        # Asked together: the executor's answers take a venue round trip each.
        trading, ready, held, pauses, today = await asyncio.gather(
            self.switch.recorded(),
            self.watch.ready(),
            accounts(),
            self.pauses.recorded(),
            self.figures.analytics(FillFilter(since_ms=self._since("today"))),
        )
        return Reply("status", "done", replies.status(trading, ready, held, pauses, today["total"]))

    async def _positions(self, chat_id: int, args: list[str]) -> Reply:
        try:
            accounts = await self.watch.positions(None, "")
        except TvbridgeError as exc:
            return Reply("positions", "failed", f"Positions not read: {replies.failure(exc)}")
        return Reply("positions", "done", replies.positions(accounts))

    async def _pnl(self, chat_id: int, args: list[str]) -> Reply:
        period = args[0].lower() if args else "today"
        if period not in replies.PERIODS or len(args) > 1:
            return Reply("pnl", "usage", "Usage: /pnl [today|7d|30d]")
        report = await self.figures.analytics(FillFilter(since_ms=self._since(period)))
        return Reply("pnl", "done", replies.pnl(period, report))

    def _since(self, period: str) -> int:
        now = self.clock()
        return {"today": now // DAY_MS * DAY_MS, "7d": now - 7 * DAY_MS, "30d": now - 30 * DAY_MS}[period]

    # -- pauses -------------------------------------------------------------------------------

    async def _pause(self, chat_id: int, args: list[str]) -> Reply:
        if len(args) > 1:
            return Reply("pause", "usage", "Usage: /pause [strategy]")
        strategy = args[0].lower() if args else ""
        try:
            accounts = await self.watch.positions(None, "")
        except TvbridgeError as exc:
            # The executor alone knows which accounts exist.
            return Reply(
                "pause", "failed", f"Not paused: the accounts are not known ({replies.failure(exc)})"
            )
        applied = True
        names = []
        for a in accounts:
            if a.venue is None:
                continue
            answer = await self.pauses.pause(a.venue.value, a.account, strategy, f"telegram:{chat_id}")
            applied = applied and bool(answer["applied"])
            names.append(replies.account_name(a))
        whose = f" for strategy {strategy}" if strategy else ""
        text = (
            f"Paused entries on {', '.join(names) or 'no account'}{whose} until /resume"
            f"{' ' + strategy if strategy else ''}. Closes, take-profits and stops still pass."
        )
        if not applied:
            text += "\nRecorded; the executor is unreachable and takes it when it is back."
        return Reply("pause", "done", text)

    async def _resume(self, chat_id: int, args: list[str]) -> Reply:
        if len(args) > 1:
            return Reply("resume", "usage", "Usage: /resume [strategy]")
        strategy = args[0].lower() if args else ""
        held = [p for p in await self.pauses.recorded() if not strategy or p.strategy == strategy]
        scopes = list(dict.fromkeys(p.scope for p in held))
        if not scopes:
            whose = f" for strategy {strategy}" if strategy else ""
            return Reply("resume", "done", f"Nothing to resume: no pause in force{whose}.")
        applied = True
        for venue, account, name in scopes:
            answer = await self.pauses.resume(venue, account, name, f"telegram:{chat_id}")
            applied = applied and bool(answer["applied"])
        names = ", ".join(f"{v}/{a}" + (f" strategy {s}" if s else "") for v, a, s in scopes)
        text = f"Resumed {names}: entries are taken again."
        if not applied:
            text += "\nRecorded; the executor is unreachable and takes it when it is back."
        return Reply("resume", "done", text)

    # -- flatten ------------------------------------------------------------------------------

    async def _flatten(self, chat_id: int, args: list[str]) -> Reply:
        venue = VENUES.get(args[0].lower()) if args else None
        if len(args) > 2 or (args and venue is None):
            return Reply("flatten", "usage", "Usage: /flatten [bingx|binance] [account]")
        account = args[1] if len(args) > 1 else ""
        where = scope(venue, account)
        try:
            accounts = await self.watch.positions(venue, account)
        except TvbridgeError as exc:
            return Reply("flatten", "failed", f"Flatten {where}: nothing done, {replies.failure(exc)}")
        code = await self._ask(chat_id, Flatten(venue.value if venue else "", account))
        text = (
            f"Flatten {where}? Trading is switched off, tvbridge's open orders are cancelled and "
            f"every position is closed at market ({replies.held(accounts)}).\n"
            f"Confirm within {CONFIRM_S} s: tap Confirm, or send /confirm {code}."
        )
        return Reply("flatten", "done", text, (Button("Confirm", CONFIRM_DATA + code),))

    async def _ask(self, chat_id: int, flatten: Flatten) -> str:
        while True:
            code = f"{secrets.randbelow(1_000_000):06d}"
            if await self.journal.write(partial(_ask_in, code, chat_id, flatten, self.clock())):
                return code

    async def _confirm(self, chat_id: int, args: list[str]) -> Reply:
        if len(args) != 1:
            return Reply("confirm", "usage", "Usage: /confirm <code>, the code /flatten gave")
        at = self.clock()
        taken, flatten = await self.journal.write(
            lambda conn: journal_telegram.take_in(conn, args[0], chat_id, at)
        )
        if taken is not Taken.TAKEN or flatten is None:
            return Reply("confirm", *REFUSALS[taken])
        venue = Venue(flatten.venue) if flatten.venue else None
        where = scope(venue, flatten.account)
        try:
            report = await self.switch.flatten(venue, flatten.account, f"telegram:{chat_id}")
        except TvbridgeError as exc:
            return Reply(
                "confirm", "failed", f"Flatten {where} failed: {replies.failure(exc)}. Trading is off."
            )
        return Reply(
            "confirm",
            "done",
            f"Flattened {where}: {report['summary']}. Trading is off until you switch it on "
            "(dashboard or POST /api/trading).",
        )


REFUSALS = {
    Taken.UNKNOWN: ("refused", "No flatten waits for that code."),
    Taken.OTHER_CHAT: ("refused", "Refused: that flatten was asked for in another chat."),
    Taken.USED: ("refused", "Already done: that confirmation was used."),
    Taken.EXPIRED: (
        "expired",
        f"Expired: a flatten must be confirmed within {CONFIRM_S} s. Send /flatten again.",
    ),
}


def _ask_in(code: str, chat_id: int, flatten: Flatten, at: int, conn: Connection) -> bool:
    return journal_telegram.ask_in(conn, code, chat_id, flatten, at, at + CONFIRM_S * 1000)


def parse(incoming: Incoming) -> tuple[str, list[str]]:
    """The command's name (`unknown` for any other text) and its words."""
    if incoming.button:
        if incoming.text.startswith(CONFIRM_DATA):
            return "confirm", [incoming.text.removeprefix(CONFIRM_DATA)]
        return "unknown", []
    words = incoming.text.split()
    if not words or not words[0].startswith("/"):
        return "unknown", []
    name = words[0][1:].split("@", 1)[0].lower()  # "/status@tvbridge_bot" in a group
    if name == "start":  # what Telegram sends when a chat first opens the bot
        name = "help"
    return (name if name in COMMANDS else "unknown"), words[1:]
