"""Owner sessions: a signed, expiring cookie, and a CSRF token bound to it.

The session cookie is HttpOnly and SameSite=Strict; every state-changing request made with it
must also send the session's CSRF token in a header, which another site's page can neither
read nor forge. Sessions are signed, not stored: a restart with a new SESSION_SECRET ends them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SESSION_COOKIE = "tvb_session"
CSRF_COOKIE = "tvb_csrf"


class Sessions:
    def __init__(self, secret: bytes, ttl_s: float) -> None:
        self._secret = secret
        self.ttl_s = ttl_s

    def _sign(self, text: str) -> str:
        return hmac.new(self._secret, text.encode(), hashlib.sha256).hexdigest()

    def issue(self) -> str:
        expires = int(time.time() + self.ttl_s)
        body = f"{expires}.{secrets.token_hex(16)}"
        return f"{body}.{self._sign(body)}"

    def valid(self, cookie: str | None) -> bool:
        if not cookie or cookie.count(".") != 2:
            return False
        body, _, signature = cookie.rpartition(".")
        if not hmac.compare_digest(signature, self._sign(body)):
            return False
        expires = body.split(".", 1)[0]
        return expires.isdigit() and int(expires) > time.time()

    def csrf_token(self, cookie: str) -> str:
        return self._sign(f"csrf:{cookie}")

    def csrf_ok(self, cookie: str | None, token: str | None) -> bool:
        if not cookie or not token or not self.valid(cookie):
            return False
        return hmac.compare_digest(token, self.csrf_token(cookie))
