"""The gateway's edge over real HTTP: sources, proxies, client certificates, limits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from pydantic import SecretStr, ValidationError

from executor.config import ExecutorSettings
from executor.server import RunningExecutor
from gateway.app import create_app
from gateway.config import GatewaySettings
from tests.support.inproc import serve_app
from tools.processes import free_port

PASSPHRASE = "edge-passphrase-Xy81q"
TV = "52.89.214.238"
TV_SUBJECT = "C=US,ST=Ohio,L=Westerville,O=TradingView\\, Inc.,CN=TradingView Webhooks"


@contextmanager
def gateway(executor_port: int, **fields: Any) -> Iterator[str]:
    config = GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{executor_port}",
        **fields,
    )
    port = free_port()
    with serve_app(create_app(config), port):
        yield f"http://127.0.0.1:{port}/webhook"


def alert(**fields: Any) -> str:
    return json.dumps(
        {
            "action": "buy",
            "ticker": "BTCUSDT",
            "quantity": 0.001,
            "test": True,
            "passphrase": PASSPHRASE,
            **fields,
        }
    )


def post(url: str, body: str, **headers: str) -> requests.Response:
    return requests.post(url, data=body, headers=headers, timeout=10)


def test_wrong_missing_and_near_miss_passphrases_get_one_answer(executor: RunningExecutor) -> None:
    with gateway(executor.port) as url:
        answers = [
            post(url, alert(passphrase="completely-wrong-1")),
            post(url, json.dumps({"action": "buy", "ticker": "BTCUSDT", "quantity": 1})),
            post(url, alert(passphrase=PASSPHRASE[:-1] + "r")),  # one character off
            post(url, alert(passphrase=PASSPHRASE + " ")),
        ]
    assert {(a.status_code, a.text) for a in answers} == {
        (401, '{"error":{"code":"unauthorized","message":"passphrase missing or wrong"}}')
    }


def test_a_spoofed_forwarded_for_is_ignored(executor: RunningExecutor) -> None:
    with gateway(executor.port, allowed_sources="tradingview") as url:
        # Our loopback peer is no proxy of the owner's, so its header says nothing.
        assert post(url, alert(), **{"X-Forwarded-For": TV}).status_code == 403


def test_an_allowed_address_through_a_trusted_proxy_is_accepted(executor: RunningExecutor) -> None:
    with gateway(
        executor.port, allowed_sources="tradingview, 10.1.0.0/16", trusted_proxies="127.0.0.1"
    ) as url:
        assert post(url, alert(), **{"X-Forwarded-For": TV}).status_code == 200
        assert post(url, alert(), **{"X-Forwarded-For": "10.1.2.3"}).status_code == 200
        assert post(url, alert(), **{"X-Forwarded-For": "203.0.113.9"}).status_code == 403
        # The client wrote the left part; the proxy appended the address it really saw.
        assert post(url, alert(), **{"X-Forwarded-For": f"{TV}, 203.0.113.9"}).status_code == 403
        assert post(url, alert(), **{"X-Forwarded-For": "not-an-ip"}).status_code == 403
        assert post(url, alert()).status_code == 403  # the proxy itself is no sender


def test_a_verified_tradingview_certificate_is_required_when_configured(executor: RunningExecutor) -> None:
    with gateway(executor.port, trusted_proxies="127.0.0.1", client_cert_header="X-Client-Subject") as url:
        assert post(url, alert(), **{"X-Client-Subject": TV_SUBJECT}).status_code == 200
        assert post(url, alert()).status_code == 403
        assert post(url, alert(), **{"X-Client-Subject": "CN=Someone Else,O=Evil"}).status_code == 403
    with pytest.raises(ValidationError, match="TRUSTED_PROXIES"):
        GatewaySettings(
            _env_file=None,  # type: ignore[call-arg]
            webhook_passphrase=SecretStr(PASSPHRASE),
            client_cert_header="X-Client-Subject",
        )


def test_oversize_and_deeply_nested_bodies_are_refused(executor: RunningExecutor) -> None:
    with gateway(executor.port, max_body_bytes=2048) as url:
        big = alert(note="x" * 4000)
        assert post(url, big).status_code == 413
        # Without a length up front (chunked), the read stops at the limit all the same.
        chunked = requests.post(url, data=iter([big[:1500].encode(), big[1500:].encode()]), timeout=10)
        assert chunked.status_code == 413
        deep = post(url, alert(extra=json.loads("[" * 20 + "]" * 20)))
        assert deep.status_code == 422
        assert deep.json()["error"]["field"] == "body" and "nested" in deep.json()["error"]["message"]


def test_the_rate_limit_holds_and_guessing_costs_more(executor: RunningExecutor) -> None:
    with gateway(executor.port, rate_limit_per_s=0.5, rate_limit_burst=5, unauthorized_cost=5) as url:
        statuses = [post(url, alert()).status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        limited = post(url, alert())
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    with gateway(executor.port, rate_limit_per_s=0.5, rate_limit_burst=10, unauthorized_cost=10) as url:
        assert post(url, alert(passphrase="guess-number-1")).status_code == 401
        assert post(url, alert()).status_code == 429  # one wrong guess spent the whole burst


def test_half_a_tls_configuration_stops_both_services() -> None:
    with pytest.raises(ValidationError, match="missing EXECUTOR_CLIENT_KEY"):
        GatewaySettings(
            _env_file=None,  # type: ignore[call-arg]
            webhook_passphrase=SecretStr(PASSPHRASE),
            executor_tls_ca="ca.pem",
            executor_client_cert="gateway.pem",
        )
    with pytest.raises(ValidationError, match="missing EXECUTOR_TLS_CLIENT_CA"):
        ExecutorSettings(_env_file=None, executor_tls_cert="e.pem", executor_tls_key="k.pem")  # type: ignore[call-arg]
