"""`make setup` on a fresh machine, as the README promises: python3, make and curl, npm optional.

Each test runs the real Makefile in a copy of the files it reads, so the worktree's own assets
and tools are never touched. The "registry" is a local HTTP server on 127.0.0.1 serving small
Bootstrap- and Chart.js-shaped tarballs; the copy's package-lock.json pins their hashes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tools.processes import ROOT

STAMP = ".venv/.tvbridge-setup"
VENDOR = "gateway/dashboard/static/vendor"
LOCK = json.loads((ROOT / "package-lock.json").read_text())
VERSION = LOCK["packages"]["node_modules/bootstrap"]["version"]
TARBALL_PATH = f"/registry/bootstrap/-/bootstrap-{VERSION}.tgz"
# What a lock written against the public registry records; npm fetches it from the configured one.
NPMJS_RESOLVED = f"https://registry.npmjs.org/bootstrap/-/bootstrap-{VERSION}.tgz"
CSS = b"body{color:#123}\n/*# sourceMappingURL=bootstrap.min.css.map */\n"
JS = b"/*! bundle */window.bootstrap={};\n//# sourceMappingURL=bootstrap.bundle.min.js.map\n"
LICENSE = b"The MIT License (MIT)\n\nCopyright (c) 2011-2025 The Bootstrap Authors\n"
PACKAGE = {
    "package/package.json": json.dumps({"name": "bootstrap", "version": VERSION}).encode(),
    "package/dist/css/bootstrap.min.css": CSS,
    "package/dist/js/bootstrap.bundle.min.js": JS,
    "package/LICENSE": LICENSE,
    "package/scss/_variables.scss": b"$primary: #123;\n",
    # A hostile member: unpacked by its own name it would land outside the package's folder.
    "package/../../escaped.txt": b"outside the package\n",
}
CHART_VERSION = LOCK["packages"]["node_modules/chart.js"]["version"]
CHART_PATH = f"/registry/chart.js/-/chart.js-{CHART_VERSION}.tgz"
CHART_JS = b"/*! Chart.js */window.Chart={};\n//# sourceMappingURL=chart.umd.min.js.map\n"
CHART_LICENSE = b"The MIT License (MIT)\n\nCopyright (c) 2014-2024 Chart.js Contributors\n"
CHART = {
    "package/package.json": json.dumps({"name": "chart.js", "version": CHART_VERSION}).encode(),
    "package/dist/chart.umd.min.js": CHART_JS,
    "package/dist/chart.js": b"export {};\n",
    "package/LICENSE.md": CHART_LICENSE,
}
PROXIES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
NO_NPM = ("npm", "npx", "node", "nodejs", "corepack")


def tgz(files: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    """A gzipped tarball laid out the way npm packs one."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tar.addfile(info)
    return out.getvalue()


def sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


TARBALL = tgz(PACKAGE)
CHART_TARBALL = tgz(CHART)
# One changed byte in the stylesheet: not what the lock pins.
TAMPERED = tgz({**PACKAGE, "package/dist/css/bootstrap.min.css": CSS.replace(b"#123", b"#666")})
# LICENSE is a link out of the package: even with the right hash, nothing is read through it.
LINKED = tgz(
    {k: v for k, v in PACKAGE.items() if k != "package/LICENSE"}, {"package/LICENSE": "/etc/hostname"}
)


class Registry:
    """What the local registry serves (path -> body), and the paths it was asked for."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.files: dict[str, bytes] = {}
        self.requests: list[str] = []


@pytest.fixture
def registry() -> Iterator[Registry]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.requests.append(self.path)
            body = served.files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the test asserts on `requests`; stderr stays the test's own

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # listening once constructed
    served = Registry(f"http://127.0.0.1:{server.server_address[1]}/registry")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield served
    server.shutdown()
    server.server_close()
    thread.join()


def project(tmp_path: Path, integrity: str, resolved: str | None = None, venv: bool = False) -> Path:
    """The files `make setup` reads, with a lock that pins `integrity` for bootstrap (and the
    Chart.js-shaped tarball for chart.js).

    venv: use the worktree's installed .venv, so `make -o STAMP` never re-runs uv sync.
    """
    copy = tmp_path / "project"
    names = (
        "Makefile",
        "package.json",
        "pyproject.toml",
        "uv.lock",
        "tools/__init__.py",
        "tools/build_assets.py",
    )
    for name in names:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    lock = json.loads(json.dumps(LOCK))  # a deep copy: each test pins its own tarball
    entry = lock["packages"]["node_modules/bootstrap"]
    entry["integrity"] = integrity
    if resolved is not None:
        entry["resolved"] = resolved
    lock["packages"]["node_modules/chart.js"]["integrity"] = sri(CHART_TARBALL)
    (copy / "package-lock.json").write_text(json.dumps(lock, indent=2))
    if venv:
        (copy / ".venv").symlink_to(ROOT / ".venv")
    return copy


def path_without_npm(tmp_path: Path) -> str:
    """A PATH with every command this machine has except npm and node."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    directories = [Path(d) for d in os.environ["PATH"].split(os.pathsep) if d and Path(d).is_dir()]
    for entry in (entry for directory in directories for entry in directory.iterdir()):
        link = bin_dir / entry.name
        if entry.name in NO_NPM or link.is_symlink() or not entry.is_file() or not os.access(entry, os.X_OK):
            continue
        link.symlink_to(entry)
    assert shutil.which("npm", path=str(bin_dir)) is None
    assert shutil.which("make", path=str(bin_dir)) is not None
    return str(bin_dir)


