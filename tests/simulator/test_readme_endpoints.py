"""simulator/README.md lists every endpoint the simulator serves, and nothing it does not.

A README row names its methods in the first cell (`GET, POST`; `WS` for a websocket) and its
paths, each in backticks, in the second; the paths are the app's own templates
(`/ws/{listen_key}`), anything from a `?` on is left out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts
from starlette.routing import WebSocketRoute

from simulator.app import build
from simulator.config import SimulatorSettings

README = Path(__file__).resolve().parents[2] / "simulator" / "README.md"
METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "WS"})
Endpoint = tuple[str, str]


@pytest.fixture(scope="module")
def served() -> set[Endpoint]:
    app = build(SimulatorSettings(_env_file=None)).app  # type: ignore[call-arg]
    endpoints: set[Endpoint] = set()
    for route in iter_route_contexts(app.routes):
        path = route.path
        assert path is not None, f"a route with no path: {route.original_route!r}"
        if isinstance(route.original_route, WebSocketRoute):
            endpoints.add(("WS", path))
        else:
            endpoints |= {(method, path) for method in route.methods or () if method != "HEAD"}
    return endpoints


def listed() -> set[Endpoint]:
    endpoints: set[Endpoint] = set()
    for line in README.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        methods = {word.strip() for word in cells[0].split(",")}
        if len(cells) < 2 or not methods <= METHODS:
            continue
        paths = [found.split("?")[0] for found in re.findall(r"`(/[^`]*)`", cells[1])]
        endpoints |= {(method, path) for method in methods for path in paths}
    return endpoints


def _named(endpoints: set[Endpoint]) -> str:
    return ", ".join(f"{method} {path}" for method, path in sorted(endpoints, key=lambda e: (e[1], e[0])))


def test_the_readme_lists_every_endpoint_served(served: set[Endpoint]) -> None:
    missing = served - listed()
    assert not missing, f"simulator/README.md does not list these served endpoints: {_named(missing)}"


def test_the_readme_lists_no_endpoint_that_is_not_served(served: set[Endpoint]) -> None:
    stale = listed() - served
    assert not stale, f"simulator/README.md lists endpoints the simulator does not serve: {_named(stale)}"


def test_the_readme_rows_are_read_as_the_app_registers_routes() -> None:
    # The reader itself: a websocket row, a row of two methods and two paths, a query cut off.
    found = listed()
    assert {("WS", "/private/ws"), ("WS", "/ws/{listen_key}")} <= found
    assert {("GET", "/fapi/v1/order"), ("DELETE", "/fapi/v1/order")} <= found
    assert {("POST", "/fapi/v1/order/test"), ("GET", "/_sim/unknown_params")} <= found
