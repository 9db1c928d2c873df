"""A signed request to a stack's simulated venue, as an owner's own script would send it: for
setting up an account (hedge mode, say) through the venue's API rather than the simulator's."""

from __future__ import annotations

import time
from typing import Any

import requests

from executor.venues.binance import signing as binance_signing
from executor.venues.bingx import signing as bingx_signing
from tools.stack import LocalStack


def signed_call(
    stack: LocalStack, venue: str, keys: tuple[str, str], method: str, path: str, **params: Any
) -> Any:
    """The venue's answer (asserted 200); `keys` is (api key, secret key)."""
    key, secret = keys
    params["timestamp"] = int(time.time() * 1000)
    if venue == "bingx":
        query, header = bingx_signing.signed_query(secret, params), "X-BX-APIKEY"
    else:
        query, header = binance_signing.signed_query(secret, params), "X-MBX-APIKEY"
    resp = requests.request(method, f"{stack.simulator_url}{path}?{query}", headers={header: key}, timeout=5)
    body = resp.json()
    assert resp.status_code == 200, body
    return body
