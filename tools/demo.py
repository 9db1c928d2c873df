"""`make demo`: simulator + executor + gateway on this machine, Ctrl-C stops all.

The demo never touches a real exchange: the executor is pointed at the
simulator with generated keys, and the services run in `.demo/` so a live
`.env` in the project root is not read.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from types import FrameType
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = Path(os.environ.get("TVBRIDGE_DEMO_DIR", ROOT / ".demo"))
CREDENTIALS = DEMO_DIR / "credentials.env"


def _generated() -> dict[str, str]:
    return {
        "BINGX_API_KEY": "demo" + secrets.token_hex(16),
        "BINGX_SECRET_KEY": secrets.token_hex(32),
        # Binance keys are 64 characters; the simulator checks their shape as the venue does.
        "BINANCE_API_KEY": secrets.token_hex(32),
        "BINANCE_SECRET_KEY": secrets.token_hex(32),
        "WEBHOOK_PASSPHRASE": secrets.token_urlsafe(18),
        "DASHBOARD_PASSWORD": secrets.token_urlsafe(12),
    }


def _credentials() -> dict[str, str]:
    """Generated once and kept, so the printed curl and login keep working across restarts."""
    DEMO_DIR.mkdir(exist_ok=True)
    values: dict[str, str] = {}
    if CREDENTIALS.exists():
        pairs = (line.split("=", 1) for line in CREDENTIALS.read_text().splitlines() if "=" in line)
        values = {k.strip(): v.strip() for k, v in pairs}
    fresh = _generated()
    if values.keys() >= fresh.keys():
        return values
    # Only what an older demo did not have is added; what it had keeps working.
    values = {**fresh, **{k: v for k, v in values.items() if k in fresh}}
    CREDENTIALS.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    CREDENTIALS.chmod(0o600)
    return values


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_port(name: str, port: int, proc: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with code {proc.returncode} while starting")
        if _port_open(port):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{name} did not open port {port} within {timeout_s:.0f}s")


def _wait_ready(url: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:  # noqa: S310 - loopback URL we built
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer 200 within {timeout_s:.0f}s")


def _pretty(service: str, line: str) -> str:
    try:
        entry = json.loads(line)
    except ValueError:
        return f"[{service}] {line}"
    if not isinstance(entry, dict):
        return f"[{service}] {line}"
    skip = {"ts", "level", "service", "logger", "msg"}
    extras = " ".join(f"{k}={v}" for k, v in entry.items() if k not in skip and v not in (None, ""))
    stamp = str(entry.get("ts", ""))[11:19]
    return f"{stamp} {service:<9} {entry.get('level', ''):<7} {entry.get('msg', '')} {extras}".rstrip()


def _pump(service: str, stream: IO[bytes], log_file: IO[str]) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip()
        log_file.write(line + "\n")
        log_file.flush()
        print(_pretty(service, line), flush=True)


def main() -> int:
    gateway_port = int(os.environ.get("GATEWAY_PORT", "5000"))
    executor_port = int(os.environ.get("EXECUTOR_PORT", "50051"))
    metrics_port = int(os.environ.get("EXECUTOR_METRICS_PORT", "9101"))
    simulator_port = int(os.environ.get("SIMULATOR_PORT", "8900"))
    for name, port in (
        ("gateway", gateway_port),
        ("executor", executor_port),
        ("executor metrics", metrics_port),
        ("simulator", simulator_port),
    ):
        if _port_open(port):
            print(
                f"port {port} ({name}) is already in use; stop what holds it or set another port",
                file=sys.stderr,
            )
            return 1

    creds = _credentials()
    env = {
        **os.environ,
        **creds,
        "PYTHONUNBUFFERED": "1",
        "GATEWAY_PORT": str(gateway_port),
        "EXECUTOR_PORT": str(executor_port),
        "EXECUTOR_METRICS_PORT": str(metrics_port),
        "SIMULATOR_PORT": str(simulator_port),
        "BINGX_BASE_URL": f"http://127.0.0.1:{simulator_port}",
        "BINANCE_BASE_URL": f"http://127.0.0.1:{simulator_port}",
        "EXECUTOR_ADDR": f"127.0.0.1:{executor_port}",
        "DEFAULT_EXCHANGE": "bingx",
    }
    logs = DEMO_DIR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    procs: list[tuple[str, subprocess.Popen[bytes]]] = []
    stopping = threading.Event()

    def stop_all() -> None:
        for _, proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 10
        for _, proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    def launch(service: str) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module names
            [sys.executable, "-m", service],
            cwd=DEMO_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # Ctrl-C reaches us; we stop the children in order
        )
        assert proc.stderr is not None
        log_file = (logs / f"{service}.log").open("a", encoding="utf-8")
        threading.Thread(target=_pump, args=(service, proc.stderr, log_file), daemon=True).start()
        procs.append((service, proc))
        return proc

    try:
        _wait_port("simulator", simulator_port, launch("simulator"))
        _wait_port("executor", executor_port, launch("executor"))
        launch("gateway")
        _wait_ready(f"http://127.0.0.1:{gateway_port}/readyz")
    except RuntimeError as exc:
        print(f"demo could not start: {exc}; logs are in {logs}", file=sys.stderr)
        stop_all()
        return 1

    url = f"http://localhost:{gateway_port}/webhook"
    body = json.dumps(
        {"accion": "BUY", "ticker": "BTCUSDT", "balance": 100, "passphrase": creds["WEBHOOK_PASSPHRASE"]}
    )
    curl = f"curl -s -X POST {url} -H 'Content-Type: text/plain' -d {shlex.quote(body)}"
    print(
        "\n"
        "  tvbridge demo is running (simulated BingX and Binance; no real exchange is touched)\n"
        f"  webhook URL : {url}\n"
        f"  passphrase  : {creds['WEBHOOK_PASSPHRASE']}\n"
        f"  dashboard   : http://localhost:{gateway_port}/dashboard\n"
        f"  password    : {creds['DASHBOARD_PASSWORD']}\n"
        f"  simulator   : http://127.0.0.1:{simulator_port}  (orders: /_sim/orders)\n"
        f"  metrics     : http://localhost:{gateway_port}/metrics and http://localhost:{metrics_port}/metrics\n"
        "\n  Send the seed's alert (buys 100 USDT of margin of BTC):\n"
        f"\n    {curl}\n"
        '\n  Add "exchange": "binance" to the message to trade on the simulated Binance instead.\n'
        "\n  Ctrl-C stops all three.\n",
        flush=True,
    )

    while not stopping.is_set():
        for service, proc in procs:
            if proc.poll() is not None:
                print(f"{service} exited with code {proc.returncode}; stopping the demo", file=sys.stderr)
                stop_all()
                return 1
        stopping.wait(0.5)
    print("\nstopping...", flush=True)
    stop_all()
    print("demo stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
