"""Executor settings, from the environment or `.env` (see DESIGN.md for the names)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import SecretStr

from common.settings import ServiceSettings
from common.symbols import canonical_symbol
from executor.core.risk import RiskLimits
from executor.venues.binance import endpoints as binance_endpoints
from executor.venues.bingx import endpoints as bingx_endpoints


class ExecutorSettings(ServiceSettings):
    # Loopback by default: the executor holds the keys and must never face the internet;
    # containers set EXECUTOR_HOST=0.0.0.0 on their private network.
    executor_host: str = "127.0.0.1"
    executor_port: int = 50051
    executor_metrics_port: int = 9101
    executor_max_workers: int = 32
    executor_grace_s: float = 10.0
    # Calls without a deadline are refused: a hung caller must not pin a worker forever.
    executor_require_deadline: bool = True

    bingx_api_key: SecretStr | None = None
    bingx_secret_key: SecretStr | None = None
    bingx_base_url: str | None = None
    bingx_demo: bool = False

    binance_api_key: SecretStr | None = None
    binance_secret_key: SecretStr | None = None
    binance_base_url: str | None = None
    binance_testnet: bool = False

    venue_connect_timeout_s: float = 3.0
    venue_read_timeout_s: float = 5.0
    venue_pool_size: int = 16
    venue_recv_window_ms: int = 5000
    venue_verify_tls: bool = True
    # A PEM bundle of extra CAs to trust for venue TLS (a simulator's self-signed CA).
    venue_ca_bundle: str | None = None
    # Load rules and sync clocks before serving, so the first signal pays nothing extra.
    venue_warm_on_start: bool = True

    trading_enabled: bool = True

    # Risk limits, enforced on every signal (empty = no limit).
    risk_allowed_symbols: str = ""  # comma-separated, e.g. "BTC-USDT, ETHUSDT"
    risk_max_leverage: int | None = None
    risk_max_order_notional: Decimal | None = None
    risk_max_position_notional: Decimal | None = None

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
