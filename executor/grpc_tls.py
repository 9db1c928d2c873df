"""The executor's gRPC credentials under mutual TLS: the server's, and the health probe's."""

from __future__ import annotations

import grpc

from common.tls import read_pem


def server_credentials(cert: str, key: str, client_ca: str) -> grpc.ServerCredentials:
    # require_client_auth: a caller without a certificate from our CA never gets a handshake.
    return grpc.ssl_server_credentials(
        [(read_pem(key), read_pem(cert))], root_certificates=read_pem(client_ca), require_client_auth=True
    )


def channel_credentials(ca: str, cert: str, key: str) -> grpc.ChannelCredentials:
    return grpc.ssl_channel_credentials(
        root_certificates=read_pem(ca), private_key=read_pem(key), certificate_chain=read_pem(cert)
    )
