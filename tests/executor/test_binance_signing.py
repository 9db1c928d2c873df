"""Binance signing against the vectors published by the venue that verify.

Vectors BN-1..BN-6 of docs/venues/binance.md section 3.1 (recomputed there with HMAC-SHA256):
key pair A from the spot API docs and binance-signature-examples, key pair B from the current
USDⓈ-M futures "General Info" page. The two published futures values that do not verify
(section 3.2) are deliberately absent.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from executor.venues.binance import signing

SECRET_A = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
SECRET_B = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"

SPOT_ORDER: dict[str, signing.Param] = {
    "symbol": "LTCBTC",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "quantity": 1,
    "price": Decimal("0.1"),
    "recvWindow": 5000,
    "timestamp": 1499827319559,
}
FULLWIDTH_123456 = "\uff11\uff12\uff13\uff14\uff15\uff16"
FUTURES_ORDER: dict[str, signing.Param] = {
    "symbol": "BTCUSDT",
    "side": "BUY",
    "type": "LIMIT",
    "quantity": 1,
    "price": 9000,
    "timeInForce": "GTC",
    "recvWindow": 5000,
    "timestamp": 1591702613943,
}


@pytest.mark.parametrize(
    ("vector", "secret", "message", "expected"),
    [
        (
            "BN-1",
            SECRET_A,
            "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000"
            "&timestamp=1499827319559",
            "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71",
        ),
        (
            "BN-2",
            SECRET_A,
            "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT"
            "&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559",
            "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3",
        ),
        (
            "BN-3",
            SECRET_A,
            "timestamp=1578963600000",
            "d84e6641b1e328e7b418fff030caed655c266299c9355e36ce801ed14631eed4",
        ),
        (
            "BN-5",
            SECRET_B,
            "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000"
            "&timestamp=1591702613943",
            "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9",
        ),
    ],
)
def test_published_vector(vector: str, secret: str, message: str, expected: str) -> None:
    assert signing.signature(secret, message) == expected, vector


def test_bn1_our_encoding_is_the_documented_message() -> None:
    assert signing.signed_query(SECRET_A, SPOT_ORDER) == (
        "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000"
        "&timestamp=1499827319559&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    )


def test_bn2_non_ascii_is_percent_encoded_before_signing() -> None:
    query = signing.signed_query(SECRET_A, {**SPOT_ORDER, "symbol": FULLWIDTH_123456})
    assert query.startswith("symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY")
    assert query.endswith("&signature=e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3")


def test_bn5_futures_example_sent_in_the_order_given() -> None:
    # No sorting: the parameters are signed in the order they go on the wire.
    assert signing.signed_query(SECRET_B, FUTURES_ORDER).endswith(
        "&timestamp=1591702613943&signature=3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9"
    )


def test_bn4_mixed_query_and_body_join_without_separator() -> None:
    message = signing.total_params(
        "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC",
        "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559",
    )
    assert "timeInForce=GTCquantity=1" in message
    assert signing.signature(SECRET_A, message) == (
        "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77"
    )


def test_bn6_mixed_example_as_printed_with_its_stray_space() -> None:
    message = signing.total_params(
        "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC",
        "quantity=1&price=9000&recvWindow=5000&timestamp= 1591702613943",
    )
    assert signing.signature(SECRET_B, message) == (
        "f9d0ae5e813ef6ccf15c2b5a434047a0181cb5a342b903b367ca6d27a66e36f2"
    )


def test_values_render_in_plain_notation() -> None:
    assert signing.render(Decimal("1E-7")) == "0.0000001"
    assert signing.render(Decimal("2E+1")) == "20"
    assert signing.render(Decimal("0.0100")) == "0.01"
    assert signing.render(True) == "true"
    assert signing.encode({"newClientOrderId": "a:b/c d"}) == "newClientOrderId=a%3Ab%2Fc+d"
