"""FastAPI dependencies: the objects gateway/wiring.py built, typed for the routes, and who
is asking. The only reader of app.state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from gateway.config import GatewaySettings
from gateway.core.controls import Controls
from gateway.core.overview import Overview
from gateway.core.sessions import SESSION_COOKIE, Sessions
from gateway.core.webhook import WebhookService
from gateway.executor.client import ExecutorClient
from gateway.journal.aio import AsyncJournal
from gateway.wiring import Services


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(_services)]


def _settings(services: ServicesDep) -> GatewaySettings:
    return services.settings


def _journal(services: ServicesDep) -> AsyncJournal:
    return services.journal


def _webhooks(services: ServicesDep) -> WebhookService:
    return services.webhooks


def _executor(services: ServicesDep) -> ExecutorClient:
    return services.executor


def _sessions(services: ServicesDep) -> Sessions:
    return services.sessions


def _controls(services: ServicesDep) -> Controls:
    return services.controls


def _overview(services: ServicesDep) -> Overview:
    return services.overview


SettingsDep = Annotated[GatewaySettings, Depends(_settings)]
JournalDep = Annotated[AsyncJournal, Depends(_journal)]
WebhooksDep = Annotated[WebhookService, Depends(_webhooks)]
ExecutorDep = Annotated[ExecutorClient, Depends(_executor)]
SessionsDep = Annotated[Sessions, Depends(_sessions)]
ControlsDep = Annotated[Controls, Depends(_controls)]
OverviewDep = Annotated[Overview, Depends(_overview)]


def _client_ip(request: Request) -> str:
    client: str = request.state.client_ip  # the edge decided whose address to believe
    return client


ClientIpDep = Annotated[str, Depends(_client_ip)]


def owner(request: Request, webhooks: WebhooksDep, sessions: SessionsDep) -> str:
    """Reading needs the owner: a bearer passphrase, or a dashboard session. The actor's name."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and webhooks.owner(token.strip()):
        return "api"
    if sessions.valid(request.cookies.get(SESSION_COOKIE)):
        return "dashboard"
    raise HTTPException(401, "log in, or send a configured passphrase as Authorization: Bearer <passphrase>")


OwnerDep = Annotated[str, Depends(owner)]
# For routes that only need the owner to be there.
OWNER_ONLY = Depends(owner)


def _state_change(request: Request, actor: OwnerDep, sessions: SessionsDep) -> str:
    """Changing state also needs, with a session cookie, its CSRF token: a cookie alone is what
    another site's page could make a browser send. A bearer passphrase is never sent by itself."""
    token = request.headers.get("x-csrf-token")
    if actor == "dashboard" and not sessions.csrf_ok(request.cookies.get(SESSION_COOKIE), token):
        raise HTTPException(403, "missing or wrong X-CSRF-Token")
    return actor


StateChangeDep = Annotated[str, Depends(_state_change)]
