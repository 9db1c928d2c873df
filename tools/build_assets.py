"""Front-end assets for the dashboard, from their npm packages, at build time.

With npm, `npm ci` installs exactly what package-lock.json pins (integrity-checked, no install
scripts) and the files the pages load are copied out of node_modules. Without npm (a fresh
machine needs only python3, make and curl), the same pinned tarball is downloaded with the
standard library, checked against the lock's integrity hash before anything is read out of it,
and only the files the pages load are taken from it; every package is fetched and checked before
any file is written. Nothing third-party is committed and
nothing is fetched by a browser from a CDN.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "gateway" / "dashboard" / "static" / "vendor"
LOCK = ROOT / "package-lock.json"
# Package -> (path inside the package -> name under static/vendor). These are all that is ever
# unpacked. Chart.js's UMD build carries its one dependency (@kurkle/color) inside it.
PACKAGES = {
    "bootstrap": {
        "dist/css/bootstrap.min.css": "bootstrap.min.css",
        "dist/js/bootstrap.bundle.min.js": "bootstrap.bundle.min.js",
        "LICENSE": "BOOTSTRAP-LICENSE",
    },
    "chart.js": {
        "dist/chart.umd.min.js": "chart.umd.min.js",
        "LICENSE.md": "CHARTJS-LICENSE",
    },
}
# The public registry, as npm names it; npm_config_registry (npm's own setting) replaces it.
NPMJS = "https://registry.npmjs.org"
DOWNLOAD_TIMEOUT_S = 60.0
# Bootstrap's tarball is under 2 MB: anything far larger is not what the lock pins, and must not
# fill the memory on its way to that verdict. (Only a tarball that passed the hash is unpacked.)
MAX_TARBALL_BYTES = 32 * 1024 * 1024
# Subresource Integrity, strongest first: the strongest one the lock names is the one checked.
SRI_ALGORITHMS = ("sha512", "sha384", "sha256")


class AssetError(Exception):
    """Why the assets cannot be built, in one line a trader can act on."""


@dataclass(frozen=True)
class Pin:
    """One package as package-lock.json pins it."""

    name: str
    version: str
    integrity: str
    resolved: str | None

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def main(argv: list[str]) -> int:
    try:
        files = _package_files(copy_only="--copy-only" in argv)
    except AssetError as exc:
        print(f"dashboard assets: {exc}", file=sys.stderr)
        return 1
    _write_vendor(files)
    shown = [name for wanted in PACKAGES.values() for name in wanted.values() if not name.endswith("LICENSE")]
    print(f"dashboard assets: {', '.join(shown)} -> {VENDOR.relative_to(ROOT)}")
    return 0


def _package_files(copy_only: bool) -> dict[str, dict[str, bytes]]:
    """Each package's files the pages load, by their path inside the package."""
    # --copy-only: node_modules is already installed (the Dockerfile's node stage did it).
    if copy_only:
        return _from_node_modules()
    npm = shutil.which("npm")
    if npm is None:
        registry_url = registry()
        return {
            name: _from_registry(read_pin(LOCK, name), registry_url, set(PACKAGES[name])) for name in PACKAGES
        }
    subprocess.run(  # noqa: S603 - a fixed command line
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=ROOT,
        check=True,
    )
    return _from_node_modules()


def _from_node_modules() -> dict[str, dict[str, bytes]]:
    files: dict[str, dict[str, bytes]] = {}
    for name, wanted in PACKAGES.items():
        package = ROOT / "node_modules" / name
        missing = [path for path in wanted if not (package / path).is_file()]
        if missing:
            raise AssetError(f"{package.relative_to(ROOT)} lacks {', '.join(missing)}: run npm ci first")
        files[name] = {path: (package / path).read_bytes() for path in wanted}
    return files


def _from_registry(pin: Pin, registry_url: str, wanted: set[str]) -> dict[str, bytes]:
    url = tarball_url(pin, registry_url)
    print(f"dashboard assets: npm not found, downloading {pin.label} from {url}")
    data = download(url)
    # Before a single byte of it is decompressed: the lock's hash is the only trust there is.
    check_integrity(data, pin)
    return read_members(data, wanted, f"{pin.label} from {url}")


