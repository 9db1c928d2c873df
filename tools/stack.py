"""Simulator + executor + gateway as real processes on free loopback ports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import requests

from tools.processes import ServiceProcess, free_port, wait_until


@dataclass
class LocalStack:
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

    def stop(self) -> None:
        for proc in (self.gateway, self.executor, self.simulator):
            proc.terminate()


def start_stack(
    log_dir: Path, *, api_key: str, secret_key: str, passphrase: str, extra_env: dict[str, str] | None = None
) -> LocalStack:
    ports = {name: free_port() for name in ("gateway", "executor", "metrics", "simulator")}
    env = {
        "BINGX_API_KEY": api_key,
        "BINGX_SECRET_KEY": secret_key,
        "WEBHOOK_PASSPHRASE": passphrase,
        "GATEWAY_PORT": str(ports["gateway"]),
        "EXECUTOR_PORT": str(ports["executor"]),
        "EXECUTOR_METRICS_PORT": str(ports["metrics"]),
        "SIMULATOR_PORT": str(ports["simulator"]),
        "BINGX_BASE_URL": f"http://127.0.0.1:{ports['simulator']}",
        "EXECUTOR_ADDR": f"127.0.0.1:{ports['executor']}",
        **(extra_env or {}),
    }
    stack = LocalStack(
        ServiceProcess("simulator", env, log_dir, ports["simulator"]).wait_ready(),
        ServiceProcess("executor", env, log_dir, ports["executor"]).wait_ready(),
        ServiceProcess("gateway", env, log_dir, ports["gateway"]).wait_ready(),
        env,
        log_dir,
    )
    if not wait_until(stack.ready, timeout_s=30):
        logs = stack.all_logs()
        stack.stop()
        raise RuntimeError(f"the stack did not become ready:\n{logs}")
    return stack
