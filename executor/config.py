"""Executor settings, from the environment or `.env` (the README lists every name)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import SecretStr, field_validator, model_validator

from common import jsonlog
from common.risk_memory import MAX_CONSECUTIVE_LOSSES
from common.settings import ServiceSettings, parse_accounts, secret_value
from common.symbols import canonical_symbol
from common.tls import check_complete
from executor.core.exposure.limits import (
    COOLDOWN_AFTER_STOP,
    MAX_DAILY_LOSS,
    MAX_OPEN_POSITIONS,
    TRADING_HOURS,
    RiskPlan,
    parse_limits,
    parse_strategy_limits,
)
from executor.core.model import Venue
from executor.core.risk import RiskLimits
from executor.venues.registry import BY_VENUE
from executor.venues.stream_base import websocket_url

# Threads beside the RPC workers that send on an account's connections: the keeper's timer
# (reconciliation), its learner, the user-data stream's listen-key calls, and the keep-alive.
KEEPER_THREADS = 4


class ExecutorSettings(ServiceSettings):
    # Loopback by default: the executor holds the keys and must never face the internet;
    # containers set EXECUTOR_HOST=0.0.0.0 on their private network.
    executor_host: str = "127.0.0.1"
    executor_port: int = 50051
    executor_metrics_port: int = 9101
    # Each venue connection idle this long gets one server-time read, so it stays open for the
    # next signal (0: never). Venues drop idle keep-alive connections after about a minute.
    venue_keepalive_s: float = 20.0
    # Loopback like the gRPC port; a container sets 0.0.0.0 on its private network.
    executor_metrics_host: str = "127.0.0.1"
    # gRPC calls served at once. A call holds its worker for its whole venue round trip, and the
    # gateway sends one signal at a time per (venue, account, symbol) lane: a candle-close burst
    # over 50 symbols on each venue is 100 calls at once, beside the keeper's watch streams (one
    # worker each, for as long as a gateway is connected). With fewer workers, lanes queue for
    # one and each waits out another's round trip.
    executor_max_workers: int = 128
    executor_grace_s: float = 10.0
    # Calls without a deadline are refused: a hung caller must not pin a worker forever.
    executor_require_deadline: bool = True
    # Mutual TLS (PEM paths): the executor's certificate and key, and the CA that signed the
    # gateway's. Set, the executor speaks TLS only and refuses any caller without such a certificate.
    executor_tls_cert: str | None = None
    executor_tls_key: str | None = None
    executor_tls_client_ca: str | None = None

    bingx_api_key: SecretStr | None = None
    bingx_secret_key: SecretStr | None = None
    bingx_base_url: str | None = None
    bingx_demo: bool = False
    # The user-data stream's host, overriding the live/demo one (a simulator: ws://host:8900).
    bingx_ws_url: str | None = None

    # More key sets on the same venue, picked by a signal's `account`:
    # "name:api_key:secret_key" entries, comma- or newline-separated (or from BINGX_ACCOUNTS_FILE).
    bingx_accounts: SecretStr | None = None

    binance_api_key: SecretStr | None = None
    binance_secret_key: SecretStr | None = None
    binance_base_url: str | None = None
    # live, demo (Demo Trading, demo-fapi.binance.com) or testnet (testnet.binancefuture.com);
    # each has its own keys. BINANCE_TESTNET=true, the older switch, means testnet.
    binance_env: Literal["live", "demo", "testnet"] | None = None
    binance_testnet: bool | None = None
    binance_ws_url: str | None = None
    binance_accounts: SecretStr | None = None

    venue_connect_timeout_s: float = 3.0
    venue_read_timeout_s: float = 5.0
    # Kept-alive connections per venue account; unset, every RPC worker plus the keeper's own
    # threads (`pool_size`). A request finding none free opens a throwaway one (TCP and TLS
    # handshakes: two more round trips) that is closed after its answer, "Connection pool is full".
    venue_pool_size: int | None = None
    venue_recv_window_ms: int = 5000
    venue_verify_tls: bool = True
    # A PEM bundle of extra CAs to trust for venue TLS (a simulator's self-signed CA).
    venue_ca_bundle: str | None = None
    # Load rules and sync clocks before serving, so the first signal pays nothing extra.
    venue_warm_on_start: bool = True
    # A price (read, or our own fill) and a balance serve later signals this long, counted from
    # the moment the read was sent; 0 = always read. Signals asking while a read is out wait for
    # its answer (executor/venues/fresh.py).
    venue_price_cache_s: float = 1.0
    venue_balance_cache_s: float = 2.0

    # The position keeper reads every account through REST this often (seconds), even while its
    # user-data stream is up: the safety net for whatever the stream missed.
    reconcile_s: float = 30.0

    # Risk limits, enforced on every signal (empty = no limit).
    risk_allowed_symbols: str = ""  # comma-separated, e.g. "BTC-USDT, ETHUSDT"
    risk_max_leverage: int | None = None
    risk_max_order_notional: Decimal | None = None
    risk_max_position_notional: Decimal | None = None
    # Exposure limits per (venue, account), on entries only (executor/core/exposure/).
    risk_max_open_positions: int | None = None
    risk_max_daily_loss_usdt: Decimal | None = None  # realised since 00:00 UTC + unrealised loss
    risk_max_consecutive_losses: int | None = None
    risk_cooldown_after_stop_s: float | None = None  # per symbol
    risk_trading_hours: str = ""  # e.g. "Mon-Fri 07:00-21:00 UTC"
    # Per strategy: a JSON object {"strategy": {"RISK_MAX_OPEN_POSITIONS": 1, ...}}, here or in
    # the file RISK_STRATEGY_LIMITS_FILE names (not both).
    risk_strategy_limits: str = ""
    risk_strategy_limits_file: str | None = None

    @model_validator(mode="after")
    def _tls_all_or_nothing(self) -> ExecutorSettings:
        check_complete(
            {
                "executor_tls_cert": self.executor_tls_cert,
                "executor_tls_key": self.executor_tls_key,
                "executor_tls_client_ca": self.executor_tls_client_ca,
            }
        )
        return self

    @model_validator(mode="after")
    def _one_environment(self) -> ExecutorSettings:
        for entry in BY_VENUE.values():
            if entry.env_setting is None:
                continue
            named: str | None = getattr(self, entry.env_setting)
            switch: bool | None = getattr(self, entry.demo_switch)
            if named is not None and switch is not None and switch != (named == entry.switch_env):
                raise ValueError(
                    f"{entry.demo_switch.upper()}={str(switch).lower()} contradicts "
                    f"{entry.env_setting.upper()}={named}: set only {entry.env_setting.upper()}"
                )
        return self

    def environment(self, venue: Venue) -> str:
        """Which of the venue's environments the settings pick: live, demo or (Binance) testnet."""
        entry = BY_VENUE[venue]
        named: str | None = getattr(self, entry.env_setting) if entry.env_setting else None
        if named is not None:
            return named
        return entry.switch_env if getattr(self, entry.demo_switch) else "live"

    def _hosts(self, venue: Venue) -> tuple[str, str]:
        entry = BY_VENUE[venue]
        env = self.environment(venue)
        if env in entry.env_hosts:
            return entry.env_hosts[env]
        return (entry.live_url, entry.live_ws_url) if env == "live" else (entry.demo_url, entry.demo_ws_url)

    @property
    def tls(self) -> bool:
        return bool(self.executor_tls_cert)

    @field_validator(
        "binance_env",
        "binance_testnet",
        "risk_max_leverage",
        "risk_max_order_notional",
        "risk_max_position_notional",
        "risk_max_open_positions",
        "risk_max_daily_loss_usdt",
        "risk_max_consecutive_losses",
        "risk_cooldown_after_stop_s",
        "risk_strategy_limits_file",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        # docker-compose passes `${BINANCE_ENV:-}`: an empty value means the trader set none.
        return None if value == "" else value

    @field_validator("bingx_accounts", "binance_accounts")
    @classmethod
    def _valid_accounts(cls, value: SecretStr | None, info: Any) -> SecretStr | None:
        if value is not None:
            parse_accounts(value.get_secret_value(), str(info.field_name).upper())
        return value

    def model_post_init(self, context: Any, /) -> None:
        super().model_post_init(context)
        for field in (self.bingx_accounts, self.binance_accounts):
            if field is None:
                continue
            for key, secret in parse_accounts(field.get_secret_value(), "").values():
                jsonlog.register_secret(key)
                jsonlog.register_secret(secret)

    def keys(self, venue: Venue) -> tuple[str, str]:
        """The venue's plain API key and secret (either may be empty)."""
        entry = BY_VENUE[venue]
        key: SecretStr | None = getattr(self, entry.setting("api_key"))
        secret: SecretStr | None = getattr(self, entry.setting("secret_key"))
        return secret_value(key), secret_value(secret)

    def accounts(self, venue: Venue) -> dict[str, tuple[str, str]]:
        """Every key set configured for the venue, by account name; the plain keys are "default"."""
        entry = BY_VENUE[venue]
        extra: SecretStr | None = getattr(self, entry.setting("accounts"))
        variable = f"{entry.prefix}_ACCOUNTS"
        named = parse_accounts(extra.get_secret_value(), variable) if extra is not None else {}
        key, secret = self.keys(venue)
        out: dict[str, tuple[str, str]] = {"default": (key, secret)} if key and secret else {}
        if "default" in out and "default" in named:
            raise ValueError(f"{variable} names 'default', which {entry.prefix}_API_KEY already is")
        return out | named

    def risk_limits(self) -> RiskLimits:
        symbols = frozenset(
            canonical_symbol(s) for s in self.risk_allowed_symbols.replace(";", ",").split(",") if s.strip()
        )
        return RiskLimits(
            allowed_symbols=symbols,
            max_leverage=self.risk_max_leverage,
            max_order_notional=self.risk_max_order_notional,
            max_position_notional=self.risk_max_position_notional,
        )

    def risk_plan(self) -> RiskPlan:
        """The exposure limits of every account and strategy; raises ValueError naming a bad one."""
        account = parse_limits(
            {
                MAX_OPEN_POSITIONS: self.risk_max_open_positions,
                MAX_DAILY_LOSS: self.risk_max_daily_loss_usdt,
                MAX_CONSECUTIVE_LOSSES: self.risk_max_consecutive_losses,
                COOLDOWN_AFTER_STOP: self.risk_cooldown_after_stop_s,
                TRADING_HOURS: self.risk_trading_hours,
            },
            "risk settings",
        )
        if self.risk_strategy_limits_file:
            if self.risk_strategy_limits.strip():
                raise ValueError("set RISK_STRATEGY_LIMITS or RISK_STRATEGY_LIMITS_FILE, not both")
            text = Path(self.risk_strategy_limits_file).read_text(encoding="utf-8")
            return parse_strategy_limits(text, account, self.risk_strategy_limits_file)
        return parse_strategy_limits(self.risk_strategy_limits, account, "RISK_STRATEGY_LIMITS")

    @model_validator(mode="after")
    def _valid_risk_plan(self) -> ExecutorSettings:
        self.risk_plan()  # a bad limit stops the executor at start, naming it
        return self

    def pool_size(self) -> int:
        """Connections per venue account: as many as requests can be out on it at once."""
        if self.venue_pool_size is not None:
            return self.venue_pool_size
        return self.executor_max_workers + KEEPER_THREADS

    def tls_verify(self) -> bool | str:
        return self.venue_ca_bundle or self.venue_verify_tls

    def base_url(self, venue: Venue) -> str:
        """`<PREFIX>_BASE_URL` when set, else the host of the venue's environment."""
        entry = BY_VENUE[venue]
        explicit: str | None = getattr(self, entry.setting("base_url"))
        if explicit:
            return explicit
        return self._hosts(venue)[0]

    def ws_url(self, venue: Venue) -> str:
        """`<PREFIX>_WS_URL` when set; else, with `<PREFIX>_BASE_URL` set, that host in websocket form
        (a simulator or a proxy serves both on one port); else the stream host of the venue's
        environment."""
        entry = BY_VENUE[venue]
        explicit: str | None = getattr(self, entry.setting("ws_url"))
        if explicit:
            return explicit
        base: str | None = getattr(self, entry.setting("base_url"))
        if base:
            return websocket_url(base)
        return self._hosts(venue)[1]
