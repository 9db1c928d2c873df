"""Static checks of docker-compose.yml that follow from how the services run."""

from __future__ import annotations

from typing import Any

import yaml

from tools.processes import ROOT


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return loaded


def test_the_read_only_gateway_keeps_its_journal_on_a_volume() -> None:
    gateway = compose()["services"]["gateway"]
    assert gateway["read_only"] is True
    # DATABASE_URL and TRADES_CSV default to ./data/ under the image's /app working directory.
    assert "journal:/app/data" in gateway["volumes"]
    assert "journal" in compose()["volumes"]


def test_the_executor_publishes_no_port_and_gets_both_venues_keys() -> None:
    executor = compose()["services"]["executor"]
    assert "ports" not in executor
    assert {"BINGX_API_KEY", "BINGX_SECRET_KEY", "BINANCE_API_KEY", "BINANCE_SECRET_KEY"} <= set(
        executor["environment"]
    )
