"""The minimal signed BingX swap client a hobby bot carries: one module-level `requests` call per
venue call, so every call opens a new connection (and over HTTPS, pays a full TLS handshake)."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import requests


class BingxError(Exception):
    """The venue answered, but not with code 0 (or not with JSON at all)."""


@dataclass(frozen=True)
class Client:
    base_url: str
    api_key: str
    secret_key: str
    # A CA bundle path when the venue's certificate is not one the system trusts.
    verify: str | bool = True
    timeout_s: float = 10.0

    def _call(self, method: str, path: str, params: dict[str, str]) -> Any:
        # Hobby bots sign every call through one helper, public ones included; the venue
        # ignores a signature on a public endpoint.
        params = {**params, "timestamp": str(int(time.time() * 1000))}
        query = "&".join(f"{key}={params[key]}" for key in sorted(params))
        signature = hmac.new(self.secret_key.encode(), query.encode(), hashlib.sha256).hexdigest()
        url = f"{self.base_url}{path}?{query}&signature={signature}"
        headers = {"X-BX-APIKEY": self.api_key}
        send = requests.get if method == "GET" else requests.post
        response = send(url, headers=headers, timeout=self.timeout_s, verify=self.verify)
        try:
            body = response.json()
        except ValueError:
            raise BingxError(f"HTTP {response.status_code} from {path}") from None
        if not isinstance(body, dict) or body.get("code") != 0:
            code, msg = (body.get("code"), body.get("msg")) if isinstance(body, dict) else (None, body)
            raise BingxError(f"{path}: code {code}: {msg}")
        return body.get("data")

    def available_margin(self) -> Decimal:
        data = self._call("GET", "/openApi/swap/v2/user/balance", {})
        return Decimal(data["balance"]["availableMargin"])

    def price(self, symbol: str) -> Decimal:
        data = self._call("GET", "/openApi/swap/v2/quote/price", {"symbol": symbol})
        return Decimal(data["price"])

    def set_leverage(self, symbol: str, leverage: int) -> None:
        # BOTH: the account is in one-way mode (as the simulator's accounts start).
        self._call(
            "POST",
            "/openApi/swap/v2/trade/leverage",
            {"symbol": symbol, "side": "BOTH", "leverage": str(leverage)},
        )

    def market_order(self, symbol: str, side: str, quantity: Decimal) -> str:
        params = {
            "symbol": symbol,
            "side": side,
            "positionSide": "BOTH",
            "type": "MARKET",
            "quantity": f"{quantity:f}",
        }
        data = self._call("POST", "/openApi/swap/v2/trade/order", params)
        return str(data["order"]["orderId"])
