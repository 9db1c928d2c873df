"""Gateway <-> executor over mutual TLS, with certificates from the project's own script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
import requests
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.e2e.conftest import API_KEY, PASSPHRASE, SECRET_KEY
from tools.processes import ROOT
from tools.stack import LocalStack, start_stack

pytestmark = pytest.mark.e2e


def make_certs(folder: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "tools.dev_certs", str(folder)], cwd=ROOT, check=True, capture_output=True
    )
    return folder


@pytest.fixture
def certs(tmp_path: Path) -> Path:
    return make_certs(tmp_path / "certs")


@pytest.fixture
def stack(tmp_path: Path, certs: Path) -> Iterator[LocalStack]:
    env = {
        "EXECUTOR_TLS_CERT": str(certs / "executor.pem"),
        "EXECUTOR_TLS_KEY": str(certs / "executor-key.pem"),
        "EXECUTOR_TLS_CLIENT_CA": str(certs / "ca.pem"),
        "EXECUTOR_TLS_CA": str(certs / "ca.pem"),
        "EXECUTOR_CLIENT_CERT": str(certs / "gateway.pem"),
        "EXECUTOR_CLIENT_KEY": str(certs / "gateway-key.pem"),
    }
    running = start_stack(
        tmp_path, api_key=API_KEY, secret_key=SECRET_KEY, passphrase=PASSPHRASE, extra_env=env
    )
    yield running
    running.stop()


def health(port: int, credentials: grpc.ChannelCredentials | None) -> str:
    target = f"127.0.0.1:{port}"
    if credentials is None:
        channel = grpc.insecure_channel(target)
    else:
        channel = grpc.secure_channel(
            target, credentials, options=[("grpc.ssl_target_name_override", "executor")]
        )
    try:
        with channel:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=3)
    except grpc.RpcError as exc:
        return str(exc.code().name)
    return str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))


def test_signals_flow_over_mutual_tls(stack: LocalStack) -> None:
    resp = requests.post(
        f"{stack.gateway_url}/webhook",
        data=json.dumps({"action": "buy", "ticker": "BTCUSDT", "quantity": 0.001, "passphrase": PASSPHRASE}),
        timeout=10,
    )
    assert (resp.status_code, resp.json()["status"]) == (200, "executed"), resp.text


def test_the_executor_refuses_plaintext_and_strangers(stack: LocalStack, certs: Path, tmp_path: Path) -> None:
    port = stack.executor.port
    ca = (certs / "ca.pem").read_bytes()
    own = grpc.ssl_channel_credentials(
        ca, (certs / "gateway-key.pem").read_bytes(), (certs / "gateway.pem").read_bytes()
    )
    assert health(port, own) == "SERVING"
    assert health(port, None) == "UNAVAILABLE"  # plaintext: no handshake, no answer
    assert health(port, grpc.ssl_channel_credentials(ca)) == "UNAVAILABLE"  # TLS without a client certificate
    other = make_certs(tmp_path / "other")  # a certificate from someone else's CA
    stranger = grpc.ssl_channel_credentials(
        ca, (other / "gateway-key.pem").read_bytes(), (other / "gateway.pem").read_bytes()
    )
    assert health(port, stranger) == "UNAVAILABLE"


def test_the_container_healthcheck_speaks_mutual_tls(stack: LocalStack) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXECUTOR_")}
    env |= {k: v for k, v in stack.env.items() if k.startswith("EXECUTOR_TLS_")}
    env["EXECUTOR_PORT"] = str(stack.executor.port)

    def healthcheck(environment: dict[str, str]) -> int:
        command = [sys.executable, "-m", "executor.healthcheck"]
        return subprocess.run(
            command, cwd=ROOT, env=environment, capture_output=True, timeout=20, check=False
        ).returncode

    assert healthcheck(env) == 0
    assert healthcheck({k: v for k, v in env.items() if not k.startswith("EXECUTOR_TLS_")}) == 1
