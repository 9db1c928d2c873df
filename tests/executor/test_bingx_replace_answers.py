"""How the BingX adapter reads cancelReplace's answer in both published shapes (docs-v3's
"true"/"false" with `newOrderResponse`, api-ai-skills' SUCCESS/FAILED with `newOrderId`;
docs/venues/bingx.md 5.10a), and what it sends after each outcome. The venue is a recorder
here: the simulator speaks only the docs' shape."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest

from common.errors import ErrorClass, TvbridgeError
from executor.core.model import PositionSide, Side
from executor.core.ports import OpenProtection, ProtectionKind, ProtectionRequest
from executor.venues.bingx import endpoints, protection

OLD = OpenProtection(
    "111", "", Side.SELL, PositionSide.BOTH, "STOP_MARKET", Decimal("0.01"), Decimal("59000")
)
NEW = ProtectionRequest(
    "BTC-USDT",
    ProtectionKind.STOP_LOSS,
    Side.SELL,
    PositionSide.BOTH,
    Decimal("0.01"),
    Decimal("59500"),
    "tvb-sl2",
)


class Recorder:
    def __init__(self, answer: Any, resting: list[OpenProtection] | None = None) -> None:
        self.answer = answer
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.rests = resting or []

    def send(self, path: str, params: Mapping[str, Any]) -> Any:
        self.sent.append((path, dict(params)))
        return self.answer if path == endpoints.CANCEL_REPLACE else {"order": {"orderId": 333}}

    def resting(self, venue_symbol: str) -> list[OpenProtection]:
        return self.rests


@pytest.mark.parametrize(
    "answer",
    [
        {"cancelResult": "true", "replaceResult": "true", "newOrderResponse": {"orderId": 222}},
        {"cancelResult": "SUCCESS", "newOrderResult": "SUCCESS", "cancelOrderId": 111, "newOrderId": 222},
    ],
    ids=["docs", "skills"],
)
def test_a_replacement_in_either_shape_answers_the_new_order(answer: dict[str, Any]) -> None:
    venue = Recorder(answer)
    placed = protection.replace(venue.send, venue.resting, OLD, NEW)
    assert (placed.order_id, placed.client_order_id) == ("222", "tvb-sl2")
    ((path, params),) = venue.sent
    assert path == endpoints.CANCEL_REPLACE
    assert {
        k: params[k] for k in ("cancelOrderId", "cancelReplaceMode", "type", "stopPrice", "reduceOnly")
    } == {
        "cancelOrderId": "111",
        "cancelReplaceMode": "STOP_ON_FAILURE",
        "type": "STOP_MARKET",
        "stopPrice": Decimal("59500"),
        "reduceOnly": "true",
    }


@pytest.mark.parametrize(
    "answer",
    [
        {"cancelResult": "true", "replaceResult": "false", "replaceMsg": "margin is not enough"},
        {"cancelResult": "SUCCESS", "newOrderResult": "FAILED", "replaceMsg": "margin is not enough"},
    ],
    ids=["docs", "skills"],
)
def test_a_refused_new_order_puts_the_old_one_back_and_raises(answer: dict[str, Any]) -> None:
    venue = Recorder(answer)
    with pytest.raises(TvbridgeError) as refused:
        protection.replace(venue.send, venue.resting, OLD, NEW)
    assert refused.value.error_class is ErrorClass.INSUFFICIENT_MARGIN
    (_, (path, params)) = venue.sent
    assert path == endpoints.ORDER
    assert params == {
        "symbol": "BTC-USDT",
        "side": "SELL",
        "positionSide": "BOTH",
        "type": "STOP_MARKET",
        "workingType": "MARK_PRICE",
        "quantity": Decimal("0.01"),
        "stopPrice": Decimal("59000"),
        "reduceOnly": "true",
    }


def test_a_failed_cancel_of_an_order_still_resting_places_nothing() -> None:
    venue = Recorder({"cancelResult": "false", "cancelMsg": "The current system is busy"}, resting=[OLD])
    with pytest.raises(TvbridgeError) as refused:
        protection.replace(venue.send, venue.resting, OLD, NEW)
    assert refused.value.error_class is ErrorClass.VENUE_UNAVAILABLE
    assert [path for path, _ in venue.sent] == [endpoints.CANCEL_REPLACE]


def test_a_failed_cancel_of_an_order_already_gone_places_the_new_one_alone() -> None:
    venue = Recorder({"cancelResult": "false", "cancelMsg": "order does not exist"}, resting=[])
    placed = protection.replace(venue.send, venue.resting, OLD, NEW)
    assert placed.order_id == "333"
    assert [path for path, _ in venue.sent] == [endpoints.CANCEL_REPLACE, endpoints.ORDER]
    assert venue.sent[1][1]["stopPrice"] == Decimal("59500")


def test_an_old_order_is_put_back_on_its_own_terms() -> None:
    trail = OpenProtection(
        "112",
        "",
        Side.BUY,
        PositionSide.SHORT,
        "TRAILING_STOP_MARKET",
        Decimal("0.01"),
        None,
        activation_price=Decimal("58000"),
        callback_pct=Decimal("1.5"),
    )
    assert protection.again_params("BTC-USDT", trail) == {
        "symbol": "BTC-USDT",
        "side": "BUY",
        "positionSide": "SHORT",
        "type": "TRAILING_STOP_MARKET",
        "workingType": "MARK_PRICE",
        "quantity": Decimal("0.01"),
        "priceRate": Decimal("0.015"),
        "activationPrice": Decimal("58000"),
    }
    whole = OpenProtection(
        "113",
        "",
        Side.SELL,
        PositionSide.BOTH,
        "STOP_MARKET",
        Decimal(0),
        Decimal("59000"),
        close_position=True,
    )
    assert protection.again_params("BTC-USDT", whole) == {
        "symbol": "BTC-USDT",
        "side": "SELL",
        "positionSide": "BOTH",
        "type": "STOP_MARKET",
        "workingType": "MARK_PRICE",
        "closePosition": "true",  # never with quantity or reduceOnly (section 5.8)
        "stopPrice": Decimal("59000"),
    }
    limit_stop = OpenProtection(
        "114", "", Side.SELL, PositionSide.BOTH, "STOP", Decimal("0.01"), Decimal("59000")
    )
    with pytest.raises(TvbridgeError) as unsupported:
        protection.again_params("BTC-USDT", limit_stop)
    assert unsupported.value.error_class is ErrorClass.UNSUPPORTED
