"""The Flask app: `/webhook` takes a TradingView alert and trades it on BingX, synchronously.

Bodies: the seed's `{"accion": "BUY"|"SELL", "ticker": "BTCUSDT", "balance": 100, "passphrase": ...}`
and tvbridge's `{"action": "buy"|"sell", "ticker": ..., "quantity": "0.001", "passphrase": ...}`,
so the benchmark can send the same alerts to both.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

import requests
from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from bench.naive.bingx import BingxError, Client

log = logging.getLogger("bench.naive")

# Quantity decimals per contract, hard-coded as hobby bots do rather than read from the venue.
QTY_DECIMALS = {"BTC-USDT": 4, "ETH-USDT": 2, "SOL-USDT": 1, "XRP-USDT": 0, "DOGE-USDT": 0}
DEFAULT_QTY_DECIMALS = 4


@dataclass(frozen=True)
class NaiveConfig:
    api_key: str
    secret_key: str
    passphrase: str
    base_url: str = "https://open-api.bingx.com"
    ca_bundle: str | None = None
    leverage: int = 10

    @classmethod
    def from_env(cls) -> NaiveConfig:
        return cls(
            api_key=os.environ["BINGX_API_KEY"],
            secret_key=os.environ["BINGX_SECRET_KEY"],
            passphrase=os.environ["WEBHOOK_PASSPHRASE"],
            base_url=os.environ.get("BINGX_BASE_URL", cls.base_url).rstrip("/"),
            ca_bundle=os.environ.get("NAIVE_CA_BUNDLE") or None,
            leverage=int(os.environ.get("NAIVE_LEVERAGE", "10")),
        )


def venue_symbol(ticker: str) -> str:
    """TradingView's `BTCUSDT` (or `BTCUSDT.P`, `BTC/USDT`) as BingX's `BTC-USDT`."""
    ticker = ticker.upper().removesuffix(".P").replace("/", "-")
    if "-" not in ticker and ticker.endswith("USDT"):
        ticker = f"{ticker[:-4]}-USDT"
    return ticker


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number > 0 else None


def create_app(config: NaiveConfig) -> Flask:
    if not config.passphrase:
        raise ValueError("WEBHOOK_PASSPHRASE is required")
    client = Client(config.base_url, config.api_key, config.secret_key, verify=config.ca_bundle or True)
    app = Flask(__name__)

    @app.post("/webhook")
    def webhook() -> ResponseReturnValue:
        # force: TradingView (and the benchmark) may not send Content-Type: application/json.
        alert = request.get_json(force=True, silent=True)
        if not isinstance(alert, dict):
            return jsonify(status="error", message="body must be a JSON object"), 400
        if not hmac.compare_digest(str(alert.get("passphrase", "")).encode(), config.passphrase.encode()):
            return jsonify(status="error", message="wrong passphrase"), 401
        side = str(alert.get("accion") or alert.get("action") or "").upper()
        symbol = venue_symbol(str(alert.get("ticker") or ""))
        margin, quantity = _decimal(alert.get("balance")), _decimal(alert.get("quantity"))
        if side not in ("BUY", "SELL") or not symbol or (margin is None) == (quantity is None):
            return jsonify(status="error", message="need accion/action, ticker, and balance or quantity"), 400

        started = time.perf_counter()
        try:
            available = client.available_margin()
            price = client.price(symbol)
            client.set_leverage(symbol, config.leverage)
            if margin is not None:
                step = Decimal(1).scaleb(-QTY_DECIMALS.get(symbol, DEFAULT_QTY_DECIMALS))
                quantity = (margin * config.leverage / price).quantize(step, rounding=ROUND_DOWN)
            if quantity is None or quantity <= 0 or quantity * price / config.leverage > available:
                raise BingxError(f"cannot trade {quantity} {symbol}: available margin {available}")
            order_id = client.market_order(symbol, side, quantity)
        except (BingxError, requests.RequestException) as exc:
            venue_ms = (time.perf_counter() - started) * 1000
            log.warning("%s %s failed after %.1f ms: %s", side, symbol, venue_ms, exc)
            return jsonify(status="error", message=str(exc), venue_ms=round(venue_ms, 3)), 502
        venue_ms = (time.perf_counter() - started) * 1000
        log.info("%s %s %s at ~%s: order %s in %.1f ms", side, quantity, symbol, price, order_id, venue_ms)
        return jsonify(
            status="executed", order_id=order_id, quantity=f"{quantity:f}", venue_ms=round(venue_ms, 3)
        )

    return app
