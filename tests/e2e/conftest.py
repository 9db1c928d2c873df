from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.stack import LocalStack, start_stack

API_KEY = "e2e-key-7f3a9c1b2d4e6f80"
SECRET_KEY = "e2e-secret-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
PASSPHRASE = "e2e-passphrase-Kq7wZ2"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    running = start_stack(tmp_path, api_key=API_KEY, secret_key=SECRET_KEY, passphrase=PASSPHRASE)
    try:
        yield running
        if running.simulator.proc.poll() is None:
            unread = {
                venue: running.venue_get(f"/_sim/unknown_params?venue_name={venue}")
                for venue in ("bingx", "binance")
            }
            assert unread == {"bingx": [], "binance": []}, (
                f"the stack sent parameters no endpoint reads: {unread}"
            )
    finally:
        running.stop()
