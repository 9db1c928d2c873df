"""Who may import what: the rules the architecture depends on, read from the source itself."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STDLIB = set(sys.stdlib_module_names)


def imports(folder: str) -> Iterator[tuple[str, str]]:
    """(file, top-level-qualified module) for every import under `folder`."""
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield str(path.relative_to(ROOT)), alias.name
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield str(path.relative_to(ROOT)), node.module


def test_common_knows_no_transport() -> None:
    for path, module in imports("common"):
        assert not module.startswith(("grpc", "google.protobuf", "tvbridge", "fastapi", "starlette")), (
            f"{path} imports {module}"
        )


def test_the_executor_core_depends_only_on_itself_common_and_the_standard_library() -> None:
    for path, module in imports("executor/core"):
        top = module.split(".")[0]
        allowed = top in STDLIB or module.startswith(("executor.core", "common"))
        assert allowed, f"{path} imports {module}"


@pytest.mark.parametrize("folder", ["executor/core", "executor/venues"])
def test_only_the_servicer_side_of_the_executor_knows_protobuf(folder: str) -> None:
    for path, module in imports(folder):
        assert not module.startswith(("grpc", "google.protobuf", "tvbridge")), f"{path} imports {module}"


def test_only_the_telegram_client_knows_http() -> None:
    """The commands take a chat's text to a reply with no HTTP in sight, so they are tested
    directly; the Bot API's JSON is wire.py's, its calls client.py's."""
    http = ("httpx", "requests", "urllib3", "fastapi", "starlette")
    seen = set()
    for path, module in imports("gateway/telegram"):
        if module.startswith(http):
            seen.add(path)
    assert seen == {"gateway/telegram/client.py"}
