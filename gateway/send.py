"""`python -m gateway.send`: post alerts to a tvbridge webhook the way TradingView does.

TradingView replaces {{placeholders}} in the alert message, then POSTs it as
text/plain (application/json when it parses as JSON). This does the same, so
the examples in examples/alerts/ can be sent as they are pasted into TradingView:

    python -m gateway.send examples/alerts/buy_quantity.json
    python -m gateway.send --action buy --ticker BTCUSDT --quantity 0.01 --test
    python -m gateway.send --var close=61000 examples/alerts/strategy_order.json

The passphrase comes from --passphrase or WEBHOOK_PASSPHRASE (environment or .env);
`{{passphrase}}` in a file is replaced with it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import requests

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")


# The signal fields the command line sets, each from the flag of the same name.
SIGNAL_FLAGS = (
    "quantity",
    "balance",
    "balance_pct",
    "position_pct",
    "risk_pct",
    "risk_usdt",
    "leverage",
    "price",
    "order_type",
    "stop_loss",
    "sl_pct",
)


def tradingview_vars(ticker: str, exchange: str, extra: dict[str, str]) -> dict[str, str]:
    """The placeholders TradingView fills, with values a sender can stand behind."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    values = {
        "timenow": now,
        "time": now,
        "ticker": ticker,
        "exchange": exchange.upper(),
        "interval": "60",
    }
    values.update(extra)
    return values


def fill(template: str, values: dict[str, str]) -> str:
    missing = sorted({m.group(1) for m in _PLACEHOLDER.finditer(template) if m.group(1) not in values})
    if missing:
        names = ", ".join(missing)
        raise SystemExit(f"no value for {names}; give them with --var NAME=VALUE (TradingView fills them)")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def _passphrase(given: str | None) -> str:
    if given:
        return given
    if os.environ.get("WEBHOOK_PASSPHRASE"):
        return os.environ["WEBHOOK_PASSPHRASE"]
    env_file = Path(".env")
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "WEBHOOK_PASSPHRASE" and value.strip():
                return value.strip()
    raise SystemExit("no passphrase: give --passphrase or set WEBHOOK_PASSPHRASE")


def build_messages(ns: argparse.Namespace) -> list[tuple[str, str]]:
    """(label, message text) pairs to send."""
    extra = dict(v.split("=", 1) for v in ns.var)
    extra["passphrase"] = _passphrase(ns.passphrase)
    values = tradingview_vars(ns.ticker or "BTCUSDT", ns.exchange or "BINGX", extra)
    if ns.files:
        return [(str(path), fill(Path(path).read_text(), values)) for path in ns.files]
    if not ns.action:
        raise SystemExit("give alert files, or --action with --ticker and a size")
    body: dict[str, object] = {
        "action": ns.action,
        "ticker": ns.ticker or "BTCUSDT",
        "passphrase": extra["passphrase"],
    }
    for field in SIGNAL_FLAGS:
        value = getattr(ns, field)
        if value is not None:
            body[field] = value
    if ns.exchange:
        body["exchange"] = ns.exchange
    if ns.id:
        body["id"] = ns.id
    if ns.test:
        body["test"] = True
    body["time"] = values["timenow"]
    return [("signal", json.dumps(body))]


def send(url: str, message: str, timeout_s: float) -> tuple[int, dict[str, object] | str]:
    try:
        json.loads(message)
        content_type = "application/json"
    except ValueError:
        content_type = "text/plain; charset=utf-8"
    resp = requests.post(
        url, data=message.encode(), headers={"Content-Type": content_type}, timeout=timeout_s
    )
    try:
        return resp.status_code, resp.json()
    except ValueError:
        return resp.status_code, resp.text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gateway.send",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="*", help="alert message files (JSON with TradingView placeholders)")
    parser.add_argument(
        "--url", default=os.environ.get("TVBRIDGE_WEBHOOK_URL", "http://localhost:5000/webhook")
    )
    parser.add_argument("--passphrase")
    parser.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="a placeholder's value"
    )
    parser.add_argument("--action")
    parser.add_argument("--ticker")
    parser.add_argument("--exchange")
    parser.add_argument("--quantity")
    parser.add_argument("--balance")
    parser.add_argument("--balance-pct", dest="balance_pct")
    parser.add_argument("--position-pct", dest="position_pct")
    parser.add_argument("--risk-pct", dest="risk_pct", help="percent of equity the stop may lose")
    parser.add_argument("--risk-usdt", dest="risk_usdt", help="USDT the stop may lose")
    parser.add_argument("--stop-loss", dest="stop_loss")
    parser.add_argument("--sl-pct", dest="sl_pct")
    parser.add_argument("--leverage")
    parser.add_argument("--price")
    parser.add_argument("--order-type", dest="order_type")
    parser.add_argument("--id")
    parser.add_argument("--test", action="store_true", help="size and validate only; place nothing")
    parser.add_argument("--timeout", type=float, default=10.0)
    ns = parser.parse_args(argv)

    worst = 0
    for label, message in build_messages(ns):
        try:
            status, reply = send(ns.url, message, ns.timeout)
        except requests.RequestException as exc:
            print(f"{label}: could not reach {ns.url}: {exc}", file=sys.stderr)
            return 2
        outcome = reply.get("status", "") if isinstance(reply, dict) else ""
        print(f"{label}: HTTP {status} {outcome}".rstrip())
        print(json.dumps(reply, indent=2) if isinstance(reply, dict) else reply)
        if status >= 400 or outcome not in ("executed", "pending"):
            worst = 1
    return worst


if __name__ == "__main__":
    sys.exit(main())
