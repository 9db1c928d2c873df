"""`python -m executor.healthcheck`: exit 0 when the executor answers SERVING (for containers)."""

from __future__ import annotations

import os
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def main() -> int:
    addr = os.environ.get("EXECUTOR_HEALTH_ADDR", f"127.0.0.1:{os.environ.get('EXECUTOR_PORT', '50051')}")
    try:
        with grpc.insecure_channel(addr) as channel:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
    except grpc.RpcError as exc:
        print(f"executor at {addr}: {exc.code().name}", file=sys.stderr)
        return 1
    return 0 if reply.status == health_pb2.HealthCheckResponse.SERVING else 1


if __name__ == "__main__":
    sys.exit(main())
