"""POST /webhook as the barest bot would write it: the sender's address against an allow-list,
the body parsed as JSON, the passphrase compared. No logging, no metrics, no journal: what is
left is FastAPI's and uvicorn's own cost of a request, the floor tvbridge's refusals are set
against."""

from __future__ import annotations

import hmac
import json

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


def create_app(passphrase: str, allowed: frozenset[str]) -> FastAPI:
    expected = passphrase.encode()
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.post("/webhook")
    async def webhook(request: Request) -> JSONResponse:
        if allowed and (request.client is None or request.client.host not in allowed):
            return JSONResponse({"status": "refused", "reason": "address not allowed"}, status_code=403)
        try:
            body = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"status": "refused", "reason": "not JSON"}, status_code=400)
        given = body.get("passphrase") if isinstance(body, dict) else None
        if not isinstance(given, str) or not hmac.compare_digest(given.encode(), expected):
            return JSONResponse({"status": "refused", "reason": "wrong passphrase"}, status_code=401)
        return JSONResponse({"status": "accepted"}, status_code=202)

    return app
