"""Account settings, orders and algo (conditional) orders under `/fapi/v1`."""

from __future__ import annotations

from typing import Any

from simulator.binance import codes, render
from simulator.binance.algo import AlgoBook, algo_json
from simulator.binance.brackets import max_notional
from simulator.binance.codes import BinanceError
from simulator.binance.instruments import Filters, venue_symbol
from simulator.binance.orders import choice, find_order, instrument_for, parse_new_order
from simulator.events import Expiry
from simulator.exchange import Exchange
from simulator.records import Account, Order, Reject, SimError
from simulator.routes import Routes
from simulator.venue import Clock

OK = {"code": 200, "msg": "success"}


def register(route: Routes, exchange: Exchange, filters: dict[str, Filters], clock: Clock) -> None:
    algos = AlgoBook(exchange, filters, clock)
    _settings(route, exchange, algos)
    _orders(route, exchange, filters)
    _algo_routes(route, exchange, algos)


def _settings(route: Routes, exchange: Exchange, algos: AlgoBook) -> None:
    def busy(account: Account, symbol: str | None = None) -> tuple[bool, bool]:
        """(open orders, open position) on the account, or on one symbol."""
        return algos.any_open(account, symbol), bool(exchange.positions(account, symbol))

    @route("POST", "/fapi/v1/leverage", signed=True)
    async def set_leverage(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        inst = instrument_for(exchange, params)
        text = params.get("leverage", "")
        if not text:
            raise codes.mandatory("leverage")
        if not text.isdigit() or not 1 <= int(text) <= inst.max_leverage:
            raise BinanceError(codes.LEVERAGE_INVALID, f"Leverage {text} is not valid")
        leverage = int(text)
        # One leverage per symbol, whatever the position mode.
        exchange.set_leverage(account, inst.symbol, "BOTH", leverage)
        return {
            "leverage": leverage,
            "maxNotionalValue": str(max_notional(inst, leverage)),
            "symbol": venue_symbol(inst.symbol),
        }

    @route("POST", "/fapi/v1/marginType", signed=True)
    async def set_margin_type(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        inst = instrument_for(exchange, params)
        isolated = choice(params, "marginType", ("ISOLATED", "CROSSED")) == "ISOLATED"
        with exchange.lock:
            if account.isolated.get(inst.symbol, False) == isolated:
                raise BinanceError(codes.NO_NEED_MARGIN_TYPE)
            orders, position = busy(account, inst.symbol)
            if orders:
                raise BinanceError(codes.MARGIN_TYPE_OPEN_ORDERS)
            if position:
                raise BinanceError(codes.MARGIN_TYPE_POSITION)
            exchange.set_margin_mode(account, inst.symbol, isolated)
        return OK

    @route("GET", "/fapi/v1/positionSide/dual", signed=True, weight=30)
    async def get_position_mode(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return {"dualSidePosition": account.hedge_mode}

    @route("POST", "/fapi/v1/positionSide/dual", signed=True)
    async def set_position_mode(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        hedge = choice(params, "dualSidePosition", ("TRUE", "FALSE")) == "TRUE"
        with exchange.lock:
            if hedge == account.hedge_mode:
                raise BinanceError(codes.NO_NEED_POSITION_SIDE)
            orders, position = busy(account)
            if orders:
                raise BinanceError(codes.POSITION_SIDE_OPEN_ORDERS)
            if position:
                raise BinanceError(codes.POSITION_SIDE_POSITION)
            account.hedge_mode = hedge
        return OK


def _orders(route: Routes, exchange: Exchange, filters: dict[str, Filters]) -> None:
    def show(order: Order, *, as_accepted: bool = False) -> dict[str, Any]:
        inst = exchange.instruments[order.symbol]
        return render.order_json(inst, order, order.time_in_force, as_accepted=as_accepted)

    def new_order(params: dict[str, str], account: Account, *, test: bool) -> Any:
        with exchange.lock:
            new = parse_new_order(exchange, filters, account, params)
            held = account.by_client_id.get(new.client_order_id)
            if held is not None and account.orders[held].status == "NEW":
                raise BinanceError(codes.DUPLICATE_CLIENT_ID)  # unique among open orders only
            if test:
                return {}
            order = exchange.place_order(
                account,
                symbol=new.symbol,
                side=new.side,
                position_side=new.position_side,
                order_type=new.order_type,
                quantity=new.quantity,
                price=new.price,
                client_order_id=new.client_order_id,
                reduce_only=new.reduce_only,
                time_in_force=new.time_in_force,
            )
            if new.time_in_force in ("IOC", "FOK") and order.status == "NEW":
                why = Expiry.IOC if new.time_in_force == "IOC" else Expiry.FOK
                exchange.cancel_order(account, order, status="EXPIRED", why=why)
            # ACK (the default) reports the order as it entered; RESULT reports its fill.
            return show(order, as_accepted=new.response_type == "ACK")

    @route("POST", "/fapi/v1/order", signed=True, weight=0)
    async def place(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return new_order(params, account, test=False)

    @route("POST", "/fapi/v1/order/test", signed=True, weight=0)
    async def place_test(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return new_order(params, account, test=True)

    @route("GET", "/fapi/v1/order", signed=True)
    async def query(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            return show(find_order(exchange, account, params))

    @route("DELETE", "/fapi/v1/order", signed=True)
    async def cancel(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            try:
                order = exchange.cancel_order(account, find_order(exchange, account, params))
            except SimError as exc:
                if exc.reason is Reject.UNKNOWN_ORDER:
                    raise BinanceError(codes.CANCEL_REJECTED) from None
                raise
            return show(order)

    @route("GET", "/fapi/v1/openOrders", signed=True)
    async def open_orders(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            symbol = instrument_for(exchange, params).symbol if params.get("symbol") else None
            return [show(o) for o in exchange.open_orders(account, symbol)]


def _algo_routes(route: Routes, exchange: Exchange, algos: AlgoBook) -> None:
    def shown(account: Account, params: dict[str, str]) -> list[dict[str, Any]]:
        symbol = instrument_for(exchange, params).symbol if params.get("symbol") else None
        return [
            algo_json(exchange.instruments[a.symbol], a, detail=True)
            for a in algos.orders.values()
            if a.api_key == account.api_key and symbol in (None, a.symbol)
        ]

    @route("POST", "/fapi/v1/algoOrder", signed=True, weight=0)
    async def place_algo(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            algo = algos.place(account, params)
            return algo_json(exchange.instruments[algo.symbol], algo)

    @route("GET", "/fapi/v1/algoOrder", signed=True)
    async def query_algo(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            algo = algos.find(account, params)
            return algo_json(exchange.instruments[algo.symbol], algo, detail=True)

    @route("DELETE", "/fapi/v1/algoOrder", signed=True)
    async def cancel_algo(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            try:
                algo = algos.find(account, params)
            except BinanceError:
                raise BinanceError(codes.CANCEL_REJECTED) from None
            algos.cancel(algo)
            # This acknowledgement carries its code as a string.
            return {
                "algoId": algo.algo_id,
                "clientAlgoId": algo.client_algo_id,
                "code": "200",
                "msg": "success",
            }

    @route("DELETE", "/fapi/v1/algoOpenOrders", signed=True)
    async def cancel_all_algo(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            symbol = instrument_for(exchange, params).symbol
            for algo in algos.open_orders(account, symbol):
                algos.cancel(algo)
        return {"code": 200, "msg": "The operation of cancel all open order is done."}

    @route("GET", "/fapi/v1/openAlgoOrders", signed=True)
    async def open_algo(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            rows = [r for r in shown(account, params) if r["algoStatus"] == "NEW"]
            if params.get("algoId"):
                rows = [r for r in rows if str(r["algoId"]) == params["algoId"]]
            return rows

    @route("GET", "/fapi/v1/allAlgoOrders", signed=True, weight=5)
    async def all_algo(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        if not params.get("symbol"):
            raise codes.mandatory("symbol")
        with exchange.lock:
            return shown(account, params)
