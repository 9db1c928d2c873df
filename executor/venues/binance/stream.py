"""Binance's user-data stream client (docs/venues/binance.md section 9): a listen key from
`/fapi/v1/listenKey` (API key header, no signature), JSON text frames, `listenKeyExpired`."""

from __future__ import annotations

from typing import Any

from common.decimals import decimal_json
from common.errors import TvbridgeError
from executor.core.model import Venue
from executor.venues.binance import endpoints
from executor.venues.binance.errors import LISTEN_KEY_UNKNOWN
from executor.venues.binance.events import LISTEN_KEY_EXPIRED, STREAM_EVENTS, Locate, stream_events
from executor.venues.signed_client import SignedRestClient
from executor.venues.stream_base import (
    KeyLapsed,
    Reading,
    StreamObserver,
    StreamTiming,
    UserStreamClient,
)


class BinanceUserStream(UserStreamClient):
    def __init__(
        self,
        client: SignedRestClient,
        locate: Locate,
        account: str,
        ws_url: str,
        timing: StreamTiming | None = None,
        observer: StreamObserver | None = None,
    ) -> None:
        super().__init__(Venue.BINANCE, account, ws_url, timing, observer, client.http.verify_tls)
        self.client = client
        self.locate = locate

    def new_key(self) -> str:
        # POST hands back the account's live key if it has one, extended (section 9.2).
        data = self.client.keyed("POST", endpoints.LISTEN_KEY, timeout_s=self.timing.call_timeout_s)
        return str(data["listenKey"])

    def keep_alive(self, key: str) -> None:
        try:
            self.client.keyed("PUT", endpoints.LISTEN_KEY, timeout_s=self.timing.call_timeout_s)
        except TvbridgeError as exc:
            if exc.venue_code == str(LISTEN_KEY_UNKNOWN):
                raise KeyLapsed from exc
            raise

    def stream_path(self, key: str) -> str:
        # Section 9.1: production's user data moved to `/private/ws?listenKey=<key>&events=...`
        # (the legacy `/ws/<key>` was retired there on 2026-04-23), and without `events=` it
        # delivers nothing, so the events we read are named. The simulator serves this form as
        # production does; the testnet still takes `/ws/<key>`, which we do not use.
        return f"/private/ws?listenKey={key}&events={'/'.join(STREAM_EVENTS)}"

    def read(self, message: str | bytes) -> Reading:
        text = message.decode() if isinstance(message, bytes) else message
        frame: Any = decimal_json(text)
        if not isinstance(frame, dict):
            return Reading()
        name = str(frame.get("e") or "")
        if name == LISTEN_KEY_EXPIRED:
            return Reading(expired=True, name=name)
        return Reading(stream_events(frame, self.locate, self.venue, self.account), name=name)
