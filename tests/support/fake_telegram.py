"""A local stand-in for Telegram's Bot API over loopback HTTP: getUpdates served from a queue
with Telegram's long poll and offsets (an update is forgotten once a poll asks from past it;
a second poll while one waits ends the waiting one with 409, as Telegram does), and every
sendMessage and answerCallbackQuery recorded. The test thread talks to it through its methods."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.support.inproc import serve_app
from tools.processes import free_port, wait_until

TOKEN = "7301234567:AAH-fake-token-0123456789abcdefghijKLM"


@dataclass
class FakeBotApi:
    url: str
    token: str
    updates: list[dict[str, Any]] = field(default_factory=list)  # not yet confirmed
    replayed: list[dict[str, Any]] = field(default_factory=list)  # handed out again, whatever the offset
    polls: list[dict[str, Any]] = field(default_factory=list)  # each getUpdates body
    messages: list[dict[str, Any]] = field(default_factory=list)  # each sendMessage body
    answered: list[dict[str, Any]] = field(default_factory=list)  # each answerCallbackQuery body
    conflicts: int = 0
    closing: bool = False  # ends the polls held open, so the server stops at once
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(700_000_001))
    _waiting: int = 0  # which poll is held open now (0: none)

    # -- the test's side ------------------------------------------------------------------------

    def message(self, chat_id: int, text: str, username: str = "owner") -> dict[str, Any]:
        """A text a chat sends the bot; the update as Telegram words it."""
        update_id = next(self._ids)
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group"}
        update = {
            "update_id": update_id,
            "message": {
                "message_id": update_id % 100_000,
                "from": {"id": abs(chat_id), "is_bot": False, "first_name": "T", "username": username},
                "chat": chat,
                "date": int(time.time()),
                "text": text,
            },
        }
        return self._push(update)

    def press(self, chat_id: int, data: str, username: str = "owner") -> dict[str, Any]:
        """A tap on a reply's inline button in the chat."""
        update_id = next(self._ids)
        update = {
            "update_id": update_id,
            "callback_query": {
                "id": f"cb{update_id}",
                "from": {"id": abs(chat_id), "is_bot": False, "first_name": "T", "username": username},
                "message": {
                    "message_id": 1,
                    "chat": {"id": chat_id, "type": "private"},
                    "date": 0,
                    "text": "…",
                },
                "chat_instance": "42",
                "data": data,
            },
        }
        return self._push(update)

    def replay(self, update: dict[str, Any]) -> None:
        """Hand an update out again on the next poll, as Telegram does one never confirmed."""
        with self.lock:
            self.replayed.append(update)

    def _push(self, update: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.updates.append(update)
        return update

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [m for m in self.messages if chat_id is None or m["chat_id"] == chat_id]

    def replies(self, chat_id: int, count: int, timeout_s: float = 15.0) -> list[str]:
        """The texts sent to the chat, once there are `count`."""
        assert wait_until(lambda: len(self.sent(chat_id)) >= count, timeout_s=timeout_s, interval_s=0.02), (
            self.sent()
        )
        return [m["text"] for m in self.sent(chat_id)]

    def reply_to(self, chat_id: int, text: str, *, username: str = "owner") -> str:
        """Send a text and wait for the one reply it gets."""
        before = len(self.sent(chat_id))
        self.message(chat_id, text, username)
        return self.replies(chat_id, before + 1)[before]

    # -- the Bot API's side ---------------------------------------------------------------------

    async def get_updates(self, body: dict[str, Any]) -> JSONResponse:
        with self.lock:
            self.polls.append(body)
            offset = body.get("offset")
            if offset is not None:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            self._waiting += 1
            me = self._waiting
        deadline = time.monotonic() + float(body.get("timeout", 0))
        while True:
            with self.lock:
                if self._waiting != me:
                    self.conflicts += 1
                    return error(409, "Conflict: terminated by other getUpdates request")
                ready = self.replayed + self.updates[:100]
                if ready or self.closing or time.monotonic() >= deadline:
                    self.replayed = []
                    self._waiting = 0
                    return JSONResponse({"ok": True, "result": ready})
            await asyncio.sleep(0.02)


def error(code: int, description: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error_code": code, "description": description}, status_code=code)


@contextmanager
def fake_bot_api(token: str = TOKEN) -> Iterator[FakeBotApi]:
    app = FastAPI()
    port = free_port()
    fake = FakeBotApi(f"http://127.0.0.1:{port}", token)

    @app.post("/bot{token}/{method}")
    async def call(token: str, method: str, request: Request) -> JSONResponse:
        if token != fake.token:
            return error(401, "Unauthorized")
        body = await request.json()
        if method == "getUpdates":
            return await fake.get_updates(body)
        if method == "sendMessage":
            if not isinstance(body.get("text"), str) or not body["text"]:
                return error(400, "Bad Request: message text is empty")
            with fake.lock:
                fake.messages.append(body)
            return JSONResponse(
                {"ok": True, "result": {"message_id": len(fake.messages), "text": body["text"]}}
            )
        if method == "answerCallbackQuery":
            with fake.lock:
                fake.answered.append(body)
            return JSONResponse({"ok": True, "result": True})
        return error(404, "Not Found")

    with serve_app(app, port):
        try:
            yield fake
        finally:
            fake.closing = True
