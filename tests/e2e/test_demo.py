"""`make demo` as a trader runs it: the printed curl fills an order; Ctrl-C stops everything."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tools.processes import ROOT, free_port, port_open

pytestmark = pytest.mark.e2e


def test_make_demo_prints_a_curl_that_fills_and_ctrl_c_stops_all(tmp_path: Path) -> None:
    ports = {
        name: free_port()
        for name in ("GATEWAY_PORT", "EXECUTOR_PORT", "EXECUTOR_METRICS_PORT", "SIMULATOR_PORT")
    }
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "TVBRIDGE_DEMO_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "demo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    lines: list[str] = []
    curl_ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.strip().startswith("curl "):
                curl_ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert curl_ready.wait(90), "".join(lines)
        curl = next(line.strip() for line in lines if line.strip().startswith("curl "))
        assert f"localhost:{ports['GATEWAY_PORT']}/webhook" in curl
        out = subprocess.run(["bash", "-c", curl], capture_output=True, text=True, timeout=30, check=True)
        reply = json.loads(out.stdout)
        assert reply["status"] == "executed", reply
        assert reply["orders"][0]["status"] == "FILLED"
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        proc.wait(timeout=30)
    time.sleep(0.2)
    assert "demo stopped" in "".join(lines)
    assert not any(port_open(port) for port in ports.values()), "a service outlived Ctrl-C"
    assert re.search(r"webhook URL : http://localhost:\d+/webhook", "".join(lines))


def test_demo_trades_on_simulated_binance_too(tmp_path: Path) -> None:
    ports = {
        name: free_port()
        for name in ("GATEWAY_PORT", "EXECUTOR_PORT", "EXECUTOR_METRICS_PORT", "SIMULATOR_PORT")
    }
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "TVBRIDGE_DEMO_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tools.demo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        curl = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not curl:
            line = proc.stdout.readline()
            if line.strip().startswith("curl "):
                curl = line.strip()
        assert curl
        curl = curl.replace('"balance": 100', '"balance": 100, "exchange": "binance"')
        out = subprocess.run(["bash", "-c", curl], capture_output=True, text=True, timeout=30, check=True)
        reply = json.loads(out.stdout)
        assert reply["status"] == "executed", reply
        assert reply["orders"][0]["venue"] == "binance"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    assert proc.returncode == 0
