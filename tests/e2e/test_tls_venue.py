"""The seed path with the venue on HTTPS: SIMULATOR_TLS_* on one side, VENUE_CA_BUNDLE on the other."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import API_KEY, PASSPHRASE, SECRET_KEY
from tests.support.tls import private_ca
from tools.stack import start_stack

pytestmark = pytest.mark.e2e


def test_seed_signal_fills_over_a_tls_venue(tmp_path: Path) -> None:
    tls = private_ca(tmp_path)
    stack = start_stack(
        tmp_path, api_key=API_KEY, secret_key=SECRET_KEY, passphrase=PASSPHRASE, venue_tls=tls
    )
    try:
        assert stack.env["BINGX_BASE_URL"].startswith("https://")
        body = {"accion": "BUY", "ticker": "BTCUSDT", "balance": 100, "passphrase": PASSPHRASE}
        reply = requests.post(f"{stack.gateway_url}/webhook", data=json.dumps(body), timeout=10).json()
        assert reply["status"] == "executed", reply
        assert [o["status"] for o in stack.venue_get("/_sim/orders")] == ["FILLED"]
    finally:
        stack.stop()
