from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tools.processes import ServiceProcess, free_port, wait_until

API_KEY = "e2e-key-7f3a9c1b2d4e6f80"
SECRET_KEY = "e2e-secret-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
PASSPHRASE = "e2e-passphrase-Kq7wZ2"


@dataclass
class Stack:
    simulator: ServiceProcess
    executor: ServiceProcess
    gateway: ServiceProcess
    env: dict[str, str]
    log_dir: Path

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway.port}"

    @property
    def simulator_url(self) -> str:
        return f"http://127.0.0.1:{self.simulator.port}"

    def start_executor(self) -> ServiceProcess:
        self.executor = ServiceProcess("executor", self.env, self.log_dir, self.executor.port).wait_ready()
        return self.executor

    def ready(self) -> bool:
        try:
            return requests.get(f"{self.gateway_url}/readyz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def all_logs(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.log_dir.glob("*.log"))


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    ports = {name: free_port() for name in ("gateway", "executor", "metrics", "simulator")}
    env = {
        "BINGX_API_KEY": API_KEY,
        "BINGX_SECRET_KEY": SECRET_KEY,
        "WEBHOOK_PASSPHRASE": PASSPHRASE,
        "GATEWAY_PORT": str(ports["gateway"]),
        "EXECUTOR_PORT": str(ports["executor"]),
        "EXECUTOR_METRICS_PORT": str(ports["metrics"]),
        "SIMULATOR_PORT": str(ports["simulator"]),
        "BINGX_BASE_URL": f"http://127.0.0.1:{ports['simulator']}",
        "EXECUTOR_ADDR": f"127.0.0.1:{ports['executor']}",
    }
    sim = ServiceProcess("simulator", env, tmp_path, ports["simulator"]).wait_ready()
    exe = ServiceProcess("executor", env, tmp_path, ports["executor"]).wait_ready()
    gw = ServiceProcess("gateway", env, tmp_path, ports["gateway"]).wait_ready()
    running = Stack(sim, exe, gw, env, tmp_path)
    assert wait_until(running.ready, timeout_s=20), running.all_logs()
    yield running
    for proc in (running.gateway, running.executor, running.simulator):
        proc.terminate()
