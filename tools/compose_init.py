"""`python3 -m tools.compose_init`: the files docker-compose.yml reads, made once.

Writes ./secrets/ (one file per compose secret; an empty file means "not used") and a .env
with the settings compose requires. Never overwrites a secret or a .env that exists, so it is
safe to run again after adding, say, --postgres. Standard library only: it runs before any
install, on the host that runs Docker.

    --demo       the bundled simulator instead of exchanges: generated keys, TVBRIDGE_DOMAIN=localhost
    --postgres   a generated PostgreSQL password and the journal's DATABASE_URL for the postgres profile
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

# Every secret docker-compose.yml declares.
SECRETS = (
    "webhook_passphrase",
    "dashboard_password",
    "session_secret",
    "database_url",
    "telegram_bot_token",
    "discord_webhook_url",
    "notify_webhook_url",
    "bingx_api_key",
    "bingx_secret_key",
    "binance_api_key",
    "binance_secret_key",
    "postgres_password",
    "grafana_admin_password",
)
GENERATED = ("webhook_passphrase", "dashboard_password", "session_secret", "grafana_admin_password")
EXCHANGE_KEYS = ("bingx_api_key", "bingx_secret_key", "binance_api_key", "binance_secret_key")

LIVE_ENV = """\
# Read by docker compose. Secrets are files in ./secrets/, never here.
# The domain whose DNS A record points at this host; Caddy gets its certificate.
TVBRIDGE_DOMAIN=
# Let's Encrypt writes here about the certificate.
ACME_EMAIL=
# Who may send webhooks: TradingView's published addresses, plus yours (comma separated).
ALLOWED_SOURCES=tradingview
DEFAULT_EXCHANGE=bingx
# Practice first: BingX's demo account (VST) and Binance's futures testnet.
BINGX_DEMO=true
BINANCE_TESTNET=true
# STRATEGIES=ema-cross,breakout
# TELEGRAM_CHAT_ID=
"""

DEMO_ENV = """\
# The demo: every service against the bundled simulator (docker compose --profile demo up).
TVBRIDGE_DOMAIN=localhost
ACME_EMAIL=demo@example.com
ALLOWED_SOURCES=
DEFAULT_EXCHANGE=bingx
BINGX_BASE_URL=http://simulator:8900
BINANCE_BASE_URL=http://simulator:8900
"""


def _write_secret(path: Path, value: str) -> bool:
    """Writes `value` unless the file holds something already. True when written."""
    if path.exists() and path.read_text(encoding="utf-8").strip():
        return False
    path.write_text(value + ("\n" if value else ""), encoding="utf-8")
    # Readable inside the containers (uid 10001 reads a bind-mounted file with its own mode);
    # on the host the 0700 directory keeps everyone but the owner out.
    path.chmod(0o644)
    return bool(value)


def _demo_value(name: str) -> str:
    # Binance keys are 64 alphanumerics; the simulator checks their shape as the venue does.
    return secrets.token_hex(32) if name.startswith("binance") else "demo" + secrets.token_hex(16)


def init(root: Path, *, demo: bool, postgres: bool) -> list[str]:
    """Creates what is missing under `root`; returns what it did, one line each."""
    done: list[str] = []
    folder = root / "secrets"
    folder.mkdir(mode=0o700, exist_ok=True)
    folder.chmod(0o700)
    for name in SECRETS:
        value = ""
        if name in GENERATED:
            value = secrets.token_urlsafe(24)
        elif name in EXCHANGE_KEYS and demo:
            value = _demo_value(name)
        elif name == "postgres_password" and postgres:
            value = secrets.token_hex(24)  # goes into a URL: no characters that need quoting
        if _write_secret(folder / name, value):
            done.append(f"secrets/{name}: generated")
    if postgres:
        password = (folder / "postgres_password").read_text(encoding="utf-8").strip()
        url = f"postgresql://tvbridge:{password}@postgres:5432/tvbridge"
        if _write_secret(folder / "database_url", url):
            done.append("secrets/database_url: the postgres profile's journal")
    env = root / ".env"
    if not env.exists():
        env.write_text(DEMO_ENV if demo else LIVE_ENV, encoding="utf-8")
        env.chmod(0o600)
        done.append(".env: written" + ("" if demo else "; fill in TVBRIDGE_DOMAIN and ACME_EMAIL"))
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demo", action="store_true", help="run against the bundled simulator")
    parser.add_argument("--postgres", action="store_true", help="prepare the postgres profile")
    parser.add_argument("--dir", type=Path, default=Path.cwd(), help="where docker-compose.yml is")
    ns = parser.parse_args(argv)
    if not (ns.dir / "docker-compose.yml").is_file():
        print(f"no docker-compose.yml in {ns.dir}", file=sys.stderr)
        return 1
    for line in init(ns.dir, demo=ns.demo, postgres=ns.postgres) or ["nothing to do: everything exists"]:
        print(line)
    if not ns.demo:
        keys = ", ".join(f"secrets/{k}" for k in EXCHANGE_KEYS)
        print(f"put your exchange keys in {keys} (leave a venue's files empty to not use it)")
    print(f"dashboard password: {os.path.join('secrets', 'dashboard_password')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
