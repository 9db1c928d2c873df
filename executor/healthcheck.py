"""`python -m executor.healthcheck`: exit 0 when the executor answers SERVING (for containers)."""

from __future__ import annotations

import os
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from executor import grpc_tls


def main() -> int:
    addr = os.environ.get("EXECUTOR_HEALTH_ADDR", f"127.0.0.1:{os.environ.get('EXECUTOR_PORT', '50051')}")
    cert, key, ca = (os.environ.get(f"EXECUTOR_TLS_{n}") for n in ("CERT", "KEY", "CLIENT_CA"))
    if cert and key and ca:
        # Under mutual TLS the executor's own certificate (issued for client use too) opens the door.
        credentials = grpc_tls.channel_credentials(ca, cert, key)
        name = os.environ.get("EXECUTOR_TLS_SERVER_NAME", "executor")
        channel = grpc.secure_channel(addr, credentials, options=[("grpc.ssl_target_name_override", name)])
    else:
        channel = grpc.insecure_channel(addr)
    try:
        with channel:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
    except grpc.RpcError as exc:
        print(f"executor at {addr}: {exc.code().name}", file=sys.stderr)
        return 1
    return 0 if reply.status == health_pb2.HealthCheckResponse.SERVING else 1


if __name__ == "__main__":
    sys.exit(main())
