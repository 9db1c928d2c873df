"""FastAPI dependencies: the objects gateway/wiring.py built, typed for the routes, and who
is asking. The only reader of app.state.

Each is `async def` though none waits on anything: FastAPI runs a plain `def` dependency on a
worker thread, a hop per dependency per request that cost more than the work itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Request

from gateway.config import GatewaySettings
from gateway.core.controls import Controls
from gateway.core.overview import Overview
from gateway.core.risk_pauses import RiskPauses
from gateway.core.sessions import SESSION_COOKIE, Sessions
from gateway.core.webhook import WebhookService
from gateway.executor.client import ExecutorClient
from gateway.journal.aio import AsyncJournal
from gateway.journal.ledger_aio import AsyncLedger
from gateway.wiring import Services

T = TypeVar("T")


async def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(_services)]


def _part(pick: Callable[[Services], T]) -> Any:
    """A dependency on one of the services."""

    async def part(services: ServicesDep) -> T:
        return pick(services)

    return Depends(part)


SettingsDep = Annotated[GatewaySettings, _part(lambda s: s.settings)]
JournalDep = Annotated[AsyncJournal, _part(lambda s: s.journal)]
LedgerDep = Annotated[AsyncLedger, _part(lambda s: s.ledger)]
WebhooksDep = Annotated[WebhookService, _part(lambda s: s.webhooks)]
ExecutorDep = Annotated[ExecutorClient, _part(lambda s: s.executor)]
SessionsDep = Annotated[Sessions, _part(lambda s: s.sessions)]
ControlsDep = Annotated[Controls, _part(lambda s: s.controls)]
OverviewDep = Annotated[Overview, _part(lambda s: s.overview)]
RiskPausesDep = Annotated[RiskPauses, _part(lambda s: s.risk_pauses)]


async def _client_ip(request: Request) -> str:
    client: str = request.state.client_ip  # the edge decided whose address to believe
    return client


ClientIpDep = Annotated[str, Depends(_client_ip)]


async def owner(request: Request, webhooks: WebhooksDep, sessions: SessionsDep) -> str:
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


async def _state_change(request: Request, actor: OwnerDep, sessions: SessionsDep) -> str:
    """Changing state also needs, with a session cookie, its CSRF token: a cookie alone is what
    another site's page could make a browser send. A bearer passphrase is never sent by itself."""
    token = request.headers.get("x-csrf-token")
    if actor == "dashboard" and not sessions.csrf_ok(request.cookies.get(SESSION_COOKIE), token):
        raise HTTPException(403, "missing or wrong X-CSRF-Token")
    return actor


StateChangeDep = Annotated[str, Depends(_state_change)]
