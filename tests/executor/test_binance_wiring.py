"""Binance settings, wiring and the mapping of its answer codes onto the error taxonomy."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from common.errors import ErrorClass
from executor.config import ExecutorSettings
from executor.core.model import Venue
from executor.venues.binance.adapter import BinanceAdapter
from executor.venues.binance.errors import classify
from executor.wiring import build_adapters


@pytest.fixture(autouse=True)
def no_venue_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "BINANCE_API_KEY",
        "BINANCE_SECRET_KEY",
        "BINANCE_BASE_URL",
        "BINANCE_TESTNET",
        "BINANCE_ENV",
    ):
        monkeypatch.delenv(name, raising=False)


def settings(**fields: object) -> ExecutorSettings:
    return ExecutorSettings(_env_file=None, **fields)  # type: ignore[call-arg, arg-type]


def test_binance_urls() -> None:
    assert settings().base_url(Venue.BINANCE) == "https://fapi.binance.com"
    assert settings(binance_env="demo").base_url(Venue.BINANCE) == "https://demo-fapi.binance.com"
    assert settings(binance_testnet=True).base_url(Venue.BINANCE) == "https://testnet.binancefuture.com"
    assert (
        settings(binance_testnet=True, binance_base_url="http://sim:8900").base_url(Venue.BINANCE)
        == "http://sim:8900"
    )


def test_adapter_is_built_only_with_both_keys() -> None:
    built = build_adapters(
        settings(
            binance_api_key=SecretStr("k" * 64), binance_secret_key=SecretStr("s" * 64), binance_env="demo"
        )
    )
    adapter = built[(Venue.BINANCE, "default")]
    assert isinstance(adapter, BinanceAdapter)
    assert adapter.base_url == "https://demo-fapi.binance.com"
    assert (Venue.BINANCE, "default") not in build_adapters(settings(binance_api_key=SecretStr("k" * 64)))


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        (-2015, 401, ErrorClass.AUTH),
        (-2014, 401, ErrorClass.AUTH),
        (-1022, 400, ErrorClass.AUTH),
        (-1021, 400, ErrorClass.TIMESTAMP),
        (-2019, 400, ErrorClass.INSUFFICIENT_MARGIN),
        (-4164, 400, ErrorClass.BELOW_MINIMUM),
        (-4004, 400, ErrorClass.BELOW_MINIMUM),
        (-1111, 400, ErrorClass.PRECISION),
        (-4023, 400, ErrorClass.PRECISION),
        (-4116, 400, ErrorClass.DUPLICATE_CLIENT_ID),
        (-2013, 400, ErrorClass.UNKNOWN_ORDER),
        (-2011, 400, ErrorClass.UNKNOWN_ORDER),
        (-1121, 400, ErrorClass.UNKNOWN_SYMBOL),
        (-2022, 400, ErrorClass.NO_POSITION),
        (-1003, 429, ErrorClass.RATE_LIMITED),
        (-1003, 418, ErrorClass.RATE_LIMITED),
        (None, 403, ErrorClass.RATE_LIMITED),  # the web firewall's limit
        (-1001, 503, ErrorClass.VENUE_UNAVAILABLE),
        (-1007, 408, ErrorClass.VENUE_UNAVAILABLE),  # sent, execution status unknown
        (-1008, 503, ErrorClass.VENUE_UNAVAILABLE),
        (-2019, 503, ErrorClass.VENUE_UNAVAILABLE),  # a 5xx never decides an order's fate
        (-4061, 400, ErrorClass.VENUE_REJECTED),
        (-4120, 400, ErrorClass.VENUE_REJECTED),
        (None, 401, ErrorClass.AUTH),
    ],
)
def test_codes_map_onto_the_taxonomy(code: int | None, status: int, expected: ErrorClass) -> None:
    error = classify(code, "msg", status)
    assert error.error_class is expected
    assert error.venue_code == str(code if code is not None else status)
