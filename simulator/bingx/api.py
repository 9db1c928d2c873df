"""BingX swap v2 REST, as the venue documents it, over the simulator's exchange.

Business answers are HTTP 200 with the `{"code", "msg", "data"}` envelope;
code 0 is success. Signed endpoints need the `X-BX-APIKEY` header, a
`timestamp` within `recvWindow` (default 5000 ms) of the server clock, and
`signature`: the hex HMAC-SHA256 of the other parameters as sent, `k=v`
joined by `&`, values percent-decoded. When parameters are split between
query and form body, the two strings are concatenated with no `&` between
them, as the venue's published example shows. See docs/venues/bingx.md.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from common.decimals import plain
from simulator import wire
from simulator.bingx.conditional import (
    CONDITIONAL_TYPES,
    Conditional,
    ConditionalBook,
    conditional_json,
)
from simulator.bingx.errors import CODE_INVALID, BingxError
from simulator.exchange import Account, Exchange, Order, Reject, SimError
from simulator.venue import VenueFacade

DEFAULT_RECV_WINDOW_MS = 5000
MAX_RECV_WINDOW_MS = 60000

# The venue's code and wording for each kind of refusal.
REFUSALS: dict[Reject, tuple[int, str | None]] = {
    Reject.UNKNOWN_SYMBOL: (109500, "Account Service Unavailable, err:symbol not exist"),
    Reject.PRECISION: (110425, None),
    Reject.MIN_QUANTITY: (110422, None),
    Reject.MIN_NOTIONAL: (101400, None),
    Reject.INSUFFICIENT_MARGIN: (101204, "Insufficient margin"),
    Reject.REDUCE_ONLY: (
        101290,
        "The Reduce Only order can only decrease the position and not be used to open a position. "
        "Please check your positions and open orders.",
    ),
    Reject.NO_POSITION: (101205, "No position to close"),
    Reject.DUPLICATE_CLIENT_ID: (101481, "clientOrderID cannot be repeated"),
    Reject.UNKNOWN_ORDER: (80016, "order does not exist"),
    Reject.INVALID_PARAMETER: (109400, None),
    Reject.LEVERAGE: (109400, None),
    Reject.POSITION_SIDE: (109400, None),
}
CODE_BAD_SIGNATURE = 100001
CODE_NULL_SIGNATURE = 100412
CODE_BAD_API_KEY = 100413
CODE_TIMESTAMP = 100421
TIMESTAMP_MESSAGE = (
    "Null timestamp or timestamp mismatch, try to run our sample code from the link "
    "https://bingx-api.github.io/docs/#/en-us/spot/account-api.html#Query%20Assets"
)
# Swap REST spells resting orders PENDING and cancelled ones with two Ls.
STATUS = {"NEW": "PENDING", "FILLED": "FILLED", "CANCELLED": "CANCELLED"}


def ok(data: Any) -> JSONResponse:
    return JSONResponse({"code": 0, "msg": "", "data": data})


def fail(code: int, msg: str, now_ms: int) -> JSONResponse:
    return JSONResponse({"code": code, "msg": msg, "timestamp": now_ms})


def system_ms() -> int:
    return int(time.time() * 1000)


Handler = Callable[[dict[str, str], Account | None], Awaitable[Any]]


def rate_limited(retry_after_s: int) -> JSONResponse:
    # The venue's HTTP-level limit answer; it documents no Retry-After, but proxies in front
    # of it send one, and honouring it when present costs nothing.
    return JSONResponse(
        {"code": 100410, "msg": "Rate limit exceeded", "data": None},
        status_code=429,
        headers={"Retry-After": str(retry_after_s)},
    )


def server_error(status: int) -> JSONResponse:
    return JSONResponse({"code": 80012, "msg": "The current system is busy, please try again later"}, status)


def build_facade(exchange: Exchange, clock: Callable[[], int] = system_ms) -> VenueFacade:
    return VenueFacade(
        "bingx", "/openApi/", build_router(exchange, clock), exchange, rate_limited, server_error
    )


def build_router(exchange: Exchange, clock: Callable[[], int] = system_ms) -> APIRouter:
    router = APIRouter()
    book = ConditionalBook(exchange, clock)

    def route(method: str, path: str, *, signed: bool) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            async def endpoint(request: Request) -> JSONResponse:
                try:
                    query, body = await wire.query_and_body(request)
                    account = authenticate(exchange, request, query, body, clock()) if signed else None
                    # A name in both places: the query string wins.
                    params = dict(body) | dict(query)
                    params.pop("signature", None)
                    return ok(await fn(params, account))
                except BingxError as exc:
                    return fail(exc.code, exc.msg, clock())
                except SimError as exc:
                    code, wording = REFUSALS[exc.reason]
                    return fail(code, wording or exc.message, clock())

            router.add_api_route(path, endpoint, methods=[method], include_in_schema=False)
            return fn

        return register

    @route("GET", "/openApi/swap/v2/server/time", signed=False)
    async def server_time(params: dict[str, str], account: Account | None) -> Any:
        return {"serverTime": clock()}

    @route("GET", "/openApi/swap/v2/quote/contracts", signed=False)
    async def contracts(params: dict[str, str], account: Account | None) -> Any:
        wanted = params.get("symbol")
        return [
            {
                "contractId": str(100 + n),
                "symbol": inst.symbol,
                "size": "0",
                "quantityPrecision": inst.qty_precision,
                "pricePrecision": inst.price_precision,
                "feeRate": float(exchange.taker_fee),
                "makerFeeRate": 0.0002,
                "takerFeeRate": float(exchange.taker_fee),
                "tradeMinLimit": 0,
                "tradeMinQuantity": float(inst.min_qty),
                "tradeMinUSDT": float(inst.min_notional),
                "maxLongLeverage": inst.max_leverage,
                "maxShortLeverage": inst.max_leverage,
                "currency": inst.quote,
                "asset": inst.base,
                "status": 1,
                "apiStateOpen": "true",
                "apiStateClose": "true",
                "brokerState": "true",
                "launchTime": 1586275200000,
                "maintainTime": 0,
                "offTime": 0,
            }
            for n, inst in enumerate(exchange.instruments.values())
            if wanted is None or wanted == inst.symbol
        ]

    async def _price(params: dict[str, str]) -> Any:
        now = clock()
        symbol = params.get("symbol")
        if symbol:
            inst = exchange.instrument(symbol)
            return {"symbol": inst.symbol, "price": f"{inst.price:.{inst.price_precision}f}", "time": now}
        return [
            {"symbol": i.symbol, "price": f"{i.price:.{i.price_precision}f}", "time": now}
            for i in exchange.instruments.values()
        ]

    @route("GET", "/openApi/swap/v1/ticker/price", signed=False)
    async def ticker_price(params: dict[str, str], account: Account | None) -> Any:
        return await _price(params)

    @route("GET", "/openApi/swap/v2/quote/price", signed=False)
    async def quote_price(params: dict[str, str], account: Account | None) -> Any:
        return await _price(params)

    def _balance(account: Account) -> dict[str, str]:
        with exchange.lock:
            unrealized = exchange.unrealized(account)
            return {
                "userId": str(abs(hash(account.api_key)) % 10**9),
                "asset": "USDT",
                "balance": _fixed4(account.wallet),
                "equity": _fixed4(account.wallet + unrealized),
                "unrealizedProfit": _fixed4(unrealized),
                "realisedProfit": "0.0000",
                "availableMargin": _fixed4(exchange.available(account)),
                "usedMargin": _fixed4(exchange.used_margin(account)),
                "freezedMargin": "0.0000",
            }

    @route("GET", "/openApi/swap/v3/user/balance", signed=True)
    async def balance_v3(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return [_balance(account)]

    @route("GET", "/openApi/swap/v2/user/balance", signed=True)
    async def balance_v2(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return {"balance": _balance(account)}

    @route("GET", "/openApi/swap/v2/user/positions", signed=True)
    async def positions(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        out = []
        with exchange.lock:
            for pos in exchange.positions(account, params.get("symbol")):
                inst = exchange.instrument(pos.symbol)
                direction = exchange.direction(pos)
                leverage = exchange.leverage(account, pos.symbol, direction)
                margin = abs(pos.qty) * pos.entry / leverage
                out.append(
                    {
                        "positionId": str(abs(hash((account.api_key, pos.symbol, pos.side))) % 10**19),
                        "symbol": pos.symbol,
                        "currency": "USDT",
                        # The amount is positive; the direction is in positionSide.
                        "positionAmt": plain(abs(pos.qty)),
                        "availableAmt": plain(abs(pos.qty)),
                        "positionSide": direction,
                        "isolated": account.isolated.get(pos.symbol, False),
                        "avgPrice": plain(pos.entry),
                        "initialMargin": _fixed4(margin),
                        "margin": _fixed4(margin),
                        "leverage": leverage,
                        "unrealizedProfit": _fixed4(exchange.pnl(pos, inst.price)),
                        "realisedProfit": "0.0000",
                        "markPrice": f"{inst.price:.{inst.price_precision}f}",
                        "positionValue": _fixed4(abs(pos.qty) * inst.price),
                        "updateTime": clock(),
                    }
                )
        return out

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
            raise BingxError(
                CODE_INVALID, "In the Hedge mode, the 'Side' field can only be set to LONG or SHORT."
            )
        if not account.hedge_mode and side != "BOTH":
            raise BingxError(CODE_INVALID, "In the One-way mode, the 'Side' field can only be set to BOTH.")
        leverage = as_int(params, "leverage")
        exchange.set_leverage(account, symbol, side, leverage)
        return {"leverage": leverage, "symbol": symbol}

    @route("GET", "/openApi/swap/v2/trade/marginType", signed=True)
    async def get_margin_type(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        symbol = require(params, "symbol")
        exchange.instrument(symbol)
        return {"marginType": "ISOLATED" if account.isolated.get(symbol) else "CROSSED"}

    @route("POST", "/openApi/swap/v2/trade/marginType", signed=True)
    async def set_margin_type(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        symbol = require(params, "symbol")
        wanted = require(params, "marginType").upper()
        if wanted not in ("ISOLATED", "CROSSED"):
            raise BingxError(CODE_INVALID, "marginType must be ISOLATED or CROSSED")
        exchange.instrument(symbol)
        with exchange.lock:
            if (
                exchange.positions(account, symbol)
                or exchange.open_orders(account, symbol)
                or book.open_orders(account, symbol)
            ):
                raise BingxError(CODE_INVALID, "the account has positions or pending orders")
            account.isolated[symbol] = wanted == "ISOLATED"
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
            if wanted != account.hedge_mode and (
                exchange.positions(account) or exchange.open_orders(account) or book.open_orders(account)
            ):
                raise BingxError(109401, "user has pending orders or position")
            account.hedge_mode = wanted
        return {"dualSidePosition": "true" if wanted else "false"}

    async def _place(params: dict[str, str], account: Account, *, test: bool) -> Any:
        position_side = params.get("positionSide", "LONG").upper()  # the venue's default
        reduce_only = params.get("reduceOnly", "false").lower() == "true"
        if account.hedge_mode and "reduceOnly" in params:
            raise BingxError(CODE_INVALID, "In the Hedge mode, the 'ReduceOnly' field can not be filled.")
        if account.hedge_mode and position_side not in ("LONG", "SHORT"):
            raise BingxError(
                CODE_INVALID, "In the Hedge mode, the 'PositionSide' field can only be set to LONG or SHORT."
            )
        if not account.hedge_mode and position_side != "BOTH":
            raise BingxError(
                CODE_INVALID, "In the One-way mode, the 'PositionSide' field can only be set to BOTH."
            )
        client_id = (params.get("clientOrderId") or params.get("clientOrderID") or "").lower()
        if client_id and len(client_id) > 40:
            raise BingxError(CODE_INVALID, "clientOrderId must be 1-40 characters")
        order_type = require(params, "type").upper()
        symbol = require(params, "symbol")
        side = require(params, "side").upper()
        if side not in ("BUY", "SELL"):
            raise BingxError(CODE_INVALID, "Invalid parameters,side: must be BUY or SELL.")
        with exchange.lock:
            if order_type in CONDITIONAL_TYPES:
                return _place_conditional(
                    params, account, symbol, side, position_side, order_type, client_id, test
                )
            kwargs: dict[str, Any] = {
                "symbol": symbol,
                "side": side,
                "position_side": position_side,
                "order_type": order_type,
                "quantity": as_decimal(params, "quantity"),
                "price": as_decimal(params, "price") if order_type == "LIMIT" else None,
                "client_order_id": client_id,
                "reduce_only": reduce_only,
            }
            inst = exchange.instrument(symbol)
            reference = kwargs["price"] if kwargs["price"] is not None else inst.price
            attached = book.parse_attachments(params, side=side, reference=reference, symbol=symbol)
            if attached and (reduce_only or _closing(position_side, side)):
                raise BingxError(CODE_INVALID, "takeProfit/stopLoss can only be attached to an opening order")
            if test:
                return {"order": {"symbol": symbol, "orderId": 0, "side": side}}
            if client_id and book.holds_client_id(account, client_id):
                raise SimError(Reject.DUPLICATE_CLIENT_ID, f"clientOrderID {client_id} already used")
            order = exchange.place_order(account, **kwargs)
            book.attach(account, order, attached)
            return {"order": order_json(order)}

    def _place_conditional(
        params: dict[str, str],
        account: Account,
        symbol: str,
        side: str,
        position_side: str,
        order_type: str,
        client_id: str,
        test: bool,
    ) -> Any:
        close_position = params.get("closePosition", "false").lower() == "true"
        if close_position and ("quantity" in params or "reduceOnly" in params):
            raise BingxError(CODE_INVALID, "closePosition cannot be sent with quantity or reduceOnly")
        if close_position and order_type not in ("STOP_MARKET", "TAKE_PROFIT_MARKET"):
            raise BingxError(CODE_INVALID, "closePosition is only for STOP_MARKET and TAKE_PROFIT_MARKET")
        if close_position and not _closing(position_side, side) and position_side != "BOTH":
            raise BingxError(CODE_INVALID, "closePosition must close the position side it names")
        conditional = book.place(
            account,
            symbol=symbol,
            side=side,
            position_side=position_side,
            order_type=order_type,
            quantity=None if close_position else as_decimal(params, "quantity"),
            stop_price=as_decimal(params, "stopPrice"),
            price=as_decimal(params, "price") if order_type in ("STOP", "TAKE_PROFIT") else None,
            working_type=params.get("workingType", "MARK_PRICE").upper(),
            reduce_only=params.get("reduceOnly", "false").lower() == "true",
            client_order_id=client_id,
        )
        if test:
            del book.orders[conditional.order_id]
            return {"order": {"symbol": symbol, "orderId": 0, "side": side}}
        return {"order": conditional_json(conditional)}

    @route("POST", "/openApi/swap/v2/trade/order", signed=True)
    async def place(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return await _place(params, account, test=False)

    @route("POST", "/openApi/swap/v2/trade/order/test", signed=True)
    async def place_test(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return await _place(params, account, test=True)

    def _find(params: dict[str, str], account: Account) -> Order | Conditional:
        try:
            return _lookup(exchange, account, params)
        except SimError:
            order_id = params.get("orderId")
            client_id = (params.get("clientOrderId") or params.get("clientOrderID") or "").lower()
            return book.find(
                account, order_id=as_int(params, "orderId") if order_id else None, client_order_id=client_id
            )

    def _json(order: Order | Conditional) -> dict[str, Any]:
        return conditional_json(order) if isinstance(order, Conditional) else order_json(order)

    @route("GET", "/openApi/swap/v2/trade/order", signed=True)
    async def query(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            return {"order": _json(_find(params, account))}

    @route("DELETE", "/openApi/swap/v2/trade/order", signed=True)
    async def cancel(params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            found = _find(params, account)
            if isinstance(found, Conditional):
                return {"order": conditional_json(book.cancel(found))}
            return {"order": order_json(exchange.cancel_order(account, found))}

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

    return router


def _lookup(exchange: Exchange, account: Account, params: dict[str, str]) -> Order:
    require(params, "symbol")
    if params.get("orderId"):
        return exchange.find_order(account, order_id=as_int(params, "orderId"))
    client_id = params.get("clientOrderId") or params.get("clientOrderID")
    if client_id:
        return exchange.find_order(account, client_order_id=client_id.lower())
    raise BingxError(CODE_INVALID, "orderId or clientOrderId is required")


def _closing(position_side: str, side: str) -> bool:
    return (position_side, side) in (("LONG", "SELL"), ("SHORT", "BUY"))


def signed_strings(query: list[tuple[str, str]], body: list[tuple[str, str]]) -> list[str]:
    """The strings a valid signature may cover: as sent, and key-sorted."""
    q = "&".join(f"{k}={v}" for k, v in query if k != "signature")
    b = "&".join(f"{k}={v}" for k, v in body if k != "signature")
    every = sorted((k, v) for k, v in query + body if k != "signature")
    return [q + b, "&".join(f"{k}={v}" for k, v in every)]


def authenticate(
    exchange: Exchange,
    request: Request,
    query: list[tuple[str, str]],
    body: list[tuple[str, str]],
    now_ms: int,
) -> Account:
    api_key = request.headers.get("X-BX-APIKEY", "")
    account = exchange.accounts.get(api_key)
    if not api_key or account is None:
        raise BingxError(CODE_BAD_API_KEY, "Incorrect API key")
    given = [v for k, v in query + body if k == "signature"]
    if not given or not given[0]:
        raise BingxError(CODE_NULL_SIGNATURE, "Null signature")
    if len(given) != 1 or not any(
        wire.signature_matches(account.secret, text, given[0]) for text in signed_strings(query, body)
    ):
        raise BingxError(CODE_BAD_SIGNATURE, "Signature verification failed")
    params = dict(body) | dict(query)
    try:
        timestamp = int(params["timestamp"])
    except (KeyError, ValueError):
        raise BingxError(CODE_TIMESTAMP, TIMESTAMP_MESSAGE) from None
    try:
        window = int(params.get("recvWindow", DEFAULT_RECV_WINDOW_MS))
    except ValueError:
        raise BingxError(CODE_INVALID, "recvWindow must be an integer") from None
    window = min(max(window, 0), MAX_RECV_WINDOW_MS) or DEFAULT_RECV_WINDOW_MS
    if timestamp > now_ms + 1000 or now_ms - timestamp > window:
        raise BingxError(CODE_TIMESTAMP, TIMESTAMP_MESSAGE)
    return account


def require(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise BingxError(CODE_INVALID, f"Invalid parameters,{name}: This field is required.")
    return value


def as_int(params: dict[str, str], name: str) -> int:
    try:
        return int(require(params, name))
    except ValueError:
        raise BingxError(CODE_INVALID, f"Invalid parameters,{name}: must be an integer.") from None


def as_decimal(params: dict[str, str], name: str) -> Decimal:
    try:
        value = Decimal(require(params, name))
    except InvalidOperation:
        raise BingxError(CODE_INVALID, f"Invalid parameters,{name}: must be a number.") from None
    if not value.is_finite():
        raise BingxError(CODE_INVALID, f"Invalid parameters,{name}: must be a number.")
    return value


def _fixed4(value: Decimal) -> str:
    return f"{value:.4f}"


def order_json(order: Order) -> dict[str, Any]:
    return {
        "symbol": order.symbol,
        "orderId": order.order_id,  # a bare integer above 2**53, as the venue sends it
        "orderID": str(order.order_id),
        "side": order.side,
        "positionSide": order.position_side,
        "type": order.type,
        "origQty": plain(order.qty),
        "price": plain(order.price) if order.price is not None else "0",
        "executedQty": plain(order.executed_qty),
        "avgPrice": f"{order.avg_price:.4f}",
        "cumQuote": plain(order.executed_qty * order.avg_price),
        "stopPrice": "",
        "profit": _fixed4(order.realized_pnl),
        "commission": f"{-order.fee:.6f}",
        "status": STATUS.get(order.status, order.status),
        "time": order.time_ms,
        "updateTime": order.update_ms,
        "clientOrderId": order.client_order_id,
        "reduceOnly": order.reduce_only,
        "workingType": "MARK_PRICE",
        "stopGuaranteed": False,
    }
