"""The gateway's Telegram loop: long-poll the Bot API, claim each update in the journal, hand
it to the commands, send the reply to the chat that asked.

No inbound port: the gateway asks, Telegram answers when a message comes or the poll's timeout
passes. Errors back off with jitter; a 409 means another client polls with the same token (a
second gateway on this journal, whose claims keep each command to one of the two), logged once
until a poll succeeds again. Where the next poll starts survives a restart: after the newest
update claimed in the journal, and an update handed out again is claimed already and skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable

from gateway import metrics
from gateway.journal import telegram as journal_telegram
from gateway.journal.aio import AsyncJournal
from gateway.journal.records import now_ms
from gateway.telegram.client import BotApi
from gateway.telegram.commands import Commands, Reply, parse
from gateway.telegram.wire import BotApiError, Update

log = logging.getLogger("gateway.telegram")

MAX_BACKOFF_S = 60.0
CALLBACK_ANSWERS = {"done": "Done", "failed": "Failed", "expired": "Expired", "refused": "Refused"}


def backoff_s(failures: int, base_s: float = 1.0) -> float:
    """Doubling from `base_s` up to MAX_BACKOFF_S, each wait between half and all of it."""
    ceiling = min(MAX_BACKOFF_S, base_s * 2.0 ** max(failures - 1, 0))
    return ceiling * random.uniform(0.5, 1.0)  # noqa: S311 - spreading retries, not secrets


class TelegramPoller:
    def __init__(
        self,
        api: BotApi,
        commands: Commands,
        journal: AsyncJournal,
        bot_id: str,
        *,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self.api = api
        self.commands = commands
        self.journal = journal
        self.bot_id = bot_id
        self.clock = clock
        self._task: asyncio.Task[None] | None = None
        for reason in ("conflict", "unauthorized", "rate_limited", "http", "network", "journal", "reply"):
            metrics.TELEGRAM_ERRORS.labels(reason)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.api.close()

    async def _run(self) -> None:
        offset = await self._start_offset()
        failures = 0
        conflicted = False
        while True:
            try:
                updates = await self.api.get_updates(offset)
            except BotApiError as exc:
                failures += 1
                metrics.TELEGRAM_ERRORS.labels(exc.reason).inc()
                if exc.reason != "conflict" or not conflicted:
                    log.warning(
                        "telegram poll failed", extra={"reason": exc.reason, "detail": exc.description}
                    )
                conflicted = conflicted or exc.reason == "conflict"
                await asyncio.sleep(exc.retry_after_s or backoff_s(failures))
                continue
            failures, conflicted = 0, False
            for update in updates:
                if not await self._take(update):
                    break  # the journal failed: this update is asked for again
                offset = update.update_id + 1

    async def _start_offset(self) -> int | None:
        failures = 0
        while True:
            try:
                return await self.journal.read(
                    journal_telegram.next_offset, self.journal.journal.engine, self.bot_id
                )
            except Exception as exc:  # the journal: wait for it, as for the Bot API
                failures += 1
                metrics.TELEGRAM_ERRORS.labels("journal").inc()
                log.warning("telegram offset not read", extra={"reason": type(exc).__name__})
                await asyncio.sleep(backoff_s(failures))

    async def _take(self, update: Update) -> bool:
        """Claim the update, then act on it; False when it could not be claimed."""
        incoming = update.incoming
        chat_id = incoming.chat_id if incoming is not None else 0
        at = self.clock()
        try:
            claimed = await self.journal.write(
                lambda conn: journal_telegram.claim_in(conn, self.bot_id, update.update_id, chat_id, at)
            )
        except Exception as exc:  # the journal: counted, and the update asked for again
            metrics.TELEGRAM_ERRORS.labels("journal").inc()
            log.warning("telegram update not claimed", extra={"reason": type(exc).__name__})
            await asyncio.sleep(backoff_s(1))
            return False
        if not claimed or incoming is None:
            return True
        try:
            reply = await self.commands.handle(incoming)
        except Exception:  # a command's failure must never stop the loop
            log.exception("telegram command failed", extra={"chat_id": chat_id})
            reply = Reply(
                parse(incoming)[0], "failed", "Failed: the gateway could not do that; its log says why."
            )
        metrics.TELEGRAM_COMMANDS.labels(reply.command, reply.outcome).inc()
        if reply.outcome == "ignored":
            return True
        await self._reply(chat_id, reply, update.callback_id)
        return True

    async def _reply(self, chat_id: int, reply: Reply, callback_id: str) -> None:
        try:
            if callback_id:
                # Stops the button's spinner on the owner's phone; the reply follows as a message.
                with contextlib.suppress(BotApiError):
                    await self.api.answer_callback(callback_id, CALLBACK_ANSWERS.get(reply.outcome, ""))
            await self.api.send_message(chat_id, reply)
        except BotApiError as exc:
            metrics.TELEGRAM_ERRORS.labels("reply").inc()
            log.warning("telegram reply not sent", extra={"reason": exc.reason, "detail": exc.description})
