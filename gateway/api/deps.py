"""FastAPI dependencies: the app's long-lived objects, typed for the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from gateway.config import GatewaySettings
from gateway.core.executor_client import ExecutorClient
from gateway.core.webhook import WebhookService
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


def _owner(request: Request) -> None:
    """Reading signals and trades needs a configured passphrase as a bearer token."""
    webhooks: WebhookService = request.app.state.webhooks
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not webhooks.owner(token.strip()):
        raise HTTPException(401, "send a configured passphrase as Authorization: Bearer <passphrase>")


def _settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


Journal = Annotated[AsyncJournal, Depends(_journal)]
Settings = Annotated[GatewaySettings, Depends(_settings)]
Owner = Depends(_owner)
Webhooks = Annotated[WebhookService, Depends(_webhooks)]
Executor = Annotated[ExecutorClient, Depends(_executor)]
