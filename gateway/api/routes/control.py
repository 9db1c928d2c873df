"""Owner login and controls. State changes need a session plus its CSRF token, or a bearer passphrase."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from common.errors import ErrorClass, TvbridgeError
from gateway.api.deps import (
    OWNER_ONLY,
    ClientIpDep,
    ControlsDep,
    JournalDep,
    RiskPausesDep,
    SessionsDep,
    SettingsDep,
    StateChangeDep,
    WebhooksDep,
)
from gateway.api.errors import refusal
from gateway.core.sessions import CSRF_COOKIE, SESSION_COOKIE
from gateway.core.signal import Venue

router = APIRouter()


class Login(BaseModel):
    password: str = Field(max_length=256)


class TradingSwitch(BaseModel):
    enabled: bool
    reason: str = Field(default="", max_length=500)


class PauseScope(BaseModel):
    venue: Literal["bingx", "binance"]
    account: str = Field(default="default", min_length=1, max_length=64)
    strategy: str = Field(default="", max_length=64)  # empty: the whole account


class Flatten(BaseModel):
    venue: Literal["", "bingx", "binance"] = ""  # empty: every configured venue
    account: str = Field(default="", max_length=64)  # empty: every account


@router.post("/login", summary="Owner login: a session cookie and its CSRF token")
async def login(
    body: Login,
    sessions: SessionsDep,
    settings: SettingsDep,
    webhooks: WebhooksDep,
    journal: JournalDep,
    client_ip: ClientIpDep,
) -> Response:
    owner_password = settings.dashboard_password
    if owner_password is None or not webhooks.password_ok(body.password, owner_password.get_secret_value()):
        return refusal(ErrorClass.UNAUTHORIZED, "password missing or wrong")
    cookie = sessions.issue()
    csrf = sessions.csrf_token(cookie)
    response = JSONResponse({"csrf_token": csrf})
    common = {
        "max_age": int(sessions.ttl_s),
        "secure": settings.cookie_secure,
        "samesite": "strict",
        "path": "/",
    }
    response.set_cookie(SESSION_COOKIE, cookie, httponly=True, **common)  # type: ignore[arg-type]
    # Readable by our own page, which echoes it in X-CSRF-Token; useless to any other site.
    response.set_cookie(CSRF_COOKIE, csrf, httponly=False, **common)  # type: ignore[arg-type]
    await journal.audit("owner", "login", f"from {client_ip}")
    return response


@router.post("/logout", summary="End the session")
async def logout() -> Response:
    response = JSONResponse({"status": "logged out"})
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/api/trading", summary="The trading switch", dependencies=[OWNER_ONLY])
async def trading(controls: ControlsDep) -> dict[str, object]:
    return await controls.trading()


@router.post("/api/trading", summary="Switch trading on or off (audited)")
async def set_trading(body: TradingSwitch, controls: ControlsDep, actor: StateChangeDep) -> dict[str, object]:
    return await controls.set_trading(body.enabled, actor, body.reason)


@router.post("/api/flatten", summary="Switch trading off, cancel our orders, close every position (audited)")
async def flatten(body: Flatten, controls: ControlsDep, actor: StateChangeDep) -> Response:
    venue = Venue(body.venue) if body.venue else None
    try:
        report = await controls.flatten(venue, body.account.strip(), actor)
    except TvbridgeError as exc:
        return refusal(exc.error_class, exc.message)
    return JSONResponse(report)


@router.get(
    "/api/risk",
    summary="Risk pauses in force, as journalled and as the executor holds them",
    dependencies=[OWNER_ONLY],
)
async def risk(pauses: RiskPausesDep) -> dict[str, object]:
    return await pauses.status()


@router.post(
    "/api/risk/pause",
    summary="Pause entries on an account or strategy until resumed (audited); closes still pass",
)
async def pause(body: PauseScope, pauses: RiskPausesDep, actor: StateChangeDep) -> dict[str, object]:
    return await pauses.pause(body.venue, body.account.strip(), body.strategy.strip(), actor)


@router.post("/api/risk/resume", summary="Lift the risk pauses of an account or strategy (audited)")
async def resume(body: PauseScope, pauses: RiskPausesDep, actor: StateChangeDep) -> dict[str, object]:
    return await pauses.resume(body.venue, body.account.strip(), body.strategy.strip(), actor)
