"""Servers inside the test process, over real loopback sockets."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from simulator.app import Simulator, build
from simulator.config import SimulatorSettings
from tools.processes import free_port, wait_port

API_KEY = "testkey-0123456789abcdefABCDEF"
SECRET_KEY = "testsecret-fedcba9876543210FEDCBA9876543210"
# Shaped like real Binance keys: 64 alphanumerics.
BINANCE_API_KEY = "tvbridgeTESTbinanceKEY0123456789abcdefghijklmnopqrstuvwxyzABCDEF"
BINANCE_SECRET_KEY = "tvbridgeTESTbinanceSECRET9876543210zyxwvutsrqponmlkjihgfedcbaZYX"


@dataclass
class RunningSimulator:
    sim: Simulator
    url: str
    port: int


@contextmanager
def serve_app(app: FastAPI, port: int, *, tls: tuple[str, str] | None = None) -> Iterator[None]:
    """Serve on loopback; `tls` is (certificate, key) PEM paths for HTTPS."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        # The gateway decides itself whose X-Forwarded-For to believe (TRUSTED_PROXIES);
        # uvicorn's own rewrite would believe any local peer.
        proxy_headers=False,
        server_header=False,
        lifespan="on",
        ssl_certfile=tls[0] if tls else None,
        ssl_keyfile=tls[1] if tls else None,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_port(port)
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def unread_params(sim: Simulator) -> list[str]:
    """Every parameter a venue endpoint received and does not read, as "venue METHOD path name".
    Binance refuses such a request; BingX lets it pass unread, so a misspelt name would be lost
    without a word (simulator/README.md, "Guesses")."""
    return [
        f"{venue} {method} {path} {name}"
        for venue, seen in sorted(sim.unknown_params.items())
        for method, path, name in sorted(seen)
    ]


@contextmanager
def running_simulator(tls: tuple[str, str] | None = None, **overrides: object) -> Iterator[RunningSimulator]:
    """The simulator on a free loopback port; over HTTPS when `tls` is (certificate, key)."""
    port = free_port()
    settings = SimulatorSettings(
        _env_file=None,  # type: ignore[call-arg]
        simulator_port=port,
        bingx_api_key=SecretStr(API_KEY),
        bingx_secret_key=SecretStr(SECRET_KEY),
        binance_api_key=SecretStr(BINANCE_API_KEY),
        binance_secret_key=SecretStr(BINANCE_SECRET_KEY),
        **overrides,  # type: ignore[arg-type]
    )
    sim = build(settings)
    with serve_app(sim.app, port, tls=tls):
        yield RunningSimulator(sim, f"{'https' if tls else 'http'}://127.0.0.1:{port}", port)
