"""The dashboard owner's session, for tests that drive the gateway in process."""

from __future__ import annotations

from fastapi.testclient import TestClient


def log_in(client: TestClient, password: str) -> str:
    """Log in; the client keeps the session cookie. Returns the CSRF token state changes need."""
    resp = client.post("/login", json={"password": password})
    assert resp.status_code == 200, resp.text
    token: str = resp.json()["csrf_token"]
    return token
