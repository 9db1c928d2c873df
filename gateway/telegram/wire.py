"""The Bot API's JSON, both ways: updates in (a message or a button pressed), and the bodies of
getUpdates, sendMessage and answerCallbackQuery out. Nothing else reads or writes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.telegram.commands import Incoming, Reply

# Only what the commands read: a text message, or a press on a reply's button.
ALLOWED_UPDATES = ["message", "callback_query"]
# Telegram refuses a longer message.
MAX_TEXT = 4096
TRUNCATED = "\n…"


class BotApiError(Exception):
    """A call the Bot API did not answer with `ok`: `code` is its HTTP status (0 when none came
    back), `reason` the word the metrics count it by."""

    def __init__(self, code: int, description: str, retry_after_s: float | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after_s = retry_after_s

    @property
    def reason(self) -> str:
        if self.code == 0:
            return "network"
        # 409: another client polls with this token (a second gateway, or a webhook set on it).
        return {409: "conflict", 401: "unauthorized", 404: "unauthorized", 429: "rate_limited"}.get(
            self.code, "http"
        )


@dataclass(frozen=True)
class Update:
    update_id: int
    incoming: Incoming | None  # None: nothing for the commands (another kind, no text)
    callback_id: str = ""  # a button's press, to be answered


def result(status: int, body: Any) -> Any:
    """The `result` of an answer, or the BotApiError it reports."""
    if isinstance(body, dict) and body.get("ok") is True and "result" in body:
        return body["result"]
    if not isinstance(body, dict):
        raise BotApiError(status, f"HTTP {status}, not a Bot API answer")
    parameters = body.get("parameters")
    retry = parameters.get("retry_after") if isinstance(parameters, dict) else None
    code = body.get("error_code")
    raise BotApiError(
        code if isinstance(code, int) else status,
        str(body.get("description") or f"HTTP {status}")[:300],
        float(retry) if isinstance(retry, int | float) else None,
    )


def updates_from(items: Any) -> list[Update]:
    if not isinstance(items, list):
        raise BotApiError(200, "getUpdates answered no list")
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("update_id"), int):
            raise BotApiError(200, "an update without its update_id")
        out.append(_update(item))
    return out


def _update(item: dict[str, Any]) -> Update:
    update_id: int = item["update_id"]
    message = item.get("message")
    if isinstance(message, dict) and isinstance(message.get("text"), str):
        chat = _chat_id(message.get("chat"))
        if chat is not None:
            who = _username(message.get("from"), message.get("chat"))
            return Update(update_id, Incoming(chat, who, message["text"]))
    query = item.get("callback_query")
    if isinstance(query, dict) and isinstance(query.get("id"), str):
        inside = query.get("message")
        chat = _chat_id(inside.get("chat")) if isinstance(inside, dict) else None
        data = query.get("data")
        if chat is not None and isinstance(data, str):
            who = _username(query.get("from"), None)
            return Update(update_id, Incoming(chat, who, data, button=True), callback_id=query["id"])
        return Update(update_id, None, callback_id=query["id"])
    return Update(update_id, None)


def _chat_id(chat: Any) -> int | None:
    if isinstance(chat, dict) and isinstance(chat.get("id"), int):
        chat_id: int = chat["id"]
        return chat_id
    return None


def _username(sender: Any, chat: Any) -> str:
    for source in (sender, chat):
        if isinstance(source, dict) and isinstance(source.get("username"), str):
            return str(source["username"])[:64]
    return ""


def get_updates_body(offset: int | None, timeout_s: int) -> dict[str, Any]:
    body: dict[str, Any] = {"timeout": timeout_s, "allowed_updates": ALLOWED_UPDATES}
    if offset is not None:
        body["offset"] = offset
    return body


def send_message_body(chat_id: int, reply: Reply) -> dict[str, Any]:
    text = reply.text if len(reply.text) <= MAX_TEXT else reply.text[: MAX_TEXT - len(TRUNCATED)] + TRUNCATED
    body: dict[str, Any] = {"chat_id": chat_id, "text": text, "disable_web_page_preview": True}
    if reply.buttons:
        row = [{"text": b.text, "callback_data": b.data} for b in reply.buttons]
        body["reply_markup"] = {"inline_keyboard": [row]}
    return body


def answer_callback_body(callback_id: str, text: str) -> dict[str, Any]:
    return {"callback_query_id": callback_id, "text": text[:200]}
