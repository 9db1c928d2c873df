"""BingX signing against the vectors published in the venue's own documentation.

Key pair and vectors: BingX-API/BingX-swap-api-v2-doc (2023), "Signature"
section; re-computed and recorded in docs/venues/bingx.md section 3.
"""

from __future__ import annotations

from decimal import Decimal

from executor.venues.bingx import signing

DOC_SECRET = "mheO6dR8ovSsxZQCOYEFCtelpuxcWGTfHw7te326y6jOwq5WpvFQ9JNljoTwBXZGv5It07m9RXSPpDQEK2w"


def test_published_query_vector() -> None:
    signed = "symbol=BTC-USDT&timestamp=1667872120843&side=LONG&leverage=6"
    assert signing.signature(DOC_SECRET, signed) == (
        "4f581ecdb1fa09b9d6e57886b6f70cffed17f82b93399722939e49a38edec2bf"
    )


def test_published_mixed_query_and_body_vector() -> None:
    # query "symbol=BTC-USDT&timestamp=1668159715051" + body "side=LONG&leverage=6", joined with no "&"
    signed = "symbol=BTC-USDT&timestamp=1668159715051side=LONG&leverage=6"
    assert signing.signature(DOC_SECRET, signed) == (
        "8b756b01e7a30f02e19c58a91ab01b29528694316b08a51ecb8dd072942bd47d"
    )


def test_our_payload_is_key_sorted_and_sent_in_the_same_order() -> None:
    params: dict[str, signing.Param] = {
        "symbol": "BTC-USDT",
        "timestamp": 1667872120843,
        "side": "LONG",
        "leverage": 6,
    }
    assert signing.payload(params) == "leverage=6&side=LONG&symbol=BTC-USDT&timestamp=1667872120843"
    assert signing.signed_query(DOC_SECRET, params).startswith(signing.payload(params) + "&signature=")


def test_json_valued_parameter_signed_raw_sent_encoded() -> None:
    # Regression fixture for the documented rule (sign raw JSON, percent-encode only that value).
    params: dict[str, signing.Param] = {
        "symbol": "BTC-USDT",
        "side": "BUY",
        "positionSide": "LONG",
        "type": "MARKET",
        "quantity": 5,
        "takeProfit": {"type": "TAKE_PROFIT_MARKET", "stopPrice": Decimal("31968.123456789012345")},
        "timestamp": 1696751141337,
    }
    raw = signing.payload(params)
    # every digit survives: no float ever touches the price
    assert 'takeProfit={"type":"TAKE_PROFIT_MARKET","stopPrice":31968.123456789012345}' in raw
    wire = signing.wire_query(params)
    assert (
        "takeProfit=%7B%22type%22%3A%22TAKE_PROFIT_MARKET%22%2C%22stopPrice%22%3A31968.123456789012345%7D"
        in wire
    )
    assert signing.signed_query(DOC_SECRET, params).endswith(
        "&signature=" + signing.signature(DOC_SECRET, raw)
    )


def test_decimals_never_use_exponent_notation() -> None:
    assert signing.render(Decimal("1E-7")) == "0.0000001"
    assert signing.render(Decimal("1.50")) == "1.5"
    assert signing.render(True) == "true"
