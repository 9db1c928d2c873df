"""The registrar every venue serves its endpoints through, with a made-up venue's dialect."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from simulator import wire
from simulator.exchange import Exchange
from simulator.params import ParamTable
from simulator.records import Account, Reject, SimError
from simulator.routes import Dialect, Refusal, Routes

KEY = "k-1"
TABLE = ParamTable(
    endpoints={
        ("GET", "/v1/echo"): frozenset({"a"}),
        ("GET", "/v2/echo"): frozenset({"a"}),
        ("POST", "/private"): frozenset({"fail"}),
    },
    common=frozenset({"signature"}),
    signed=frozenset(),
)


def _read(sent: wire.Sent, accepted: frozenset[str]) -> None:
    if any(p.key == "refuse-me" for p in sent.query):
        raise Refusal(11, "unread parameter", 400)


def _authenticate(exchange: Exchange, request: Request, sent: wire.Sent, now_ms: int) -> Account:
    account = exchange.accounts.get(request.headers.get("X-KEY", ""))
    if account is None:
        raise Refusal(7, f"no such key at {now_ms}", 401)
    return account


def _dialect() -> Dialect:
    return Dialect(
        authenticate=_authenticate,
        refusal=lambda error: Refusal(9, f"exchange said {error.reason}", 418),
        answer=lambda data, headers: JSONResponse({"ok": data}, headers=headers),
        refuse=lambda refusal, headers: JSONResponse(
            {"code": refusal.code, "msg": refusal.msg}, refusal.status, headers=headers
        ),
        params=TABLE,
        read_params=_read,
        headers=lambda weight: {"X-Weight": str(weight)},
    )


def _served() -> tuple[TestClient, Routes]:
    exchange = Exchange("made-up")
    exchange.add_account(KEY, "secret", Decimal(100))
    router = APIRouter()
    route = Routes(router, exchange, lambda: 1234, _dialect())

    @route("GET", "/v1/echo", "/v2/echo", signed=False, weight=3)
    async def echo(params: dict[str, str], account: Account | None) -> Any:
        return {"params": params, "account": account}

    @route("POST", "/private", signed=True)
    async def private(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        if params.get("fail") == "exchange":
            raise SimError(Reject.UNKNOWN_ORDER, "gone")
        return account.api_key

    app = FastAPI()
    app.include_router(router)
    return TestClient(app), route


def _client() -> TestClient:
    return _served()[0]


def test_one_handler_serves_every_path_given_with_params_merged_query_first() -> None:
    client = _client()
    for path in ("/v1/echo", "/v2/echo"):
        resp = client.get(f"{path}?a=query&signature=x")
        assert resp.json() == {"ok": {"params": {"a": "query"}, "account": None}}
        assert resp.headers["X-Weight"] == "3"


def test_a_signed_endpoint_answers_with_the_account_the_dialect_names() -> None:
    resp = _client().post("/private", headers={"X-KEY": KEY})
    assert (resp.status_code, resp.json(), resp.headers["X-Weight"]) == (200, {"ok": KEY}, "1")


def test_the_dialects_refusal_and_the_exchanges_refusal_are_both_worded_by_the_dialect() -> None:
    client = _client()
    refused = client.post("/private")
    assert (refused.status_code, refused.json()) == (401, {"code": 7, "msg": "no such key at 1234"})
    translated = client.post("/private?fail=exchange", headers={"X-KEY": KEY})
    assert (translated.status_code, translated.json()) == (
        418,
        {"code": 9, "msg": "exchange said unknown_order"},
    )
    assert translated.headers["X-Weight"] == "1"


def test_a_dialect_adds_no_headers_unless_it_says_so() -> None:
    dialect = Dialect(
        authenticate=_authenticate,
        refusal=lambda error: Refusal(0, "", 400),
        answer=lambda data, headers: JSONResponse(data),
        refuse=lambda refusal, headers: JSONResponse(None),
        params=TABLE,
        read_params=_read,
    )
    assert dialect.headers(5) == {}


def test_an_endpoint_missing_from_its_venues_parameter_table_is_not_served() -> None:
    route = Routes(APIRouter(), Exchange("made-up"), lambda: 1234, _dialect())

    async def handler(params: dict[str, str], account: Account | None) -> Any:
        return None

    with pytest.raises(LookupError, match="GET /v3/echo"):
        route("GET", "/v3/echo", signed=False)(handler)


def test_parameters_an_endpoint_does_not_read_are_counted_and_the_dialect_answers_them() -> None:
    client, route = _served()
    passed = client.get("/v1/echo?a=1&b=2&b=3&signature=x")
    assert passed.json() == {"ok": {"params": {"a": "1", "b": "3"}, "account": None}}
    refused = client.get("/v2/echo?refuse-me=1")
    assert (refused.status_code, refused.json()) == (400, {"code": 11, "msg": "unread parameter"})
    assert route.unknown_seen == {("GET", "/v1/echo", "b"): 1, ("GET", "/v2/echo", "refuse-me"): 1}
    # A request its key refuses reads nothing, so counts nothing.
    client.post("/private?junk=1")
    assert ("POST", "/private", "junk") not in route.unknown_seen
