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
