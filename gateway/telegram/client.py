"""The Bot API over HTTP: getUpdates held open for the long poll, sendMessage and
answerCallbackQuery. Every call has a timeout, the poll's longer than the wait it asks for; the
URL holds the bot's token, so no error here ever carries it."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from gateway.telegram import wire
from gateway.telegram.commands import Reply

# Beyond the long poll's own wait: Telegram answers at its end, and the network takes its time.
POLL_MARGIN_S = 10.0
CALL_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# httpx logs every request's URL, and this URL holds the token.
logging.getLogger("httpx").setLevel(logging.WARNING)


class BotApi:
    def __init__(self, token: str, api_url: str, poll_timeout_s: int) -> None:
        self.poll_timeout_s = poll_timeout_s
        self._base = f"{api_url.rstrip('/')}/bot{token}/"
        self._http = httpx.AsyncClient(timeout=CALL_TIMEOUT, follow_redirects=False)

    async def get_updates(self, offset: int | None) -> list[wire.Update]:
        """Waits up to the poll timeout for updates from `offset` on (None: the first not yet
        confirmed); asking from an offset confirms every update before it to Telegram."""
        timeout = httpx.Timeout(self.poll_timeout_s + POLL_MARGIN_S, connect=5.0)
        body = wire.get_updates_body(offset, self.poll_timeout_s)
        return wire.updates_from(await self._call("getUpdates", body, timeout))

    async def send_message(self, chat_id: int, reply: Reply) -> None:
        await self._call("sendMessage", wire.send_message_body(chat_id, reply))

    async def answer_callback(self, callback_id: str, text: str) -> None:
        await self._call("answerCallbackQuery", wire.answer_callback_body(callback_id, text))

    async def close(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, body: dict[str, Any], limits: httpx.Timeout = CALL_TIMEOUT) -> Any:
        try:
            response = await self._http.post(self._base + method, json=body, timeout=limits)
        except httpx.HTTPError as exc:
            # The exception's text may hold the URL, and so the token: only its kind is kept.
            raise wire.BotApiError(0, f"{method}: {type(exc).__name__}") from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        return wire.result(response.status_code, answer)
