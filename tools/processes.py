"""Real service processes (`python -m gateway|executor|simulator`) for tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class ServiceProcess:
    def __init__(self, module: str, env: dict[str, str], log_dir: Path, port: int) -> None:
        self.module = module
        self.port = port
        self.log_path = log_dir / f"{module}-{port}.log"
        self._log = self.log_path.open("wb")
        clean = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("BINGX_", "BINANCE_", "WEBHOOK_", "DATABASE_URL", "TRADES_CSV"))
        }
        # cwd is the log folder so no developer `.env` leaks into a test or a benchmark. The
        # generated stubs are named from proto/, put first so a second checkout (a git worktree
        # sharing one virtualenv) runs its own stubs, not those the virtualenv was installed from.
        self.proc = subprocess.Popen(  # noqa: S603 - our interpreter, our module names
            [sys.executable, "-m", module],
            cwd=log_dir,
            env={**clean, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "proto")]), **env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout_s: float = 30) -> ServiceProcess:
        try:
            wait_port(self.port, timeout_s)
        except TimeoutError:
            raise AssertionError(f"{self.module} did not start:\n{self.logs()}") from None
        if self.proc.poll() is not None:  # the port is open, but someone else's
            raise AssertionError(f"{self.module} exited while starting:\n{self.logs()}")
        return self

    def logs(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def terminate(self, timeout_s: float = 15) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def alive(self) -> bool:
        return self.proc.poll() is None


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A free loopback port, never one this process handed out before: the kernel may offer a
    port again as soon as it is released, and two services of one stack would then collide."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def wait_port(port: int, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if port_open(port):
            return
        time.sleep(0.02)
    raise TimeoutError(f"port {port} did not open within {timeout_s}s")


def wait_until(predicate: object, timeout_s: float = 10, interval_s: float = 0.05) -> bool:
    assert callable(predicate)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval_s)
    return False
