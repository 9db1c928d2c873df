"""Conditional orders, which Binance moved to its Algo Order API on 2025-12-09.

They wait outside the matching engine with their own ids (`algoId`, `clientAlgoId`), no margin
check until they trigger, and a `triggerPrice`. When the price crosses it the book places the
real order on the exchange; a refusal at that point leaves the algo order REJECTED.

A TRAILING_STOP_MARKET has no `triggerPrice`: `callbackRate` (percent, 1 is 1 %) and an optional
`activatePrice` (renamed from `activationPrice` on 2025-12-22), docs "New Algo Order" (USDⓈ-M
Trade) and docs/venues/binance.md section 5.9. Its trail (simulator/trailing.py) starts at
`activatePrice`, or at once from the latest price when none is sent, and then the order fires
like any other. Its rows show `activatePrice` as the price it starts at; `triggerPrice` stays
"0", the venue's documented rows saying nothing of a live trailing level (a guess).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from simulator.binance import codes
from simulator.binance.codes import BinanceError
from simulator.binance.instruments import Filters, venue_symbol
from simulator.binance.orders import (
    CONDITIONAL_TYPES,
    auto_client_id,
    bool_param,
    check_open_orders,
    check_price,
    check_quantity,
    choice,
    client_id,
    decimal_param,
    instrument_for,
    position_side,
    reduce_only,
)
from simulator.binance.render import price, qty
from simulator.events import TriggerChange
from simulator.exchange import Exchange
from simulator.records import Account, Instrument
from simulator.trailing import Trail, activates
from simulator.triggers import Trigger, TriggerBook, crossed, is_stop
from simulator.venue import Clock

# "New Algo Order": callbackRate min 0.1, max 10; the change log of 2026-10-23 raised the max to 20
# for TRAILING_STOP_MARKET on POST /fapi/v1/algoOrder (docs/venues/binance.md section 5.9).
MIN_CALLBACK_RATE = Decimal("0.1")
MAX_CALLBACK_RATE = Decimal("20")
# Open conditional orders an account may have, all symbols together: the change log of 2025-12-29
# removed the per-symbol MAX_NUM_ALGO_ORDERS filter for this (docs/venues/binance.md 5.9). It
# names no answer code; -4045 "Reach max stop order limit." is the error page's for the cap (a guess).
MAX_OPEN_ALGO_ORDERS = 200


@dataclass(kw_only=True)
class AlgoOrder(Trigger):
    algo_id: int
    client_algo_id: str
    trigger_price: Decimal | None
    time_in_force: str
    working_type: str
    close_position: bool
    price_protect: bool
    activate_price: Decimal | None  # a trailing stop's: as sent, else the price at placement
    callback_rate: Decimal | None  # a trailing stop's, in percent as sent
    create_ms: int

    @property
    def algo_status(self) -> str:
        if self.status == "TRIGGERED" and self.actual is not None and self.actual.status != "NEW":
            return "FINISHED"  # the order it placed has filled or left the book
        return self.status


class AlgoBook(TriggerBook[AlgoOrder]):
    CANCELLED: ClassVar[str] = "CANCELED"
    REFUSED: ClassVar[str] = "REJECTED"

    def __init__(self, exchange: Exchange, filters: dict[str, Filters], clock: Clock) -> None:
        super().__init__(exchange, clock)
        self.filters = filters
        self._ids = itertools.count(2_000_000)

    def reached(self, trigger: AlgoOrder, mark: Decimal) -> bool:
        return _crossed(trigger, mark)

    def not_open(self, trigger: AlgoOrder) -> Exception:
        return BinanceError(codes.CANCEL_REJECTED)

    def placed_client_id(self) -> str:
        return auto_client_id()

    def close_is_reduce_only(self, trigger: AlgoOrder) -> bool:
        # Hedge mode takes no reduceOnly: the position side alone says the order closes.
        return trigger.position_side == "BOTH"

    def place(self, account: Account, params: dict[str, str]) -> AlgoOrder:
        choice(params, "algoType", ("CONDITIONAL",))
        inst = instrument_for(self.exchange, params)
        filters = self.filters[inst.symbol]
        side = choice(params, "side", ("BUY", "SELL"))
        order_type = params.get("type", "").upper()
        if not order_type:
            raise codes.mandatory("type")
        if order_type not in CONDITIONAL_TYPES:
            raise BinanceError(codes.INVALID_ORDER_TYPE)
        pside = position_side(account, params)
        reduce = reduce_only(account, params)
        if len(self.open_orders(account)) >= MAX_OPEN_ALGO_ORDERS:
            raise BinanceError(codes.MAX_STOP_ORDERS)
        check_open_orders(self.exchange, filters, account, inst.symbol)
        close = bool_param(params, "closePosition")
        market = order_type.endswith("MARKET")
        quantity: Decimal | None = None
        if close:
            for name in ("quantity", "reduceOnly"):
                if name in params:
                    raise codes.not_required(name)
            opens_hedge_side = (side, pside) in (("BUY", "LONG"), ("SELL", "SHORT"))
            if order_type not in ("STOP_MARKET", "TAKE_PROFIT_MARKET") or opens_hedge_side:
                raise codes.not_required("closePosition")
        else:
            quantity = decimal_param(params, "quantity")
            check_quantity(inst, filters, quantity, market=market)
        limit: Decimal | None = None
        if not market:
            limit = decimal_param(params, "price")
            check_price(inst, filters, limit)
        elif "price" in params:
            raise codes.not_required("price")
        tif = params.get("timeInForce", "GTC").upper()
        if tif not in ("GTC", "IOC", "FOK"):
            raise BinanceError(codes.INVALID_TIF)
        working = choice(params, "workingType", ("MARK_PRICE", "CONTRACT_PRICE"), "CONTRACT_PRICE")
        cid = client_id(params, "clientAlgoId")
        if any(a.client_algo_id == cid for a in self.open_orders(account)):
            raise BinanceError(codes.DUPLICATE_CLIENT_ID)
        now = self.clock()
        algo = AlgoOrder(
            algo_id=next(self._ids),
            client_algo_id=cid,
            api_key=account.api_key,
            symbol=inst.symbol,
            side=side,
            position_side=pside,
            order_type=order_type,
            quantity=quantity,
            price=limit,
            trigger_price=None,
            time_in_force=tif,
            working_type=working,
            close_position=close,
            reduce_only=reduce,
            price_protect=bool_param(params, "priceProtect"),
            activate_price=None,
            callback_rate=None,
            create_ms=now,
            update_ms=now,
        )
        if order_type == "TRAILING_STOP_MARKET":
            self._trailing(inst, filters, algo, params)
        else:
            algo.trigger_price = decimal_param(params, "triggerPrice")
            check_price(inst, filters, algo.trigger_price)
            if _crossed(algo, inst.price):
                raise BinanceError(codes.WOULD_TRIGGER)
        self.orders[algo.algo_id] = algo
        self.announce(algo, TriggerChange.PLACED)
        return algo

    def _trailing(self, inst: Instrument, filters: Filters, algo: AlgoOrder, params: dict[str, str]) -> None:
        rate = decimal_param(params, "callbackRate")
        if not MIN_CALLBACK_RATE <= rate <= MAX_CALLBACK_RATE:
            raise BinanceError(codes.INVALID_CALLBACK_RATE)
        activate: Decimal | None = None
        if "activatePrice" in params:
            activate = decimal_param(params, "activatePrice")
            check_price(inst, filters, activate)
            # "New Algo Order": a BUY's activatePrice must be below the latest price, a SELL's above.
            if activates(algo.side, activate, inst.price):
                raise BinanceError(codes.WOULD_TRIGGER)
        algo.trail = Trail.start(algo.side, inst.price, activation=activate, rate=rate / 100)
        algo.callback_rate = rate
        algo.activate_price = algo.trail.activation

    def find(self, account: Account, params: dict[str, str]) -> AlgoOrder:
        algo: AlgoOrder | None = None
        if params.get("algoId"):
            if not params["algoId"].isdigit():
                raise codes.illegal("algoId", "^[0-9]{1,20}$")
            algo = self.orders.get(int(params["algoId"]))
        elif params.get("clientAlgoId"):
            mine = [a for a in self.orders.values() if a.client_algo_id == params["clientAlgoId"]]
            algo = mine[-1] if mine else None
        else:
            raise BinanceError(
                codes.MANDATORY_PARAM,
                "Param 'clientAlgoId' or 'algoId' must be sent, but both were empty/null!",
            )
        if algo is None or algo.api_key != account.api_key:
            raise BinanceError(codes.UNKNOWN_ORDER)
        return algo


def _crossed(algo: AlgoOrder, mark: Decimal) -> bool:
    assert algo.trigger_price is not None
    return crossed(stop=is_stop(algo.order_type), side=algo.side, trigger=algo.trigger_price, mark=mark)


def algo_json(inst: Instrument, algo: AlgoOrder, *, detail: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "algoId": algo.algo_id,
        "clientAlgoId": algo.client_algo_id,
        "algoType": "CONDITIONAL",
        "orderType": algo.order_type,
        "symbol": venue_symbol(algo.symbol),
        "side": algo.side,
        "positionSide": algo.position_side,
        "timeInForce": algo.time_in_force,
        "quantity": qty(inst, algo.quantity) if algo.quantity is not None else "0",
        "algoStatus": algo.algo_status,
        "triggerPrice": price(inst, algo.trigger_price) if algo.trigger_price is not None else "0",
        "price": price(inst, algo.price) if algo.price is not None else "0",
        "icebergQuantity": None,
        "selfTradePreventionMode": "NONE",
        "workingType": algo.working_type,
        "priceMatch": "NONE",
        "closePosition": algo.close_position,
        "priceProtect": algo.price_protect,
        "reduceOnly": algo.reduce_only,
        "activatePrice": price(inst, algo.activate_price) if algo.activate_price is not None else "",
        "callbackRate": str(algo.callback_rate) if algo.callback_rate is not None else "",
        "createTime": algo.create_ms,
        "updateTime": algo.update_ms,
        "triggerTime": algo.trigger_ms,
        "goodTillDate": 0,
    }
    if detail:
        actual = algo.actual
        body |= {
            "actualOrderId": str(actual.order_id) if actual else "",
            "actualType": actual.type if actual else "",
            "actualPrice": price(inst, actual.avg_price) if actual and actual.executed_qty else "",
            "actualQty": qty(inst, actual.executed_qty) if actual else "",
        }
    return body
