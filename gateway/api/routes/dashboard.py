"""The owner's dashboard: pages behind the session login, and the JSON they read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from gateway.api.deps import (
    OWNER_ONLY,
    ClientIpDep,
    JournalDep,
    OverviewDep,
    SessionsDep,
    SettingsDep,
    StateChangeDep,
)
from gateway.api.errors import status_of
from gateway.core.overview import TestSignalForm
from gateway.core.sessions import SESSION_COOKIE, Sessions
from gateway.core.signal import Venue
from gateway.dashboard.pages import SECURITY_HEADERS, render

router = APIRouter()


class TestSignal(BaseModel):
    action: str = Field(max_length=16)
    symbol: str = Field(max_length=32)
    size_kind: Literal["", "quantity", "balance", "balance_pct", "position_pct"] = ""
    size: str = Field(default="", max_length=32)
    exchange: Literal["", "bingx", "binance"] = ""
    account: str = Field(default="", max_length=64)
    strategy: str = Field(default="", max_length=128)
    test: bool = True


def _page(page: str, state: str = "") -> HTMLResponse:
    return HTMLResponse(render(page, state), headers=SECURITY_HEADERS)


def _owner_page(request: Request, sessions: Sessions, page: str) -> Response:
    if not sessions.valid(request.cookies.get(SESSION_COOKIE)):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)
    return _page(page)


@router.get("/", include_in_schema=False)
async def root() -> RedirectResponse:
    return RedirectResponse("/dashboard", status_code=303)


@router.get("/login", include_in_schema=False)
async def login_page(request: Request, sessions: SessionsDep, settings: SettingsDep) -> Response:
    if sessions.valid(request.cookies.get(SESSION_COOKIE)):
        return RedirectResponse("/dashboard", status_code=303)
    return _page("login", "" if settings.dashboard_password is not None else "off")


# Each page is the same shell; its script reads the path (a signal's id) and asks the API.
OWNER_PAGES = {
    "/dashboard": "status",
    "/dashboard/signals": "signals",
    "/dashboard/signals/{signal_id}": "signal",
    "/dashboard/positions": "positions",
    "/dashboard/fills": "fills",
    "/dashboard/analytics": "analytics",
    "/dashboard/account": "account",
    "/dashboard/test": "test",
}


def _serve(page: str) -> Callable[..., Awaitable[Response]]:
    async def serve(request: Request, sessions: SessionsDep) -> Response:
        return _owner_page(request, sessions, page)

    return serve


for _path, _page_name in OWNER_PAGES.items():
    router.add_api_route(_path, _serve(_page_name), methods=["GET"], include_in_schema=False)


@router.get("/api/status", summary="Gateway, executor, venues, switch, backlog", dependencies=[OWNER_ONLY])
async def status(overview: OverviewDep, refresh: bool = False) -> dict[str, Any]:
    return await overview.status(refresh)


@router.get("/api/signals", summary="Signals, newest first", dependencies=[OWNER_ONLY])
async def signals(
    overview: OverviewDep,
    status: Annotated[str, Query(max_length=16)] = "",
    symbol: Annotated[str, Query(max_length=64)] = "",
    venue: Annotated[str, Query(max_length=16)] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[int | None, Query(ge=0)] = None,
) -> dict[str, Any]:
    rows = await overview.signals(status=status, symbol=symbol, venue=venue, limit=limit, before=before)
    return {"signals": rows}


@router.get(
    "/api/accounts", summary="Balances and positions per venue and account", dependencies=[OWNER_ONLY]
)
async def accounts(overview: OverviewDep) -> dict[str, Any]:
    return {"accounts": await overview.accounts()}


@router.get("/api/audit", summary="The owner's controls, newest first", dependencies=[OWNER_ONLY])
async def audit(journal: JournalDep, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    return {"entries": await journal.audit_trail(limit)}


@router.post("/api/test-signal", summary="Send an alert message built by the form through the webhook")
async def test_signal(
    body: TestSignal,
    overview: OverviewDep,
    journal: JournalDep,
    actor: StateChangeDep,
    client_ip: ClientIpDep,
) -> JSONResponse:
    fields = body.model_dump(exclude={"exchange"})
    form = TestSignalForm(**fields, venue=Venue(body.exchange) if body.exchange else None)
    message, reply = await overview.send_test(form, client_ip=client_ip)
    if not form.test:
        await journal.audit(actor, "real_signal_from_dashboard", f"{message['action']} {message['symbol']}")
    return JSONResponse({"message": message, "outcome": reply.body}, status_code=status_of(reply))
