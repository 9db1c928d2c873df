"""`python -m gateway`: the internet-facing webhook receiver."""

from __future__ import annotations

import logging
import sys

from pydantic import ValidationError

from common import jsonlog, serving
from gateway import metrics
from gateway.app import create_app
from gateway.config import GatewaySettings


def main() -> None:
    # The journal's thread and the event loop share the GIL. By default a thread may hold it
    # for 5 ms before the other gets a turn, and an answer waiting behind an outcome's commit
    # waits that long; a shorter turn lets the loop write the answer first.
    sys.setswitchinterval(0.0005)
    jsonlog.configure("gateway")
    try:
        settings = GatewaySettings()
    except ValidationError as exc:
        for error in exc.errors():
            logging.getLogger("gateway").error("configuration refused: %s", error["msg"])
        sys.exit(2)
    jsonlog.configure("gateway", settings.log_level)
    metrics.BUILD.info({"version": "0.1.0"})
    logging.getLogger("gateway").info(
        "gateway listening", extra={"port": settings.gateway_port, "executor": settings.executor_addr}
    )
    serving.run(create_app(settings), host=settings.gateway_host, port=settings.gateway_port)


if __name__ == "__main__":
    main()
