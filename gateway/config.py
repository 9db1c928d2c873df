"""Gateway settings, from the environment or `.env` (the README lists every name)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from pydantic import SecretStr, field_validator, model_validator

from common import jsonlog
from common.settings import ServiceSettings
from common.tls import check_complete
from gateway.core.signal import Venue
from gateway.core.sources import parse_networks

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
STRATEGY_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


def check_passphrase(text: str, variable: str) -> None:
    if not text:
        raise ValueError(f"{variable} is required: signals carry it as `passphrase`")
    if text.lower() in PLACEHOLDER_SECRETS or len(text) < MIN_PASSPHRASE_LENGTH:
        raise ValueError(
            f"{variable} looks like a placeholder; choose a random one of at least "
            f"{MIN_PASSPHRASE_LENGTH} characters, e.g. the output of "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(24))'`"
        )


def parse_strategy_passphrases(text: str) -> dict[str, str]:
    """`strategy=passphrase` entries, comma- or newline-separated; names are case-insensitive."""
    out: dict[str, str] = {}
    for n, raw in enumerate(re.split(r"[,\n]", text), start=1):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        name, sep, passphrase = (part.strip() for part in entry.partition("="))
        name = name.lower()
        if not sep or not STRATEGY_NAME.match(name):
            # Never echo the entry: it holds a passphrase.
            raise ValueError(
                f"STRATEGY_PASSPHRASES entry {n}: write strategy=passphrase, the name 1-64 of "
                "a-z, 0-9, _, . and -"
            )
        if name in out:
            raise ValueError(f"STRATEGY_PASSPHRASES names {name!r} twice")
        check_passphrase(passphrase, f"STRATEGY_PASSPHRASES entry {name!r}")
        out[name] = passphrase
    return out


def parse_chat_ids(text: str) -> frozenset[int]:
    """Telegram chat ids, comma-separated: a person's is positive, a group's negative."""
    ids = set()
    for raw in text.split(","):
        entry = raw.strip()
        if not entry:
            continue
        try:
            ids.add(int(entry))
        except ValueError:
            raise ValueError(
                f"TELEGRAM_OWNER_CHAT_IDS: {entry!r} is no chat id (a whole number, e.g. 123456789)"
            ) from None
    return frozenset(ids)


class GatewaySettings(ServiceSettings):
    gateway_host: str = "0.0.0.0"
    gateway_port: int = 5000

    webhook_passphrase: SecretStr | None = None
    # A strategy named here must carry its own passphrase (and only it): one leaked
    # passphrase then trades for one strategy, and is replaced without touching the others.
    strategy_passphrases: SecretStr | None = None
    # Strategies watched for silence (their own metric label); any other name counts as "other",
    # so nobody can grow the metrics without bound. Names in STRATEGY_PASSPHRASES are watched too.
    strategies: str = ""

    executor_addr: str = "localhost:50051"
    # Per-RPC deadline. The webhook answers after webhook_wait_s whatever happens; a slower
    # executor answer still lands in the journal, and a missed one is redelivered.
    executor_timeout_s: float = 10.0
    # Mutual TLS to the executor (PEM paths): the CA that signed the executor's certificate,
    # and the gateway's own certificate and key. Set them together or not at all.
    executor_tls_ca: str | None = None
    executor_client_cert: str | None = None
    executor_client_key: str | None = None
    # The name in the executor's certificate, when it differs from the host in EXECUTOR_ADDR.
    executor_tls_server_name: str = "executor"
    # How long the webhook waits for the outcome before answering 202 (TradingView gives up at 3 s).
    webhook_wait_s: float = 2.0
    readiness_timeout_s: float = 1.0
    # The kill switch while the journal has recorded no change of it; after the first change
    # the journal's state wins over this on every start.
    trading_enabled: bool = True

    default_exchange: str = "bingx"
    default_account: str = "default"
    # Signals whose fire time is older than this are expired, never traded.
    signal_max_age_s: float = 60.0
    # The journal: a SQLite file by default, or postgresql://user:pass@host/db.
    # A secret, because a server's URL holds its password: DATABASE_URL_FILE reads it from a file.
    database_url: SecretStr = SecretStr("sqlite:///./data/tvbridge.db")
    # A body identical to one received this many seconds ago is the same signal (an explicit
    # `id` is the same signal forever).
    dedupe_window_s: float = 30.0
    # Every executed order is appended here, as the seed's trades.csv.
    trades_csv: str = "./data/trades.csv"
    # On SIGTERM, in-flight signals get this long to finish; the rest resume at the next start.
    gateway_grace_s: float = 5.0

    # Who may call /webhook: IPs or CIDR ranges, and the preset `tradingview` (its four
    # published senders). Empty: anyone with the passphrase.
    allowed_sources: str = ""
    # Proxies (TLS terminators) whose X-Forwarded-For is believed; nobody else's is.
    trusted_proxies: str = ""
    # Set by the TLS terminator that verified TradingView's client certificate: the header
    # carrying the certificate's subject. Believed only from a trusted proxy.
    client_cert_header: str = ""
    client_cert_subject: str = "CN=TradingView Webhooks"
    max_body_bytes: int = 16_384

    # The owner's login for the dashboard and its controls (unset: no login, no controls).
    dashboard_password: SecretStr | None = None
    # Signs session cookies; a random one per start when unset (a restart then logs everyone out).
    session_secret: SecretStr | None = None
    session_ttl_s: float = 12 * 3600
    # Session cookies only over HTTPS; set false for a plain-HTTP local demo.
    cookie_secure: bool = True

    # Notifications, each optional: on fills, refusals, failures, expiries, the trading switch,
    # strategies going quiet, and the position keeper's news (take-profit or stop hit,
    # liquidation, a close outside tvbridge, stream down, the fall back to REST, an unprotected
    # position, the stream restored). Delivery never holds up a signal.
    telegram_bot_token: SecretStr | None = None
    telegram_chat_id: str = ""
    telegram_api_url: str = "https://api.telegram.org"
    # Control from Telegram (gateway/telegram/): the chats whose commands are obeyed, a comma
    # list of chat ids; with TELEGRAM_BOT_TOKEN set, the gateway long-polls the Bot API.
    telegram_owner_chat_ids: str = ""
    # How long one getUpdates call waits for a message (Telegram's long poll).
    telegram_poll_timeout_s: int = 30
    discord_webhook_url: SecretStr | None = None  # the URL holds Discord's token
    notify_webhook_url: SecretStr | None = None  # any endpoint that takes a JSON POST
    # A watched strategy silent this long is reported once (0: never).
    strategy_silence_s: float = 3600.0
    # Requests per second per source, with bursts up to rate_limit_burst (a candle close can
    # bring hundreds of alerts at once from TradingView's four addresses). 0 turns it off.
    rate_limit_per_s: float = 50.0
    rate_limit_burst: int = 1000
    # A wrong passphrase costs this many requests' worth, so guessing is slow.
    unauthorized_cost: int = 20

    @field_validator("webhook_passphrase")
    @classmethod
    def _real_passphrase(cls, value: SecretStr | None) -> SecretStr:
        text = value.get_secret_value().strip() if value is not None else ""
        check_passphrase(text, "WEBHOOK_PASSPHRASE")
        return SecretStr(text)

    @field_validator("strategy_passphrases")
    @classmethod
    def _valid_strategy_passphrases(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_strategy_passphrases(value.get_secret_value())
        return value

    def model_post_init(self, context: Any, /) -> None:
        super().model_post_init(context)
        for passphrase in self.strategy_passphrase_map().values():
            jsonlog.register_secret(passphrase)
        # A database password in the URL is a secret like any other.
        _, _, rest = self.database_url.get_secret_value().partition("://")
        credentials, at, _ = rest.rpartition("@")
        if at and ":" in credentials:
            jsonlog.register_secret(unquote(credentials.split(":", 1)[1]))

    def watched_strategies(self) -> frozenset[str]:
        named = {s.strip().lower() for s in self.strategies.split(",") if s.strip()}
        return frozenset(named | set(self.strategy_passphrase_map()))

    def strategy_passphrase_map(self) -> dict[str, str]:
        if self.strategy_passphrases is None:
            return {}
        return parse_strategy_passphrases(self.strategy_passphrases.get_secret_value())

    @field_validator("telegram_owner_chat_ids")
    @classmethod
    def _chat_ids(cls, value: str) -> str:
        parse_chat_ids(value)
        return value

    @field_validator("telegram_poll_timeout_s")
    @classmethod
    def _poll_timeout(cls, value: int) -> int:
        if not 1 <= value <= 50:
            raise ValueError("TELEGRAM_POLL_TIMEOUT_S must be 1 to 50 seconds")
        return value

    def owner_chat_ids(self) -> frozenset[int]:
        return parse_chat_ids(self.telegram_owner_chat_ids)

    @field_validator("allowed_sources", "trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: str, info: Any) -> str:
        parse_networks(value, str(info.field_name).upper())
        return value

    @model_validator(mode="after")
    def _tls_all_or_nothing(self) -> GatewaySettings:
        check_complete(
            {
                "executor_tls_ca": self.executor_tls_ca,
                "executor_client_cert": self.executor_client_cert,
                "executor_client_key": self.executor_client_key,
            }
        )
        return self

    @field_validator("dashboard_password")
    @classmethod
    def _real_dashboard_password(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            check_passphrase(value.get_secret_value().strip(), "DASHBOARD_PASSWORD")
        return value

    @model_validator(mode="after")
    def _cert_header_needs_a_proxy(self) -> GatewaySettings:
        if self.client_cert_header and not self.trusted_proxies.strip():
            raise ValueError(
                "CLIENT_CERT_HEADER is set by the TLS terminator: name it in TRUSTED_PROXIES, "
                "or anyone could send the header"
            )
        return self

    @field_validator("default_exchange")
    @classmethod
    def _known_exchange(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in set(Venue):
            raise ValueError(f"DEFAULT_EXCHANGE must be {' or '.join(Venue)}")
        return value
