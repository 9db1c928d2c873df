"""Executor settings, from the environment or `.env` (see DESIGN.md for the names)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import SecretStr, field_validator, model_validator

from common import jsonlog
from common.settings import ServiceSettings, parse_accounts
from common.symbols import canonical_symbol
from common.tls import check_complete
from executor.core.risk import RiskLimits
from executor.venues.binance import endpoints as binance_endpoints
from executor.venues.bingx import endpoints as bingx_endpoints


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
    executor_max_workers: int = 32
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

    # More key sets on the same venue, picked by a signal's `account`:
    # "name:api_key:secret_key" entries, comma- or newline-separated (or from BINGX_ACCOUNTS_FILE).
    bingx_accounts: SecretStr | None = None

    binance_api_key: SecretStr | None = None
    binance_secret_key: SecretStr | None = None
    binance_base_url: str | None = None
    binance_testnet: bool = False
    binance_accounts: SecretStr | None = None

    venue_connect_timeout_s: float = 3.0
    venue_read_timeout_s: float = 5.0
    venue_pool_size: int = 16
    venue_recv_window_ms: int = 5000
    venue_verify_tls: bool = True
    # A PEM bundle of extra CAs to trust for venue TLS (a simulator's self-signed CA).
    venue_ca_bundle: str | None = None
    # Load rules and sync clocks before serving, so the first signal pays nothing extra.
    venue_warm_on_start: bool = True
    # A price (read, or our own fill) and a balance serve later signals this long; 0 = always read.
    venue_price_cache_s: float = 1.0
    venue_balance_cache_s: float = 2.0

    trading_enabled: bool = True

    # Risk limits, enforced on every signal (empty = no limit).
    risk_allowed_symbols: str = ""  # comma-separated, e.g. "BTC-USDT, ETHUSDT"
    risk_max_leverage: int | None = None
    risk_max_order_notional: Decimal | None = None
    risk_max_position_notional: Decimal | None = None

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

    @property
    def tls(self) -> bool:
        return bool(self.executor_tls_cert)

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

    def accounts(self, venue: str) -> dict[str, tuple[str, str]]:
        """Every key set configured for the venue, by account name; the plain keys are "default"."""
        key, secret, extra = {
            "bingx": (self.bingx_api_key, self.bingx_secret_key, self.bingx_accounts),
            "binance": (self.binance_api_key, self.binance_secret_key, self.binance_accounts),
        }[venue]
        variable = f"{venue.upper()}_ACCOUNTS"
        named = parse_accounts(extra.get_secret_value(), variable) if extra is not None else {}
        out: dict[str, tuple[str, str]] = {}
        if key is not None and secret is not None and key.get_secret_value() and secret.get_secret_value():
            out["default"] = (key.get_secret_value(), secret.get_secret_value())
        if "default" in out and "default" in named:
            raise ValueError(f"{variable} names 'default', which {venue.upper()}_API_KEY already is")
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

    def tls_verify(self) -> bool | str:
        return self.venue_ca_bundle or self.venue_verify_tls

    def bingx_url(self) -> str:
        if self.bingx_base_url:
            return self.bingx_base_url
        return bingx_endpoints.DEMO_BASE_URL if self.bingx_demo else bingx_endpoints.LIVE_BASE_URL

    def binance_url(self) -> str:
        if self.binance_base_url:
            return self.binance_base_url
        return binance_endpoints.TESTNET_BASE_URL if self.binance_testnet else binance_endpoints.LIVE_BASE_URL
