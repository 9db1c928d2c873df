"""Gateway settings, from the environment or `.env` (see DESIGN.md for the names)."""

from __future__ import annotations

from pydantic import SecretStr, field_validator

from common.settings import ServiceSettings

# Values copied from examples instead of being chosen: refusing them stops a
# public webhook that anyone who read the README could trade through.
PLACEHOLDER_SECRETS = {
    "changeme",
    "change-me",
    "change_me",
    "secret",
    "password",
    "passphrase",
    "your_passphrase",
    "your-passphrase",
    "example",
    "test",
    "xxx",
}
MIN_PASSPHRASE_LENGTH = 8


class GatewaySettings(ServiceSettings):
    gateway_host: str = "0.0.0.0"
    gateway_port: int = 5000

    webhook_passphrase: SecretStr | None = None

    executor_addr: str = "localhost:50051"
    # Per-RPC deadline; kept under TradingView's 3 s webhook timeout.
    executor_timeout_s: float = 2.5
    readiness_timeout_s: float = 1.0

    default_exchange: str = "bingx"
    default_account: str = "default"
    # Signals whose fire time is older than this are expired, never traded.
    signal_max_age_s: float = 60.0

    @field_validator("webhook_passphrase")
    @classmethod
    def _real_passphrase(cls, value: SecretStr | None) -> SecretStr:
        text = value.get_secret_value().strip() if value is not None else ""
        if not text:
            raise ValueError("WEBHOOK_PASSPHRASE is required: signals carry it as `passphrase`")
        if text.lower() in PLACEHOLDER_SECRETS or len(text) < MIN_PASSPHRASE_LENGTH:
            raise ValueError(
                f"WEBHOOK_PASSPHRASE looks like a placeholder; choose a random one of at least "
                f"{MIN_PASSPHRASE_LENGTH} characters, e.g. the output of "
                "`python3 -c 'import secrets; print(secrets.token_urlsafe(24))'`"
            )
        return SecretStr(text)

    @field_validator("default_exchange")
    @classmethod
    def _known_exchange(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("bingx", "binance"):
            raise ValueError("DEFAULT_EXCHANGE must be bingx or binance")
        return value
