"""Reading what a client sent: pairs in order, kept raw and decoded, JSON bodies ignored."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from simulator import wire


def _sent(method: str, url: str, body: str = "") -> wire.Sent:
    seen: list[wire.Sent] = []
    app = FastAPI()

    @app.api_route("/p", methods=["GET", "POST"])
    async def read(request: Request) -> None:
        seen.append(await wire.read(request))

    TestClient(app).request(method, url, content=body)
    return seen[0]


def test_pairs_keep_order_raw_text_and_decoded_values() -> None:
    sent = _sent("POST", "/p?b=%7B%22x%22%3A1%7D&a=1+2", "c=3&signature=ff")
    assert [(p.raw, p.key, p.value) for p in sent.query] == [
        ("b=%7B%22x%22%3A1%7D", "b", '{"x":1}'),
        ("a=1+2", "a", "1 2"),
    ]
    assert [p.key for p in sent.body] == ["c", "signature"]


def test_params_drop_the_signature_and_let_the_query_win() -> None:
    sent = _sent("POST", "/p?a=query&signature=1", "a=body&b=2")
    assert sent.params() == {"a": "query", "b": "2"}


def test_a_json_body_and_a_get_body_are_not_parameters() -> None:
    assert _sent("POST", "/p?a=1", ' {"b": 2}').body == []
    assert _sent("GET", "/p?a=1", "b=2").body == []


def test_signature_is_hex_hmac_sha256_in_either_case() -> None:
    digest = wire.hmac_hex("secret", "a=1")
    assert wire.signature_matches("secret", "a=1", digest.upper())
    assert not wire.signature_matches("other", "a=1", digest)