def read_pin(lock_path: Path, name: str) -> Pin:
    try:
        lock = json.loads(lock_path.read_text(encoding="utf-8"))
        entry = lock["packages"][f"node_modules/{name}"]
        version, integrity = str(entry["version"]), str(entry["integrity"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AssetError(f"{lock_path.name} pins no version and integrity for {name} ({exc!r})") from exc
    resolved = entry.get("resolved")
    return Pin(name, version, integrity, str(resolved) if resolved else None)


def registry() -> str:
    """The registry npm itself would use: its environment setting, else the public one."""
    # npm reads its settings from npm_config_* in any case; lower case is how npm documents it.
    configured = os.environ.get("npm_config_registry") or os.environ.get("NPM_CONFIG_REGISTRY")  # noqa: SIM112
    return (configured or NPMJS).rstrip("/")


def tarball_url(pin: Pin, registry_url: str) -> str:
    if pin.resolved is None:
        # The registry's standard layout; a scoped package's file drops the scope (@s/n -> n-1.0.tgz).
        basename = pin.name.rsplit("/", 1)[-1]
        return f"{registry_url}/{pin.name}/-/{basename}-{pin.version}.tgz"
    if pin.resolved.startswith(f"{NPMJS}/"):
        # What npm does by default (replace-registry-host=npmjs): a lock written against the
        # public registry is fetched from the configured one, so a mirror keeps working.
        return registry_url + pin.resolved[len(NPMJS) :]
    return pin.resolved


def download(url: str) -> bytes:
    if urlsplit(url).scheme not in {"https", "http"}:
        raise AssetError(f"refusing to download {url}: not an http(s) URL")
    deadline = time.monotonic() + DOWNLOAD_TIMEOUT_S
    try:
        # The timeout bounds each wait on the socket; the deadline bounds the whole download.
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:  # noqa: S310 - scheme checked
            return _read_bounded(response, deadline, url)
    except urllib.error.HTTPError as exc:
        raise AssetError(f"could not download {url}: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise AssetError(f"could not download {url}: {exc.reason}") from exc
    except OSError as exc:  # a timeout, a refused or reset connection
        raise AssetError(f"could not download {url}: {str(exc) or type(exc).__name__}") from exc


def _read_bounded(response: io.BufferedIOBase, deadline: float, url: str) -> bytes:
    data = bytearray()
    while chunk := response.read(64 * 1024):
        data += chunk
        if len(data) > MAX_TARBALL_BYTES:
            raise AssetError(f"refusing {url}: larger than {MAX_TARBALL_BYTES // (1024 * 1024)} MB")
        if time.monotonic() > deadline:
            raise AssetError(f"could not download {url}: slower than {DOWNLOAD_TIMEOUT_S:.0f} s")
    return bytes(data)


def check_integrity(data: bytes, pin: Pin) -> None:
    """Raise unless `data` has the hash the lock's SRI string (`sha512-<base64>`) names."""
    offered: dict[str, set[bytes]] = {}
    for token in pin.integrity.split():
        algorithm, _, encoded = token.partition("-")
        try:
            # SRI allows options after a '?'; npm writes none, and they never change the hash.
            digest = base64.b64decode(encoded.split("?")[0], validate=True)
        except binascii.Error:
            continue
        offered.setdefault(algorithm, set()).add(digest)
    strongest = next((name for name in SRI_ALGORITHMS if name in offered), None)
    if strongest is None:
        raise AssetError(f"package-lock.json's integrity for {pin.label} names no sha512, sha384 or sha256")
    actual = hashlib.new(strongest, data).digest()
    if actual not in offered[strongest]:
        got = base64.b64encode(actual).decode()
        raise AssetError(
            f"{pin.label} does not match package-lock.json's integrity (the download is {strongest}-{got});"
            " refusing it, nothing was unpacked"
        )


def read_members(data: bytes, wanted: set[str], source: str) -> dict[str, bytes]:
    """The wanted regular files, by their path inside the package, read into memory.

    npm tarballs hold the package under one top folder (`package/`). Members are never written
    by their own names, so no `..`, absolute path or link in the archive can reach the disk.
    """
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar:
                path = "/".join(PurePosixPath(member.name).parts[1:])
                if path not in wanted or not member.isfile():
                    continue
                extracted = tar.extractfile(member)
                if extracted is not None:
                    found[path] = extracted.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise AssetError(f"{source} is not a readable .tgz ({exc})") from exc
    missing = sorted(wanted - found.keys())
    if missing:
        raise AssetError(f"{source} lacks {', '.join(missing)}")
    return found


def _write_vendor(files: dict[str, dict[str, bytes]]) -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    for package, wanted in PACKAGES.items():
        for path, name in wanted.items():
            _write_one(name, files[package][path])


def _write_one(name: str, content: bytes) -> None:
    if name.endswith((".css", ".js")):
        # The source maps are not shipped; without this line a browser's tools ask for them.
        lines = content.decode("utf-8").splitlines()
        text = "\n".join(line for line in lines if "sourceMappingURL=" not in line) + "\n"
        content = text.encode("utf-8")
    (VENDOR / name).write_bytes(content)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
