"""How every venue endpoint is served: read what was sent, check the key and signature, run the
handler, and answer or refuse in the venue's own words.

The steps and their order are the same on every venue; what differs (the signature check, the
success envelope, the refusal's code and shape, headers on every answer) is the venue's Dialect.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from simulator import wire
from simulator.exchange import Exchange
from simulator.params import ParamTable, unknown
from simulator.records import Account, SimError
from simulator.venue import Clock

# A handler answers the venue's data (wrapped by the Dialect), or a whole Response for the rare
# endpoint that answers outside the venue's envelope.
Handler = Callable[[dict[str, str], Account | None], Awaitable[Any]]
RouteDecorator = Callable[[Handler], Handler]
Headers = dict[str, str]


class Refusal(Exception):
    """A venue's refusal: its code and words, and the HTTP status the answer travels with."""

    def __init__(self, code: int, msg: str, status: int) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.status = status


def no_headers(weight: int) -> Headers:
    return {}


@dataclass(frozen=True)
class Dialect:
    # The signed request's account, or a Refusal: (exchange, request, what was sent, server ms).
    authenticate: Callable[[Exchange, Request, wire.Sent, int], Account]
    # The exchange's refusal in the venue's code and words.
    refusal: Callable[[SimError], Refusal]
    answer: Callable[[Any, Headers], JSONResponse]
    refuse: Callable[[Refusal, Headers], JSONResponse]
    # The parameters each endpoint reads, and what the venue does with a request that carries
    # others or repeats one: raise a Refusal, or return to let the request through.
    params: ParamTable
    read_params: Callable[[wire.Sent, frozenset[str]], None]
    # What every answer to a request of this weight carries.
    headers: Callable[[int], Headers] = no_headers
    # The account an API key names, for endpoints keyed but not signed (the listen keys).
    identify: Callable[[Exchange, Request, wire.Sent, int], Account] | None = None


class Routes:
    """Registers venue endpoints on the router: `@route(method, path, ..., signed=...)` serves one
    handler under every path given (a venue often serves the same answer under two versions).
    `keyed=True` asks only for the API key, as a venue does for its listen keys. Every request's
    parameters the endpoint does not read are counted in `unknown_seen`, whether the venue
    refuses them or lets them pass."""

    def __init__(self, router: APIRouter, exchange: Exchange, clock: Clock, dialect: Dialect) -> None:
        self.router = router
        self.exchange = exchange
        self.clock = clock
        self.dialect = dialect
        self.unknown_seen: Counter[tuple[str, str, str]] = Counter()  # (method, path, name)

    def __call__(
        self, method: str, *paths: str, signed: bool, keyed: bool = False, weight: int = 1
    ) -> RouteDecorator:
        def register(fn: Handler) -> Handler:
            for path in paths:
                accepted = self.dialect.params.accepted(method, path, signed=signed)
                self.router.add_api_route(
                    path,
                    self._endpoint(fn, (method, path, accepted), signed, keyed, weight),
                    methods=[method],
                    include_in_schema=False,
                )
            return fn

        return register

    def _endpoint(
        self, fn: Handler, served: tuple[str, str, frozenset[str]], signed: bool, keyed: bool, weight: int
    ) -> Callable[[Request], Awaitable[Response]]:
        dialect = self.dialect
        method, path, accepted = served

        async def endpoint(request: Request) -> Response:
            headers = dialect.headers(weight)
            try:
                sent = await wire.read(request)
                account: Account | None = None
                if signed:
                    account = dialect.authenticate(self.exchange, request, sent, self.clock())
                elif keyed and dialect.identify is not None:
                    account = dialect.identify(self.exchange, request, sent, self.clock())
                for name in unknown(sent, accepted):
                    self.unknown_seen[(method, path, name)] += 1
                dialect.read_params(sent, accepted)
                answer = await fn(sent.params(), account)
                if isinstance(answer, Response):
                    answer.headers.update(headers)
                    return answer
                return dialect.answer(answer, headers)
            except Refusal as exc:
                return dialect.refuse(exc, headers)
            except SimError as exc:
                return dialect.refuse(dialect.refusal(exc), headers)

        return endpoint
