"""Conditional orders, which Binance moved to its Algo Order API on 2025-12-09.

They wait outside the matching engine with their own ids (`algoId`, `clientAlgoId`), no margin
check until they trigger, and a `triggerPrice`. When the price crosses it the book places the
real order on the exchange; a refusal at that point leaves the algo order REJECTED.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from simulator.binance import codes
from simulator.binance.codes import BinanceError
from simulator.binance.instruments import Filters, venue_symbol
from simulator.binance.orders import (
    CONDITIONAL_TYPES,
    auto_client_id,
    bool_param,
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
from simulator.exchange import Account, Exchange, Instrument, Order, SimError, crossed

MIN_CALLBACK_RATE = Decimal("0.1")
MAX_CALLBACK_RATE = Decimal("20")  # raised from 10 on 2026-10-23


@dataclass
class AlgoOrder:
    algo_id: int
    client_algo_id: str
    api_key: str
    symbol: str
    side: str
    position_side: str
    order_type: str
    quantity: Decimal | None
    price: Decimal | None
    trigger_price: Decimal | None
    time_in_force: str
    working_type: str
    close_position: bool
    reduce_only: bool
    price_protect: bool
    activate_price: Decimal | None
    callback_rate: Decimal | None
    create_ms: int
    status: str = "NEW"
    update_ms: int = 0
    trigger_ms: int = 0
    actual: Order | None = None
    # Trailing stops: armed once the activation price is reached, then track the best price.
    armed: bool = True
    extreme: Decimal | None = None

    @property
    def algo_status(self) -> str:
        if self.status == "TRIGGERED" and self.actual is not None and self.actual.status != "NEW":
            return "FINISHED"  # the order it placed has filled or left the book
        return self.status


class AlgoBook:
    def __init__(self, exchange: Exchange, filters: dict[str, Filters], clock: Callable[[], int]) -> None:
        self.exchange = exchange
        self.filters = filters
        self.clock = clock
        self.orders: dict[int, AlgoOrder] = {}
        self._ids = itertools.count(2_000_000)
        exchange.price_listeners.append(self.on_price)
        exchange.reset_listeners.append(self.reset)

    def reset(self) -> None:
        for algo in self.orders.values():
            if algo.status == "NEW":
                algo.status = "CANCELED"

    def open_orders(self, account: Account, symbol: str | None = None) -> list[AlgoOrder]:
        return [
            a
            for a in self.orders.values()
            if a.api_key == account.api_key and a.status == "NEW" and symbol in (None, a.symbol)
        ]

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
        return algo

    def _trailing(self, inst: Instrument, filters: Filters, algo: AlgoOrder, params: dict[str, str]) -> None:
        rate = decimal_param(params, "callbackRate")
        if not MIN_CALLBACK_RATE <= rate <= MAX_CALLBACK_RATE:
            raise codes.illegal("callbackRate", f"{MIN_CALLBACK_RATE}-{MAX_CALLBACK_RATE}")
        algo.callback_rate = rate
        if "activatePrice" in params:
            activate = decimal_param(params, "activatePrice")
            check_price(inst, filters, activate)
            # A BUY trail starts once the price falls to the activation price, a SELL once it rises.
            if (algo.side == "BUY" and activate >= inst.price) or (
                algo.side == "SELL" and activate <= inst.price
            ):
                raise BinanceError(codes.WOULD_TRIGGER)
            algo.activate_price = activate
            algo.armed = False
        else:
            algo.extreme = inst.price

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

    def cancel(self, algo: AlgoOrder) -> None:
        if algo.status != "NEW":
            raise BinanceError(codes.CANCEL_REJECTED)
        algo.status = "CANCELED"
        algo.update_ms = self.clock()

    def on_price(self, symbol: str, mark: Decimal) -> None:
        for algo in list(self.orders.values()):
            if algo.symbol != symbol or algo.status != "NEW":
                continue
            hit = _trail(algo, mark) if algo.order_type == "TRAILING_STOP_MARKET" else _crossed(algo, mark)
            if hit:
                self._trigger(algo)

    def _trigger(self, algo: AlgoOrder) -> None:
        account = self.exchange.accounts[algo.api_key]
        algo.trigger_ms = algo.update_ms = self.clock()
        quantity = algo.quantity
        reduce = algo.reduce_only
        if algo.close_position:
            quantity = self.exchange.closable(account, algo.symbol, algo.position_side, algo.side)
            reduce = algo.position_side == "BOTH"
        if not quantity:
            algo.status = "REJECTED"
            return
        market = algo.order_type.endswith("MARKET")
        try:
            algo.actual = self.exchange.place_order(
                account,
                symbol=algo.symbol,
                side=algo.side,
                position_side=algo.position_side,
                order_type="MARKET" if market else "LIMIT",
                quantity=quantity,
                price=None if market else algo.price,
                client_order_id=auto_client_id(),
                reduce_only=reduce,
            )
        except SimError:
            algo.status = "REJECTED"  # e.g. the margin check it skipped at placement fails now
            return
        algo.status = "TRIGGERED"


def _crossed(algo: AlgoOrder, mark: Decimal) -> bool:
    assert algo.trigger_price is not None
    return crossed(
        stop=algo.order_type in ("STOP", "STOP_MARKET"), side=algo.side, trigger=algo.trigger_price, mark=mark
    )


def _trail(algo: AlgoOrder, mark: Decimal) -> bool:
    if not algo.armed:
        assert algo.activate_price is not None
        reached = mark <= algo.activate_price if algo.side == "BUY" else mark >= algo.activate_price
        if not reached:
            return False
        algo.armed = True
        algo.extreme = mark
    assert algo.extreme is not None and algo.callback_rate is not None
    rate = algo.callback_rate / 100
    if algo.side == "BUY":
        algo.extreme = min(algo.extreme, mark)
        return mark >= algo.extreme * (1 + rate)
    algo.extreme = max(algo.extreme, mark)
    return mark <= algo.extreme * (1 - rate)


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
