"""Account settings and orders under `/openApi/swap`: leverage, margin type, position mode, and
placing, querying and cancelling orders, conditional ones included."""

from __future__ import annotations

from typing import Any

from simulator.bingx import codes, orders, spelling, trailing
from simulator.bingx.codes import BingxError
from simulator.bingx.conditional import Conditional, ConditionalBook, conditional_json
from simulator.bingx.orders import CONDITIONAL_TYPES, OrderRequest, as_decimal, as_int, require
from simulator.bingx.render import order_json
from simulator.exchange import Exchange
from simulator.records import Account, Order, Reject, SimError
from simulator.routes import Routes


def register(route: Routes, exchange: Exchange, book: ConditionalBook) -> None:
    _settings(route, exchange, book)
    _orders(route, exchange, book)


def _settings(route: Routes, exchange: Exchange, book: ConditionalBook) -> None:
    @route("GET", "/openApi/swap/v2/trade/leverage", signed=True)
    async def get_leverage(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        symbol = require(params, "symbol")
        inst = exchange.instrument(symbol)
        return {
            "longLeverage": exchange.leverage(account, symbol, "LONG"),
            "shortLeverage": exchange.leverage(account, symbol, "SHORT"),
            "maxLongLeverage": inst.max_leverage,
            "maxShortLeverage": inst.max_leverage,
        }

    @route("POST", "/openApi/swap/v2/trade/leverage", signed=True)
    async def set_leverage(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        symbol = require(params, "symbol")
        side = require(params, "side").upper()
        if account.hedge_mode and side not in ("LONG", "SHORT"):
            raise codes.invalid("In the Hedge mode, the 'Side' field can only be set to LONG or SHORT.")
        if not account.hedge_mode and side != "BOTH":
            raise codes.invalid("In the One-way mode, the 'Side' field can only be set to BOTH.")
        leverage = as_int(params, "leverage")
        exchange.set_leverage(account, symbol, side, leverage)
        return {"leverage": leverage, "symbol": symbol}

    @route("GET", "/openApi/swap/v2/trade/marginType", signed=True)
    async def get_margin_type(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        symbol = require(params, "symbol")
        exchange.instrument(symbol)
        return {"marginType": spelling.margin_word(exchange, account.isolated.get(symbol, False))}

    @route("POST", "/openApi/swap/v2/trade/marginType", signed=True)
    async def set_margin_type(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        symbol = require(params, "symbol")
        wanted = require(params, "marginType").upper()
        if wanted not in ("ISOLATED", "CROSSED", "SEPARATE_ISOLATED"):
            raise codes.invalid("marginType must be ISOLATED, CROSSED or SEPARATE_ISOLATED")
        exchange.instrument(symbol)
        with exchange.lock:
            if exchange.positions(account, symbol) or book.any_open(account, symbol):
                raise codes.invalid("the account has positions or pending orders")
            exchange.set_margin_mode(account, symbol, wanted != "CROSSED")
        return None

    @route("GET", "/openApi/swap/v1/positionSide/dual", signed=True)
    async def get_mode(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return {"dualSidePosition": "true" if account.hedge_mode else "false"}

    @route("POST", "/openApi/swap/v1/positionSide/dual", signed=True)
    async def set_mode(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        wanted = require(params, "dualSidePosition").lower() == "true"
        with exchange.lock:
            if wanted != account.hedge_mode and (exchange.positions(account) or book.any_open(account)):
                raise BingxError(codes.MODE_BUSY, "user has pending orders or position")
            account.hedge_mode = wanted
        return {"dualSidePosition": "true" if wanted else "false"}


def _orders(route: Routes, exchange: Exchange, book: ConditionalBook) -> None:
    @route("POST", "/openApi/swap/v2/trade/order", signed=True)
    async def place(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return new_order(exchange, book, params, account, test=False)

    @route("POST", "/openApi/swap/v2/trade/order/test", signed=True)
    async def place_test(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return new_order(exchange, book, params, account, test=True)

    @route("GET", "/openApi/swap/v2/trade/order", signed=True)
    async def query(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            return {"order": row(find(exchange, book, params, account))}

    @route("DELETE", "/openApi/swap/v2/trade/order", signed=True)
    async def cancel_one(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            return {"order": cancel(exchange, book, account, find(exchange, book, params, account))}

    @route("GET", "/openApi/swap/v2/trade/openOrders", signed=True)
    async def open_orders(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        symbol = params.get("symbol") or None
        wanted_type = (params.get("type") or "").upper()
        with exchange.lock:
            rows = [order_json(o) for o in exchange.open_orders(account, symbol)]
            rows += [conditional_json(c) for c in book.open_orders(account, symbol)]
        if wanted_type:
            rows = [r for r in rows if r["type"] == wanted_type]
        return {"orders": sorted(rows, key=lambda r: r["time"])}


def new_order(
    exchange: Exchange, book: ConditionalBook, params: dict[str, str], account: Account, *, test: bool
) -> Any:
    request = orders.parse_order(account, params)
    with exchange.lock:
        if request.order_type == trailing.TRAILING_STOP_MARKET:
            spec = trailing.parse(params, request, exchange.instrument(request.symbol))
            placed = book.place_trailing(account, request, spec, test=test)
            return _tested(request) if test else {"order": conditional_json(placed)}
        if request.order_type in CONDITIONAL_TYPES:
            return _place_conditional(book, params, account, request, test=test)
        return _place_plain(exchange, book, params, account, request, test=test)


def _place_conditional(
    book: ConditionalBook, params: dict[str, str], account: Account, request: OrderRequest, *, test: bool
) -> Any:
    conditional = book.place(account, request, orders.parse_trigger(params, request), test=test)
    if test:
        return _tested(request)
    return {"order": conditional_json(conditional)}


def _place_plain(
    exchange: Exchange,
    book: ConditionalBook,
    params: dict[str, str],
    account: Account,
    request: OrderRequest,
    *,
    test: bool,
) -> Any:
    quantity = as_decimal(params, "quantity")
    price = as_decimal(params, "price") if request.order_type == "LIMIT" else None
    inst = exchange.instrument(request.symbol)
    reference = price if price is not None else inst.price
    attached = book.parse_attachments(params, side=request.side, reference=reference, symbol=request.symbol)
    if attached and request.closing:
        raise codes.invalid("takeProfit/stopLoss can only be attached to an opening order")
    if test:
        return _tested(request)
    cid = request.client_order_id
    if cid and book.holds_client_id(account, cid):
        raise SimError(Reject.DUPLICATE_CLIENT_ID, f"clientOrderID {cid} already used")
    order = exchange.place_order(
        account,
        symbol=request.symbol,
        side=request.side,
        position_side=request.position_side,
        order_type=request.order_type,
        quantity=quantity,
        price=price,
        client_order_id=cid,
        reduce_only=request.reduce_only,
    )
    book.attach(account, order, attached)
    return {"order": order_json(order)}


def _tested(request: OrderRequest) -> dict[str, Any]:
    """What the test endpoint answers for an order it checked but did not place."""
    return {"order": {"symbol": request.symbol, "orderId": 0, "side": request.side}}


def find(
    exchange: Exchange, book: ConditionalBook, params: dict[str, str], account: Account
) -> Order | Conditional:
    """An order on the book, else a conditional one waiting beside it."""
    try:
        return orders.find_order(exchange, account, params)
    except SimError:
        order_id = as_int(params, "orderId") if params.get("orderId") else None
        return book.find(account, order_id=order_id, client_order_id=orders.client_id(params))


def cancel(exchange: Exchange, book: ConditionalBook, account: Account, found: Order | Conditional) -> Any:
    """Take an order, or a conditional one waiting beside the book, off; its row as it then reads."""
    if isinstance(found, Conditional):
        return conditional_json(book.cancel(found))
    return order_json(exchange.cancel_order(account, found))


def row(order: Order | Conditional) -> dict[str, Any]:
    return conditional_json(order) if isinstance(order, Conditional) else order_json(order)
