"""Schemathesis against the gateway's OpenAPI document, over real HTTP: no input gives a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from schemathesis.core.result import Ok

from executor.server import RunningExecutor
from gateway.app import create_app
from gateway.config import GatewaySettings
from tests.support.inproc import serve_app
from tools.processes import free_port

PASSPHRASE = "schema-fuzz-passphrase-3"


@pytest.fixture
def served(executor: RunningExecutor) -> Iterator[tuple[str, Any]]:
    config = GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{executor.port}",
        webhook_wait_s=0.5,
    )
    app = create_app(config)
    port = free_port()
    with serve_app(app, port):
        yield f"http://127.0.0.1:{port}", app


def test_no_generated_request_gets_a_5xx(served: tuple[str, Any]) -> None:
    base_url, app = served
    schema = schemathesis.openapi.from_dict(app.openapi())
    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    assert {op.label for op in operations} >= {"POST /webhook", "GET /signals/{signal_id}", "GET /trades.csv"}

    @given(case=st.one_of(*(op.as_strategy() for op in operations)))
    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    def no_5xx(case: Any) -> None:
        response = case.call(base_url=base_url, timeout=10)
        assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
        assert PASSPHRASE not in response.text

    no_5xx()
