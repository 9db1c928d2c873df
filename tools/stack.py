"""Simulator + executor + gateway as real processes on free loopback ports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from common import jsonlog
from tools.processes import ServiceProcess, free_port, wait_until


@dataclass
class LocalStack:
    simulator: ServiceProcess
    executor: ServiceProcess
    gateway: ServiceProcess
    env: dict[str, str]
    log_dir: Path
    venue_ca: str | None = None  # the simulator serves HTTPS with a certificate from this CA

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway.port}"

    @property
    def simulator_url(self) -> str:
        return f"{'https' if self.venue_ca else 'http'}://127.0.0.1:{self.simulator.port}"

    def venue_get(self, path: str) -> Any:
        """GET from the simulator (its /_sim control API), trusting its CA."""
        return requests.get(f"{self.simulator_url}{path}", verify=self.venue_ca or True, timeout=5).json()

    def start_executor(self) -> ServiceProcess:
        self.executor = ServiceProcess("executor", self.env, self.log_dir, self.executor.port).wait_ready()
        return self.executor

    def start_gateway(self) -> ServiceProcess:
        """A new gateway on the same port and journal (its working folder holds ./data/)."""
        self.gateway = ServiceProcess("gateway", self.env, self.log_dir, self.gateway.port).wait_ready()
        return self.gateway

    def ready(self) -> bool:
        if any(p.proc.poll() is not None for p in (self.simulator, self.executor, self.gateway)):
            return False
        try:
            return requests.get(f"{self.gateway_url}/readyz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def all_logs(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.log_dir.glob("*.log"))

    def stop(self) -> None:
        for proc in (self.gateway, self.executor, self.simulator):
            proc.terminate()


@dataclass(frozen=True)
class VenueTls:
    ca: str  # PEM paths
    cert: str
    key: str


def start_stack(
    log_dir: Path,
    *,
    api_key: str,
    secret_key: str,
    passphrase: str,
    extra_env: dict[str, str] | None = None,
    venue_tls: VenueTls | None = None,
    simulator_port: int | None = None,
) -> LocalStack:
    """`simulator_port` lets a caller put something in front of the simulator (the benchmark's
    network delay), pointing the venue URLs at it through `extra_env`."""
    ports = {name: free_port() for name in ("gateway", "metrics", "executor")}
    ports["simulator"] = simulator_port or free_port()
    scheme = "https" if venue_tls else "http"
    tls_env = (
        {
            "SIMULATOR_TLS_CERT": venue_tls.cert,
            "SIMULATOR_TLS_KEY": venue_tls.key,
            "VENUE_CA_BUNDLE": venue_tls.ca,
        }
        if venue_tls
        else {}
    )
    env = {
        "BINGX_API_KEY": api_key,
        "BINGX_SECRET_KEY": secret_key,
        # One simulator plays both venues, each with its own key pair.
        "BINANCE_API_KEY": "binance-" + api_key,
        "BINANCE_SECRET_KEY": "binance-" + secret_key,
        "WEBHOOK_PASSPHRASE": passphrase,
        "GATEWAY_PORT": str(ports["gateway"]),
        "EXECUTOR_PORT": str(ports["executor"]),
        "EXECUTOR_METRICS_PORT": str(ports["metrics"]),
        "SIMULATOR_PORT": str(ports["simulator"]),
        "BINGX_BASE_URL": f"{scheme}://127.0.0.1:{ports['simulator']}",
        "BINANCE_BASE_URL": f"{scheme}://127.0.0.1:{ports['simulator']}",
        "EXECUTOR_ADDR": f"127.0.0.1:{ports['executor']}",
        **tls_env,
        **(extra_env or {}),
    }
    # What the services will treat as secret, so a scan of their logs knows what to look for.
    for name, value in env.items():
        if any(word in name for word in ("KEY", "SECRET", "PASSPHRASE", "ACCOUNTS", "PASSWORD", "TOKEN")):
            for part in re.split(r"[:,\n]", value):
                jsonlog.register_secret(part.strip())
    # The gateway needs neither to start (it connects to the executor when it can), so it loads
    # beside the others: a stack is up in the time of its slowest service, not of all three.
    # The executor waits for the simulator, whose accounts it reads as it starts.
    simulator = ServiceProcess("simulator", env, log_dir, ports["simulator"])
    gateway = ServiceProcess("gateway", env, log_dir, ports["gateway"])
    started = [simulator, gateway]
    try:
        simulator.wait_ready()
        started.append(ServiceProcess("executor", env, log_dir, ports["executor"]))
        started[-1].wait_ready()
        gateway.wait_ready()
    except BaseException:
        for proc in started:
            proc.terminate()
        raise
    stack = LocalStack(
        simulator,
        started[-1],
        gateway,
        env,
        log_dir,
        venue_tls.ca if venue_tls else None,
    )
    if not wait_until(stack.ready, timeout_s=30):
        logs = stack.all_logs()
        stack.stop()
        raise RuntimeError(f"the stack did not become ready:\n{logs}")
    return stack
