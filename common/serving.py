"""Running an ASGI app so that a graceful stop is a clean exit.

uvicorn re-raises SIGTERM/SIGINT after shutting down, so the process ends
"killed by signal" even when nothing went wrong; supervisors (systemd,
compose restart policies) read that as a crash. Here a first signal asks for
a graceful stop and the process exits 0; a second forces it.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


class _CleanExitServer(uvicorn.Server):
    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def run(
    app: Any,
    *,
    host: str,
    port: int,
    grace_s: float = 10.0,
    tls_cert: str | None = None,
    tls_key: str | None = None,
    keep_alive_s: float = 5.0,
) -> None:
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        # The gateway decides itself whose X-Forwarded-For to believe (TRUSTED_PROXIES);
        # uvicorn's own rewrite would believe any local peer.
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=int(grace_s),
        timeout_keep_alive=int(keep_alive_s),
        ssl_certfile=tls_cert,
        ssl_keyfile=tls_key,
    )
    _CleanExitServer(config).run()
