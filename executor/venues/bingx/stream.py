"""BingX's swap user-data stream client (docs/venues/bingx.md section 9): a listen key from
`/openApi/user/auth/userDataStream`, gzip-compressed frames, "Ping" answered with "Pong"."""

from __future__ import annotations

import contextlib
import gzip
import json
import zlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from common.decimals import decimal_json
from common.errors import ErrorClass, TvbridgeError
from executor.core.model import Venue
from executor.venues.bingx import endpoints
from executor.venues.bingx.events import LISTEN_KEY_EXPIRED, PING, PONG, Locate, stream_events
from executor.venues.signed_client import SignedRestClient
from executor.venues.stream_base import (
    KeyLapsed,
    Reading,
    StreamObserver,
    StreamTiming,
    UserStreamClient,
)

# PUT on a listen key (section 9.2): 200 extended, 404 no such key; bodies are empty.
KEY_EXTENDED = 200
KEY_UNKNOWN = 404


class BingxUserStream(UserStreamClient):
    def __init__(
        self,
        client: SignedRestClient,
        locate: Locate,
        hedge_mode: Callable[[], bool],
        account: str,
        ws_url: str,
        timing: StreamTiming | None = None,
        observer: StreamObserver | None = None,
    ) -> None:
        super().__init__(Venue.BINGX, account, ws_url, timing, observer, client.http.verify_tls)
        self.client = client
        self.locate = locate
        self.hedge_mode = hedge_mode

    def new_key(self) -> str:
        # The official examples send the API key header alone (section 9.2); the answer is a
        # bare {"listenKey"}, outside the usual envelope.
        reply = self.client.keyed_reply("POST", endpoints.LISTEN_KEY, timeout_s=self.timing.call_timeout_s)
        try:
            return str(json.loads(reply.text)["listenKey"])
        except (ValueError, KeyError, TypeError) as exc:
            raise TvbridgeError(
                ErrorClass.VENUE_UNAVAILABLE if reply.status >= 500 else ErrorClass.VENUE_REJECTED,
                f"BingX answered HTTP {reply.status} without a listen key",
                venue_code=str(reply.status),
            ) from exc

    def keep_alive(self, key: str) -> None:
        reply = self.client.keyed_reply(
            "PUT", endpoints.LISTEN_KEY, {"listenKey": key}, timeout_s=self.timing.call_timeout_s
        )
        if reply.status == KEY_UNKNOWN:
            raise KeyLapsed
        if reply.status != KEY_EXTENDED:
            raise TvbridgeError(
                ErrorClass.VENUE_UNAVAILABLE,
                f"BingX listen-key keep-alive answered HTTP {reply.status}",
                venue_code=str(reply.status),
            )

    def stream_path(self, key: str) -> str:
        return f"{endpoints.STREAM_PATH}?{urlencode({'listenKey': key})}"

    def read(self, message: str | bytes) -> Reading:
        text = _text(message)
        if text.strip() == PING:
            return Reading(reply=PONG)
        frame: Any = decimal_json(text)
        if not isinstance(frame, dict):
            return Reading()
        name = str(frame.get("e") or "")
        if name == LISTEN_KEY_EXPIRED:
            return Reading(expired=True, name=name)
        hedge = self.hedge_mode()
        return Reading(stream_events(frame, self.locate, self.venue, self.account, hedge), name=name)


def _text(message: str | bytes) -> str:
    """Every frame is gzip in a binary frame (section 9.3); anything else is read as it came."""
    if isinstance(message, str):
        return message
    with contextlib.suppress(OSError, EOFError, zlib.error):
        message = gzip.decompress(message)
    return message.decode()
