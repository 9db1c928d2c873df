"""FastAPI dependencies: the app's long-lived objects, typed for the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from gateway.config import GatewaySettings
from gateway.core.controls import Controls
from gateway.core.sessions import SESSION_COOKIE
from gateway.core.sessions import Sessions as SessionStore
from gateway.core.webhook import WebhookService
from gateway.executor.client import ExecutorClient
from gateway.journal.aio import AsyncJournal


def _webhooks(request: Request) -> WebhookService:
    service: WebhookService = request.app.state.webhooks
    return service


def _executor(request: Request) -> ExecutorClient:
    client: ExecutorClient = request.app.state.executor
    return client


def _journal(request: Request) -> AsyncJournal:
    journal: AsyncJournal = request.app.state.journal
    return journal


def _bearer_owner(request: Request) -> bool:
    webhooks: WebhookService = request.app.state.webhooks
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and webhooks.owner(token.strip())


def _owner(request: Request) -> str:
    """Reading needs the owner: a bearer passphrase, or a dashboard session. The actor's name."""
    if _bearer_owner(request):
        return "api"
    sessions: SessionStore = request.app.state.sessions
    if sessions.valid(request.cookies.get(SESSION_COOKIE)):
        return "dashboard"
    raise HTTPException(401, "log in, or send a configured passphrase as Authorization: Bearer <passphrase>")


def _state_change(request: Request) -> str:
    """Changing state also needs, with a session cookie, its CSRF token: a cookie alone is what
    another site's page could make a browser send. A bearer passphrase is never sent by itself."""
    actor = _owner(request)
    sessions: SessionStore = request.app.state.sessions
    token = request.headers.get("x-csrf-token")
    if actor == "dashboard" and not sessions.csrf_ok(request.cookies.get(SESSION_COOKIE), token):
        raise HTTPException(403, "missing or wrong X-CSRF-Token")
    return actor


def _sessions(request: Request) -> SessionStore:
    sessions: SessionStore = request.app.state.sessions
    return sessions


def _controls(request: Request) -> Controls:
    controls: Controls = request.app.state.controls
    return controls


def _settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


Journal = Annotated[AsyncJournal, Depends(_journal)]
OwnerActor = Depends(_owner)
StateChange = Annotated[str, Depends(_state_change)]
Sessions = Annotated[SessionStore, Depends(_sessions)]
TheControls = Annotated[Controls, Depends(_controls)]
Settings = Annotated[GatewaySettings, Depends(_settings)]
Webhooks = Annotated[WebhookService, Depends(_webhooks)]
Executor = Annotated[ExecutorClient, Depends(_executor)]
