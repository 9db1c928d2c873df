"""How every venue endpoint is served: read what was sent, check the key and signature, run the
handler, and answer or refuse in the venue's own words.

The steps and their order are the same on every venue; what differs (the signature check, the
success envelope, the refusal's code and shape, headers on every answer) is the venue's Dialect.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from simulator import wire
from simulator.records import Account, SimError

Handler = Callable[[dict[str, str], Account | None], Awaitable[Any]]
RouteDecorator = Callable[[Handler], Handler]


class Refusal(Exception):
    """A venue's refusal: its code and words, and the HTTP status the answer travels with."""

    def __init__(self, code: int, msg: str, status: int) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.status = status


class Dialect(Protocol):
    def headers(self, weight: int) -> dict[str, str]:
        """What every answer to a request of this weight carries."""
        ...

    def authenticate(self, request: Request, sent: wire.Sent) -> Account: ...

    def refusal(self, error: SimError) -> Refusal:
        """The exchange's refusal in the venue's code and words."""
        ...

    def answer(self, data: Any, headers: dict[str, str]) -> JSONResponse: ...

    def refuse(self, refusal: Refusal, headers: dict[str, str]) -> JSONResponse: ...


class Routes:
    """Registers one venue endpoint on the router: `@route(method, path, signed=...)`."""

    def __init__(self, router: APIRouter, dialect: Dialect) -> None:
        self.router = router
        self.dialect = dialect

    def __call__(self, method: str, path: str, *, signed: bool, weight: int = 1) -> RouteDecorator:
        dialect = self.dialect

        def register(fn: Handler) -> Handler:
            async def endpoint(request: Request) -> JSONResponse:
                headers = dialect.headers(weight)
                try:
                    sent = await wire.read(request)
                    account = dialect.authenticate(request, sent) if signed else None
                    return dialect.answer(await fn(sent.params(), account), headers)
                except Refusal as exc:
                    return dialect.refuse(exc, headers)
                except SimError as exc:
                    return dialect.refuse(dialect.refusal(exc), headers)

            self.router.add_api_route(path, endpoint, methods=[method], include_in_schema=False)
            return fn

        return register
