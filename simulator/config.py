"""Simulator settings. It reads the executor's credential names, so one `.env` configures both."""

from __future__ import annotations

from decimal import Decimal

from pydantic import SecretStr

from common.settings import ServiceSettings


class SimulatorSettings(ServiceSettings):
    simulator_host: str = "127.0.0.1"
    simulator_port: int = 8900
    simulator_start_balance: Decimal = Decimal("10000")
    # How long an idle keep-alive connection stays open, as behind a venue's load balancer.
    simulator_keep_alive_s: float = 60.0
    # Serve HTTPS with this certificate and key (PEM files), so a client pays a real
    # TLS handshake and encryption as it would across the internet.
    simulator_tls_cert: str | None = None
    simulator_tls_key: str | None = None
    # User-data streams run on the venues' own clocks; a test may shorten them.
    simulator_listen_key_ttl_s: float = 3600.0  # a listen key's term (both venues: 60 minutes)
    simulator_stream_lifetime_s: float = 86400.0  # Binance ends a connection at 24 hours
    simulator_bingx_heartbeat_s: float = 5.0  # BingX's "Ping"
    simulator_bingx_snapshot_s: float = 5.0  # BingX's settings snapshot
    # BingX takes a clientOrderId only on LIMIT and MARKET orders (docs/venues/bingx.md 5.8): a
    # conditional order's is dropped. True keeps it, as a venue that honoured it would.
    simulator_bingx_trigger_client_ids: bool = False

    bingx_api_key: SecretStr | None = None
    # The executor's demo switch: a BingX demo (VST) account holds VST, not USDT (docs/venues/bingx.md 1).
    bingx_demo: bool = False
    bingx_secret_key: SecretStr | None = None
    binance_api_key: SecretStr | None = None
    binance_secret_key: SecretStr | None = None
    # The executor's named key sets (name:api_key:secret_key, ...): each is an account here too.
    bingx_accounts: SecretStr | None = None
    binance_accounts: SecretStr | None = None
