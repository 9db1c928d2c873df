"""`python -m simulator`: offline BingX (and later Binance) REST on SIMULATOR_PORT."""

from __future__ import annotations

import logging

from common import jsonlog, serving
from simulator.app import build
from simulator.config import SimulatorSettings


def main() -> None:
    settings = SimulatorSettings()
    jsonlog.configure("simulator", settings.log_level)
    sim = build(settings)
    logging.getLogger("simulator").info(
        "simulator listening", extra={"port": settings.simulator_port, "venues": sorted(sim.exchanges)}
    )
    serving.run(
        sim.app,
        host=settings.simulator_host,
        port=settings.simulator_port,
        grace_s=2,
        tls_cert=settings.simulator_tls_cert,
        tls_key=settings.simulator_tls_key,
        keep_alive_s=settings.simulator_keep_alive_s,
    )


if __name__ == "__main__":
    main()
