"""Mutual TLS between gateway and executor: each side proves itself with a certificate from the
owner's CA. Configured means all of it; half a configuration is refused at start-up. Each
service builds its own gRPC credentials from these files (executor/grpc_tls.py, the gateway's
executor client)."""

from __future__ import annotations

from pathlib import Path


def read_pem(path: str) -> bytes:
    return Path(path).read_bytes()


def check_complete(values: dict[str, str | None]) -> bool:
    """True when every path is set, False when none is; a partial set is an error naming the gaps."""
    given = {name for name, value in values.items() if value}
    if given and given != set(values):
        missing = ", ".join(sorted(name.upper() for name in set(values) - given))
        raise ValueError(f"mutual TLS needs all of {', '.join(n.upper() for n in values)}; missing {missing}")
    return bool(given)
