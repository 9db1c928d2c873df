"""The registrar every venue serves its endpoints through, with a made-up venue's dialect."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from simulator import wire
from simulator.exchange import Exchange
from simulator.records import Account, Reject, SimError
from simulator.routes import Dialect, Refusal, Routes

KEY = "k-1"


def _authenticate(exchange: Exchange, request: Request, sent: wire.Sent, now_ms: int) -> Account:
    account = exchange.accounts.get(request.headers.get("X-KEY", ""))
    if account is None:
        raise Refusal(7, f"no such key at {now_ms}", 401)
    return account


def _client() -> TestClient:
    exchange = Exchange("made-up")
    exchange.add_account(KEY, "secret", Decimal(100))
    dialect = Dialect(
        authenticate=_authenticate,
        refusal=lambda error: Refusal(9, f"exchange said {error.reason}", 418),
        answer=lambda data, headers: JSONResponse({"ok": data}, headers=headers),
        refuse=lambda refusal, headers: JSONResponse(
            {"code": refusal.code, "msg": refusal.msg}, refusal.status, headers=headers
        ),
        headers=lambda weight: {"X-Weight": str(weight)},
    )
    router = APIRouter()
    route = Routes(router, exchange, lambda: 1234, dialect)

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
    return TestClient(app)


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
    )
    assert dialect.headers(5) == {}
