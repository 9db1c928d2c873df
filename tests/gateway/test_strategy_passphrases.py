"""Per-strategy passphrases: each strategy named in STRATEGY_PASSPHRASES answers to its own only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from common import jsonlog
from executor.server import RunningExecutor
from gateway.app import create_app
from gateway.config import GatewaySettings
from tests.support.inproc import RunningSimulator

GLOBAL = "global-passphrase-Zt81"
SCALPER = "scalper-passphrase-Qe42"
SWING = "swing-passphrase-Lm07"


def gateway_settings(**fields: Any) -> GatewaySettings:
    return GatewaySettings(_env_file=None, webhook_passphrase=SecretStr(GLOBAL), **fields)  # type: ignore[call-arg]


@pytest.fixture
def client(executor: RunningExecutor) -> Iterator[TestClient]:
    settings = gateway_settings(
        executor_addr=f"127.0.0.1:{executor.port}",
        strategy_passphrases=SecretStr(f"Scalper={SCALPER}\nswing = {SWING}"),
    )
    with TestClient(create_app(settings)) as c:
        yield c


def send(client: TestClient, passphrase: str, strategy: str | None) -> int:
    body: dict[str, Any] = {"action": "buy", "ticker": "BTCUSDT", "quantity": 0.001, "test": True}
    body["passphrase"] = passphrase
    if strategy is not None:
        body["strategy"] = strategy
    status: int = client.post("/webhook", json=body).status_code
    return status


@pytest.mark.parametrize(
    ("passphrase", "strategy", "status"),
    [
        (SCALPER, "scalper", 200),
        (SCALPER, "SCALPER", 200),  # names are case-insensitive, as TradingView users type them
        (SWING, "swing", 200),
        (GLOBAL, None, 200),
        (GLOBAL, "unnamed-strategy", 200),  # strategies without their own use the global one
        (GLOBAL, "scalper", 401),  # the global passphrase does not open a strategy that has its own
        (SWING, "scalper", 401),  # nor does another strategy's
        (SCALPER, None, 401),
        (SCALPER, "unnamed-strategy", 401),
    ],
)
def test_each_strategy_answers_to_its_own_passphrase(
    client: TestClient, simulator: RunningSimulator, passphrase: str, strategy: str | None, status: int
) -> None:
    assert send(client, passphrase, strategy) == status


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("scalper", "write strategy=passphrase"),
        ("bad name=" + SCALPER, "write strategy=passphrase"),
        ("scalper=changeme", "placeholder"),
        ("scalper=short", "placeholder"),
        (f"a={SCALPER},A={SWING}", "twice"),
    ],
)
def test_bad_strategy_passphrases_stop_the_gateway_without_echoing_them(text: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        gateway_settings(strategy_passphrases=SecretStr(text))
    assert words in str(caught.value)
    assert SCALPER not in str(caught.value) and SWING not in str(caught.value)


def test_strategy_passphrases_are_scrubbed_from_logs_and_repr() -> None:
    settings = gateway_settings(strategy_passphrases=SecretStr(f"scalper={SCALPER}"))
    assert SCALPER not in repr(settings)
    assert SCALPER not in jsonlog.scrub(f"body had {SCALPER}")


def test_a_database_password_is_scrubbed_from_logs() -> None:
    gateway_settings(database_url="postgresql://tvb:s3cr%40t-db-pw@db:5432/tvbridge")
    assert "s3cr@t-db-pw" not in jsonlog.scrub("connecting with s3cr@t-db-pw")
