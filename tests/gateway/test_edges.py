"""Each edge of the gateway holds its own table: every error class has an HTTP status, and
only gateway/executor/ knows the executor's wire format, only gateway/api/ knows HTTP."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from common.errors import RETRYABLE, ErrorClass
from gateway.api.errors import HTTP_STATUS, response
from gateway.core.reply import Reply, error_reply

GATEWAY = Path(__file__).resolve().parents[2] / "gateway"


def test_every_error_class_has_its_http_status() -> None:
    """A class added to the taxonomy fails here until it is given a status, never a silent 500."""
    assert set(HTTP_STATUS) == set(ErrorClass)
    assert all(400 <= status < 600 for status in HTTP_STATUS.values())


def test_only_passing_conditions_ask_tradingview_to_send_again() -> None:
    """TradingView resends on a 5xx: a retryable class says 503 or 429, a refusal a 4xx (but for
    the venue refusing our keys, and our own fault, which no resend mends but must not pass as
    the sender's)."""
    for error_class, status in HTTP_STATUS.items():
        if error_class in RETRYABLE:
            assert status in (429, 503), error_class
        elif error_class not in (ErrorClass.AUTH, ErrorClass.INTERNAL):
            assert 400 <= status < 500, error_class


@pytest.mark.parametrize("error_class", list(ErrorClass))
def test_a_refusal_answers_with_its_class_status_and_body(error_class: ErrorClass) -> None:
    answer = response(error_reply(error_class, "why", field="ticker"))
    assert answer.status_code == HTTP_STATUS[error_class]
    assert answer.body == (
        b'{"error":{"code":"' + error_class.value.encode() + b'","message":"why","field":"ticker"}}'
    )


def test_decided_and_pending_answers() -> None:
    assert response(Reply({"status": "executed"})).status_code == 200
    assert response(Reply({"status": "pending"}, pending=True)).status_code == 202


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
    return names


@pytest.mark.parametrize(
    ("where", "forbidden", "except_under"),
    [
        (GATEWAY, ("grpc", "google.protobuf", "tvbridge"), GATEWAY / "executor"),
        (GATEWAY / "core", ("fastapi", "starlette"), None),
        (GATEWAY / "journal", ("fastapi", "starlette"), None),
    ],
)
def test_each_transport_is_known_at_its_edge_only(
    where: Path, forbidden: tuple[str, ...], except_under: Path | None
) -> None:
    edge = [p for p in GATEWAY.rglob("*.py") if any(n.startswith(forbidden) for n in _imports(p))]
    assert edge, "the scan finds the edge that does know it"
    for path in where.rglob("*.py"):
        if except_under is not None and except_under in path.parents:
            continue
        wrong = {name for name in _imports(path) if name.startswith(forbidden)}
        assert not wrong, f"{path.relative_to(GATEWAY.parent)} imports {', '.join(sorted(wrong))}"
