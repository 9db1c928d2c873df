"""`python -m executor`: the gRPC executor, the only holder of venue keys."""

from __future__ import annotations

from common import jsonlog
from executor.config import ExecutorSettings
from executor.server import serve


def main() -> None:
    settings = ExecutorSettings()
    jsonlog.configure("executor", settings.log_level)
    serve(settings)


if __name__ == "__main__":
    main()
