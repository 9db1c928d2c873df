"""Mutual TLS between gateway and executor: each side proves itself with a certificate from the
owner's CA. Configured means all of it; half a configuration is refused at start-up."""

from __future__ import annotations

from pathlib import Path

import grpc


def _read(path: str) -> bytes:
    return Path(path).read_bytes()


def check_complete(values: dict[str, str | None]) -> bool:
    """True when every path is set, False when none is; a partial set is an error naming the gaps."""
    given = {name for name, value in values.items() if value}
    if given and given != set(values):
        missing = ", ".join(sorted(name.upper() for name in set(values) - given))
        raise ValueError(f"mutual TLS needs all of {', '.join(n.upper() for n in values)}; missing {missing}")
    return bool(given)


def server_credentials(cert: str, key: str, client_ca: str) -> grpc.ServerCredentials:
    # require_client_auth: a caller without a certificate from our CA never gets a handshake.
    return grpc.ssl_server_credentials(
        [(_read(key), _read(cert))], root_certificates=_read(client_ca), require_client_auth=True
    )


def channel_credentials(ca: str, cert: str, key: str) -> grpc.ChannelCredentials:
    return grpc.ssl_channel_credentials(
        root_certificates=_read(ca), private_key=_read(key), certificate_chain=_read(cert)
    )
