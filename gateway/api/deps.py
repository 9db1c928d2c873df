"""FastAPI dependencies: the app's long-lived objects, typed for the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gateway.core.executor_client import ExecutorClient
from gateway.core.webhook import WebhookService


def _webhooks(request: Request) -> WebhookService:
    service: WebhookService = request.app.state.webhooks
    return service


def _executor(request: Request) -> ExecutorClient:
    client: ExecutorClient = request.app.state.executor
    return client


Webhooks = Annotated[WebhookService, Depends(_webhooks)]
Executor = Annotated[ExecutorClient, Depends(_executor)]