def fresh_env(tmp_path: Path, registry: Registry) -> dict[str, str]:
    """No npm, no proxy between the tool and 127.0.0.1, npm's own registry setting pointing here."""
    clean = {k: v for k, v in os.environ.items() if k not in PROXIES and k.lower() != "npm_config_registry"}
    return {
        **clean,
        "PATH": path_without_npm(tmp_path),
        "npm_config_registry": registry.url,
        "PYTHONDONTWRITEBYTECODE": "1",  # so every file that appears is one the tool wrote
    }


def make_setup(copy: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`make setup`, taking the installed .venv as up to date (`-o`: uv sync is never run)."""
    return subprocess.run(
        ["make", "--no-print-directory", "-o", STAMP, "setup"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def files_under(path: Path) -> set[str]:
    return {
        str(Path(root, name).relative_to(path))
        for root, dirs, files in os.walk(path)
        for name in (*dirs, *files)
    }


# make's own closing words: `make: *** ...`, or `make[1]: *** ...` when the suite itself runs
# under make (`make test`).
MAKE_SAYS = re.compile(r"^make(\[\d+\])?: ")


def own_lines(stderr: str) -> list[str]:
    """What the recipe said, without make's own `make: *** ... Error 1`."""
    return [line for line in stderr.splitlines() if not MAKE_SAYS.match(line)]


@pytest.mark.parametrize(
    ("resolved", "fetched"),
    [
        (None, TARBALL_PATH),
        (NPMJS_RESOLVED, TARBALL_PATH),
        ("{registry}/mirror/bootstrap.tgz", "/registry/mirror/bootstrap.tgz"),
    ],
    ids=["no-resolved", "npmjs-resolved", "own-resolved"],
)
def test_setup_without_npm_builds_the_assets_from_the_pinned_tarball(
    tmp_path: Path, registry: Registry, resolved: str | None, fetched: str
) -> None:
    registry.files[fetched] = TARBALL
    registry.files[CHART_PATH] = CHART_TARBALL
    env = fresh_env(tmp_path, registry)
    copy = project(tmp_path, sri(TARBALL), resolved and resolved.format(registry=registry.url), venv=True)
    before = files_under(tmp_path)

    result = make_setup(copy, env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert registry.requests == [fetched, CHART_PATH]
    vendor = copy / VENDOR
    assert (vendor / "bootstrap.min.css").read_bytes() == b"body{color:#123}\n"  # source map line dropped
    assert (vendor / "bootstrap.bundle.min.js").read_bytes() == b"/*! bundle */window.bootstrap={};\n"
    assert (vendor / "BOOTSTRAP-LICENSE").read_bytes() == LICENSE
    assert (vendor / "chart.umd.min.js").read_bytes() == b"/*! Chart.js */window.Chart={};\n"
    assert (vendor / "CHARTJS-LICENSE").read_bytes() == CHART_LICENSE
    # The five files and make's stamp, nothing else: no node_modules, no scss, nothing from `..`.
    vendored = (
        "bootstrap.min.css",
        "bootstrap.bundle.min.js",
        "BOOTSTRAP-LICENSE",
        "chart.umd.min.js",
        "CHARTJS-LICENSE",
        ".built",
    )
    folders = ("gateway", "gateway/dashboard", "gateway/dashboard/static", VENDOR)
    expected = {f"project/{folder}" for folder in folders} | {f"project/{VENDOR}/{name}" for name in vendored}
    assert files_under(tmp_path) - before == expected


@pytest.mark.parametrize(
    ("pinned", "served", "refusal"),
    [
        (TARBALL, TAMPERED, f"bootstrap {VERSION} does not match package-lock.json's integrity"),
        (LINKED, LINKED, "lacks LICENSE"),
    ],
    ids=["tampered", "link-member"],
)
def test_a_tarball_that_is_not_the_pinned_one_is_refused_and_nothing_is_written(
    tmp_path: Path, registry: Registry, pinned: bytes, served: bytes, refusal: str
) -> None:
    registry.files[TARBALL_PATH] = served
    registry.files[CHART_PATH] = CHART_TARBALL
    env = fresh_env(tmp_path, registry)
    copy = project(tmp_path, sri(pinned), venv=True)
    before = files_under(tmp_path)

    result = make_setup(copy, env)

    assert result.returncode != 0
    said = own_lines(result.stderr)
    assert len(said) == 1, result.stderr
    assert said[0].startswith("dashboard assets: ") and refusal in said[0], said
    assert registry.requests == [TARBALL_PATH]  # the first refusal ends it
    assert files_under(tmp_path) == before  # not even an empty vendor folder


def test_a_later_package_refused_writes_none_of_the_earlier_ones(tmp_path: Path, registry: Registry) -> None:
    registry.files[TARBALL_PATH] = TARBALL
    registry.files[CHART_PATH] = tgz({**CHART, "package/dist/chart.umd.min.js": b"window.Chart=evil;\n"})
    env = fresh_env(tmp_path, registry)
    copy = project(tmp_path, sri(TARBALL), venv=True)
    before = files_under(tmp_path)

    result = make_setup(copy, env)

    assert result.returncode != 0
    said = own_lines(result.stderr)
    assert len(said) == 1 and f"chart.js {CHART_VERSION} does not match" in said[0], result.stderr
    assert registry.requests == [TARBALL_PATH, CHART_PATH]
    assert files_under(tmp_path) == before


def test_copy_only_reads_node_modules_and_downloads_nothing(tmp_path: Path, registry: Registry) -> None:
    """The Dockerfile's build stage: node_modules came from its node stage, and npm is not there."""
    env = fresh_env(tmp_path, registry)
    copy = project(tmp_path, sri(b"not used"))
    for package, files in (("bootstrap", PACKAGE), ("chart.js", CHART)):
        for name, content in files.items():
            if ".." not in name:
                target = copy / "node_modules" / package / name.removeprefix("package/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)

    result = subprocess.run(
        [sys.executable, "tools/build_assets.py", "--copy-only"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert registry.requests == []
    assert (copy / VENDOR / "bootstrap.min.css").read_bytes() == b"body{color:#123}\n"
    assert (copy / VENDOR / "BOOTSTRAP-LICENSE").read_bytes() == LICENSE
    assert (copy / VENDOR / "chart.umd.min.js").read_bytes() == b"/*! Chart.js */window.Chart={};\n"


# python3 as Debian and Ubuntu ship it without python3.X-venv: the venv module is there, ensurepip
# is not, and `-m venv DIR` makes half a DIR before it gives up with a page of advice.
DEBIAN_PYTHON3 = """#!/bin/bash
if [[ " $* " == *" ensurepip "* ]]; then
  echo "$0: No module named ensurepip" >&2
  exit 1
fi
if [ "$1 $2" = "-m venv" ]; then
  mkdir -p "$3/bin" && ln -s {real} "$3/bin/python3" && echo "home = /usr/bin" > "$3/pyvenv.cfg"
  printf '%s\\n' "The virtual environment was not created successfully because ensurepip is not" \\
    "available.  On Debian/Ubuntu systems, you need to install the python3-venv" >&2
  exit 1
fi
exec {real} "$@"
"""
# python3 with venv support on a machine whose pip cannot reach PyPI: .tools is made, uv is not.
OFFLINE_PYTHON3 = """#!/bin/bash
if [ "$1 $2" = "-m venv" ]; then
  mkdir -p "$3/bin" && ln -s {real} "$3/bin/python3"
  printf '#!/bin/bash\\necho "ERROR: No matching distribution found for uv" >&2\\nexit 1\\n' > "$3/bin/pip"
  chmod +x "$3/bin/pip"
  exit 0
fi
exec {real} "$@"
"""


def make_setup_on(tmp_path: Path, python3: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`make setup` in a copy with no .venv and no .tools yet, with `python3` being this script."""
    copy = project(tmp_path, sri(b"not used"))
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "python3").write_text(python3.format(real=sys.executable))
    (shim / "python3").chmod(0o755)
    result = subprocess.run(
        ["make", "--no-print-directory", "setup"],
        cwd=copy,
        env={**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return copy, result


def test_without_venv_support_setup_says_what_to_install_in_one_line(tmp_path: Path) -> None:
    copy, result = make_setup_on(tmp_path, DEBIAN_PYTHON3)

    assert result.returncode != 0
    package = f"python3.{sys.version_info.minor}-venv"
    assert own_lines(result.stderr) == [
        f"python3 -m venv is unavailable: install {package} (apt-get install {package}), then run make again"
    ], result.stderr
    assert "ensurepip" not in result.stdout + result.stderr  # Debian's page of advice never shows
    assert not (copy / ".tools").exists()
    assert not (copy / ".venv").exists()


def test_a_failed_tools_install_leaves_no_tools_folder_behind(tmp_path: Path) -> None:
    copy, result = make_setup_on(tmp_path, OFFLINE_PYTHON3)

    assert result.returncode != 0
    assert "No matching distribution found for uv" in result.stderr
    assert not (copy / ".tools").exists()  # the next run starts clean, not on half a venv
