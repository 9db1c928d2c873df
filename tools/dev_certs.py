"""`python -m tools.dev_certs [DIR]`: a private CA and the certificates for gateway <-> executor mTLS.

Writes into DIR (default ./certs):
  ca.pem, ca-key.pem          the CA; keep ca-key.pem offline once the certificates exist
  executor.pem, executor-key.pem   the executor (server, and client for its own healthcheck)
  gateway.pem, gateway-key.pem     the gateway (client)
and prints the settings for both services. Keys are EC P-256 and written with mode 0600.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALID_DAYS = 825  # the longest life clients still accept for a leaf certificate


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "tvbridge"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    os.chmod(path, 0o600)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def make_ca(out: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("tvbridge dev CA"))
        .issuer_name(_name("tvbridge dev CA"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS * 2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    _write_key(out / "ca-key.pem", key)
    _write_cert(out / "ca.pem", cert)
    return cert, key


def make_leaf(
    out: Path,
    name: str,
    ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey],
    *,
    hosts: list[str],
    usages: list[x509.ObjectIdentifier],
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    alt: list[x509.GeneralName] = []
    for host in hosts:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt.append(x509.DNSName(host))
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(ca[0].subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        .sign(ca[1], hashes.SHA256())
    )
    _write_key(out / f"{name}-key.pem", key)
    _write_cert(out / f"{name}.pem", cert)


def generate(out: Path, executor_hosts: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    ca = make_ca(out)
    both = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    make_leaf(out, "executor", ca, hosts=executor_hosts, usages=both)
    make_leaf(out, "gateway", ca, hosts=["gateway"], usages=[ExtendedKeyUsageOID.CLIENT_AUTH])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", nargs="?", default="certs", help="folder to write into (default: ./certs)")
    parser.add_argument(
        "--executor-host",
        action="append",
        default=[],
        help="a name or IP the gateway uses to reach the executor (default: executor, localhost, 127.0.0.1)",
    )
    args = parser.parse_args()
    out = Path(args.out).resolve()
    generate(out, args.executor_host or ["executor", "localhost", "127.0.0.1"])
    print(f"""Certificates written to {out}

executor:
  EXECUTOR_TLS_CERT={out / "executor.pem"}
  EXECUTOR_TLS_KEY={out / "executor-key.pem"}
  EXECUTOR_TLS_CLIENT_CA={out / "ca.pem"}
gateway:
  EXECUTOR_TLS_CA={out / "ca.pem"}
  EXECUTOR_CLIENT_CERT={out / "gateway.pem"}
  EXECUTOR_CLIENT_KEY={out / "gateway-key.pem"}
""")


if __name__ == "__main__":
    main()
