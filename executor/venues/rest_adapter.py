"""What both REST venues' adapters hold alike: one keep-alive pool, one signed client, and the
instrument rules, loaded at warm-up and reloaded at most once a minute for a symbol not yet seen."""

from __future__ import annotations

import abc
import threading
import time
from collections.abc import Mapping
from typing import Any

from common.errors import ErrorClass, TvbridgeError
from executor.core.events import AccountConfig, Fill, OrderUpdate, UserStream, Where
from executor.core.model import MarginMode, PositionSide
from executor.core.ports import ConnectionReport, InstrumentRules
from executor.venues.base import BaseVenueAdapter
from executor.venues.event_fields import OrderOrigin
from executor.venues.http import VenueHttp
from executor.venues.signed_client import SignedRestClient
from executor.venues.stream_base import StreamObserver, websocket_url

RULES_RELOAD_S = 60


class RestVenueAdapter(BaseVenueAdapter):
    venue_label: str  # the venue's name in messages
    test_order_path: str  # validates an order as if placing it, places nothing
    demo: bool = False  # trading the venue's demo money (set by wiring from the settings)

    client_class: type[SignedRestClient]

    def __init__(
        self,
        account: str,
        base_url: str,
        api_key: str,
        secret_key: str,
        http: VenueHttp | None = None,
        recv_window_ms: int = 5000,
        stream_url: str | None = None,
    ) -> None:
        super().__init__(account, base_url)
        # The user-data stream's host: the configured one, else this REST host's own
        # (a simulator serves both on one port).
        self.stream_url = stream_url or websocket_url(base_url)
        self.stream_observer: StreamObserver | None = None
        self._origins: dict[str, OrderOrigin] = {}  # by order id, for REST fills
        self.http = http or VenueHttp(base_url)
        self.client = self.client_class(self.http, api_key, secret_key, recv_window_ms)
        self._lock = threading.Lock()
        # Account settings, read when needed and kept until the venue says otherwise: a settings
        # event, a refusal that names them, or a reconciliation (`forget_settings`).
        self._leverage: dict[tuple[str, PositionSide], int] = {}
        self._hedge_mode: bool | None = None
        self._margin_modes: dict[str, MarginMode] = {}
        self._rules: dict[str, InstrumentRules] = {}  # by canonical symbol
        self._by_venue_symbol: dict[str, InstrumentRules] = {}
        self._rules_loaded_at = 0.0

    @abc.abstractmethod
    def _fetch_rules(self) -> list[InstrumentRules]:
        """Every tradable perpetual the venue lists, read from its public endpoint."""

    def rules(self, symbol: str) -> InstrumentRules:
        rules = self._rules.get(symbol)
        # A symbol we have not seen may have been listed since: reload at most once a minute.
        if rules is None and time.monotonic() - self._rules_loaded_at > RULES_RELOAD_S:
            self._load_rules()
            rules = self._rules.get(symbol)
        if rules is None:
            raise TvbridgeError(
                ErrorClass.UNKNOWN_SYMBOL, f"{self.venue_label} lists no perpetual contract {symbol}"
            )
        return rules

    def _load_rules(self) -> None:
        loaded = self._fetch_rules()
        with self._lock:
            self._rules = {r.symbol: r for r in loaded}
            self._by_venue_symbol = {r.venue_symbol: r for r in loaded}
            self._rules_loaded_at = time.monotonic()

    def _symbol_of(self, venue_symbol: str) -> str:
        """The canonical BASE-QUOTE of a symbol in the venue's spelling."""
        rules = self._by_venue_symbol.get(venue_symbol)
        return rules.symbol if rules is not None else venue_symbol

    def where(self, venue_symbol: str) -> Where:
        """This account and symbol, as the keeper's events name them."""
        return Where(self.venue, self.account, self._symbol_of(venue_symbol), venue_symbol)

    def any_rules(self) -> InstrumentRules | None:
        """Some listed instrument, for checks that need one (a test order)."""
        return next(iter(self._rules.values()), None)

    def warm(self) -> None:
        self.client.sync_time()
        self._load_rules()

    # -- what the position keeper reads (the core's `VenueWatch` port) -----------------------

    @abc.abstractmethod
    def open_orders(self, venue_symbol: str | None = None) -> list[OrderUpdate]: ...

    @abc.abstractmethod
    def fills(self, venue_symbol: str, since_ms: int) -> list[Fill]: ...

    def triggered_orders(self, venue_symbol: str, since_ms: int) -> list[OrderUpdate]:
        """None by default: a venue whose trigger fills carry the trigger's own id (BingX) has
        no link to tell; one whose triggers place orders of their own ids overrides this."""
        return []

    @abc.abstractmethod
    def cancel_order(self, venue_symbol: str, order: OrderUpdate) -> None: ...

    @abc.abstractmethod
    def user_stream(self) -> UserStream: ...

    def _position_mode_refused(self, exc: TvbridgeError) -> bool:
        """Whether the venue refused an order for naming the other position mode's sides."""
        return False

    def _send_order(self, path: str, params: Mapping[str, Any]) -> Any:
        """POST an order. Refused for the other position mode's sides, the trader has switched
        hedge / one-way in the exchange's app: the mode is read again, and the signal is sent
        back for one more delivery, planned in the mode the venue now has (nothing was placed)."""
        try:
            return self.client.signed("POST", path, params)
        except TvbridgeError as exc:
            if not self._position_mode_refused(exc):
                raise
            with self._lock:
                self._hedge_mode = None
            raise TvbridgeError(
                ErrorClass.VENUE_UNAVAILABLE,
                f"{self.venue_label} says the position mode has changed ({exc.venue_message}); "
                "it is read again and the signal delivered once more",
                venue_code=exc.venue_code,
                venue_message=exc.venue_message,
                sent=False,
            ) from exc

    def settings_changed(self, config: AccountConfig) -> None:
        """The trader (or we) changed a setting on the venue: what the event says is taken, and
        what it leaves out for the symbol is read again when next needed."""
        with self._lock:
            if config.hedge_mode is not None:
                self._hedge_mode = config.hedge_mode
            symbol = config.venue_symbol
            if symbol is None:
                return
            if config.margin_mode is not None:
                self._margin_modes[symbol] = config.margin_mode
            if config.leverage is None:
                self._forget_leverage(symbol)
                return
            # BingX's settings snapshot repeats every symbol's leverage every 5 s: taking it
            # keeps the cache warm, where forgetting it would cost the next signal a read.
            for key in self._leverage_keys(symbol):
                self._leverage[key] = config.leverage

    def _leverage_keys(self, venue_symbol: str) -> tuple[tuple[str, PositionSide], ...]:
        """The cache entries one leverage of the symbol fills: per symbol here; a venue that
        keeps it per side overrides this."""
        return ((venue_symbol, PositionSide.BOTH),)

    def forget_settings(self, venue_symbol: str | None = None) -> None:
        with self._lock:
            if venue_symbol is None:
                self._leverage.clear()
                self._margin_modes.clear()
                return
            self._forget_leverage(venue_symbol)
            self._margin_modes.pop(venue_symbol, None)

    def _forget_leverage(self, venue_symbol: str) -> None:
        for key in [k for k in self._leverage if k[0] == venue_symbol]:
            del self._leverage[key]

    def check_connection(self) -> ConnectionReport:
        started = time.perf_counter()
        offset = self.client.sync_time()
        latency_ms = int((time.perf_counter() - started) * 1000)
        self.balances()
        return ConnectionReport(True, latency_ms, offset, True, self._can_trade())

    def _can_trade(self) -> bool:
        """Ask the test-order endpoint, which checks the key's trade permission and places nothing."""
        rules = self.any_rules()
        if rules is None:
            return True
        try:
            self.client.signed(
                "POST",
                self.test_order_path,
                {
                    "symbol": rules.venue_symbol,
                    "side": "BUY",
                    "positionSide": "LONG" if self.hedge_mode() else "BOTH",
                    "type": "MARKET",
                    "quantity": rules.min_qty if rules.min_qty > 0 else rules.qty_step,
                },
            )
        except TvbridgeError as exc:
            if exc.error_class is ErrorClass.AUTH:
                return False
            if exc.retryable:
                raise
            # Any other verdict on the order itself (margin, minimum) means the key may trade.
        return True

    def keep_warm(self, idle_s: float) -> bool:
        # A venue closes an idle keep-alive connection; reopening it costs the next order a TCP
        # and a TLS handshake, two round trips. The server-time read also re-measures the clock.
        if time.monotonic() - self.http.last_used < idle_s:
            return False
        self.client.sync_time()
        return True

    def close(self) -> None:
        self.http.close()
