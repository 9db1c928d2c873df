"""A throwaway certificate authority for venues served over HTTPS in tests."""

from __future__ import annotations

from pathlib import Path

import trustme

from tools.stack import VenueTls


def private_ca(folder: Path) -> VenueTls:
    """A new CA and a certificate for 127.0.0.1 and localhost, written as PEM files in `folder`."""
    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1", "localhost")
    tls = VenueTls(str(folder / "ca.pem"), str(folder / "cert.pem"), str(folder / "key.pem"))
    authority.cert_pem.write_to_path(tls.ca)
    issued.cert_chain_pems[0].write_to_path(tls.cert)
    issued.private_key_pem.write_to_path(tls.key)
    return tls
