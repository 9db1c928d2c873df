"""The three channels. Each posts one event over HTTP with a timeout; the sender retries."""

from __future__ import annotations

import abc

import requests

from gateway.notify.events import Event

TIMEOUT = (3.0, 5.0)


class Channel(abc.ABC):
    name: str

    def __init__(self, session: requests.Session | None = None) -> None:
        self.session = session or requests.Session()

    @abc.abstractmethod
    def send(self, event: Event) -> None:
        """Raise on any failure, so the sender can retry."""

    def _post(self, url: str, body: dict[str, object]) -> None:
        response = self.session.post(url, json=body, timeout=TIMEOUT)
        if response.status_code >= 400:
            # The URL may hold a token: never put it in the error.
            raise RuntimeError(f"{self.name} answered HTTP {response.status_code}")


class Telegram(Channel):
    name = "telegram"

    def __init__(
        self, token: str, chat_id: str, api_url: str, session: requests.Session | None = None
    ) -> None:
        super().__init__(session)
        self.url = f"{api_url.rstrip('/')}/bot{token}/sendMessage"
        self.chat_id = chat_id

    def send(self, event: Event) -> None:
        self._post(
            self.url, {"chat_id": self.chat_id, "text": event.message(), "disable_web_page_preview": True}
        )


class Discord(Channel):
    name = "discord"

    def __init__(self, webhook_url: str, session: requests.Session | None = None) -> None:
        super().__init__(session)
        self.url = webhook_url

    def send(self, event: Event) -> None:
        # No pings: a message must never mention @everyone because a reason said so.
        self._post(self.url, {"content": event.message()[:2000], "allowed_mentions": {"parse": []}})


class Webhook(Channel):
    name = "webhook"

    def __init__(self, url: str, session: requests.Session | None = None) -> None:
        super().__init__(session)
        self.url = url

    def send(self, event: Event) -> None:
        self._post(self.url, event.payload())
