"""BingX swap v2 REST, as the venue documents it, over the simulator's exchange.

Every answer is HTTP 200 with the `{"code", "msg", "data"}` envelope; code 0
is success. Signed endpoints need the `X-BX-APIKEY` header, `timestamp`
within `recvWindow` of the server clock, and `signature`: the hex
HMAC-SHA256 of the other parameters as sent (`k=v` joined by `&`, values
percent-decoded).
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
from simulator.exchange import Account, Exchange, Order, Reject, SimError

DEFAULT_RECV_WINDOW_MS = 5000
MAX_RECV_WINDOW_MS = 60000

# Venue answer codes for each kind of refusal.
CODES: dict[Reject, int] = {
    Reject.UNKNOWN_SYMBOL: 109400,
    Reject.PRECISION: 80014,
    Reject.MIN_QUANTITY: 101400,
    Reject.MIN_NOTIONAL: 101400,
    Reject.INSUFFICIENT_MARGIN: 101204,
    Reject.REDUCE_ONLY: 80017,
    Reject.NO_POSITION: 80017,
    Reject.DUPLICATE_CLIENT_ID: 101209,
    Reject.UNKNOWN_ORDER: 80016,
    Reject.INVALID_PARAMETER: 80014,
    Reject.LEVERAGE: 80014,
    Reject.POSITION_SIDE: 80014,
}
CODE_BAD_SIGNATURE = 100001
CODE_BAD_API_KEY = 100413
CODE_TIMESTAMP = 100421


class BingxError(Exception):
    def __init__(self, code: int, msg: str) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg


def ok(data: Any) -> JSONResponse:
    return JSONResponse({"code": 0, "msg": "", "data": data})


def fail(code: int, msg: str) -> JSONResponse:
    return JSONResponse({"code": code, "msg": msg, "data": {}})


Handler = Callable[[Request, dict[str, str], Account | None], Awaitable[Any]]


def build_router(exchange: Exchange) -> APIRouter:
    router = APIRouter()

    def route(method: str, path: str, *, signed: bool) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            async def endpoint(request: Request) -> JSONResponse:
                try:
                    pairs = await wire.ordered_params(request)
                    params = dict(pairs)
                    account = authenticate(exchange, request, pairs) if signed else None
                    return ok(await fn(request, params, account))
                except BingxError as exc:
                    return fail(exc.code, exc.msg)
                except SimError as exc:
                    return fail(CODES[exc.reason], exc.message)

            router.add_api_route(path, endpoint, methods=[method], include_in_schema=False)
            return fn

        return register

    @route("GET", "/openApi/swap/v2/server/time", signed=False)
    async def server_time(request: Request, params: dict[str, str], account: Account | None) -> Any:
        return {"serverTime": int(time.time() * 1000)}

    @route("GET", "/openApi/swap/v2/quote/contracts", signed=False)
    async def contracts(request: Request, params: dict[str, str], account: Account | None) -> Any:
        wanted = params.get("symbol")
        return [
            {
                "contractId": str(100 + n),
                "symbol": inst.symbol,
                "size": "0.0001",
                "quantityPrecision": inst.qty_precision,
                "pricePrecision": inst.price_precision,
                "feeRate": plain(exchange.taker_fee),
                "makerFeeRate": "0.0002",
                "takerFeeRate": plain(exchange.taker_fee),
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
            }
            for n, inst in enumerate(exchange.instruments.values())
            if wanted is None or wanted == inst.symbol
        ]

    @route("GET", "/openApi/swap/v2/quote/price", signed=False)
    async def price(request: Request, params: dict[str, str], account: Account | None) -> Any:
        now = int(time.time() * 1000)
        symbol = params.get("symbol")
        if symbol:
            inst = exchange.instrument(symbol)
            return {
                "symbol": inst.symbol,
                "price": plain_fixed(inst.price, inst.price_precision),
                "time": now,
            }
        return [
            {"symbol": i.symbol, "price": plain_fixed(i.price, i.price_precision), "time": now}
            for i in exchange.instruments.values()
        ]

    @route("GET", "/openApi/swap/v2/user/balance", signed=True)
    async def balance(request: Request, params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        with exchange.lock:
            unrealized = exchange.unrealized(account)
            used = exchange.used_margin(account)
            return {
                "balance": {
                    "userId": str(abs(hash(account.api_key)) % 10**10),
                    "asset": "USDT",
                    "balance": plain(account.wallet),
                    "equity": plain(account.wallet + unrealized),
                    "unrealizedProfit": plain(unrealized),
                    "realisedProfit": "0",
                    "availableMargin": plain(exchange.available(account)),
                    "usedMargin": plain(used),
                    "freezedMargin": "0",
                }
            }

    @route("GET", "/openApi/swap/v2/user/positions", signed=True)
    async def positions(request: Request, params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        out = []
        with exchange.lock:
            for pos in exchange.positions(account, params.get("symbol")):
                inst = exchange.instrument(pos.symbol)
                long_side = pos.side == "LONG" or (pos.side == "BOTH" and pos.qty > 0)
                direction = "LONG" if long_side else "SHORT"
                out.append(
                    {
                        "symbol": pos.symbol,
                        "positionId": str(abs(hash((account.api_key, pos.symbol, pos.side))) % 10**18),
                        # One-way positions are reported by direction with a signed amount
                        # in BOTH mode; hedge positions carry their own side.
                        "positionSide": pos.side if pos.side != "BOTH" else "BOTH",
                        "isolated": account.isolated.get(pos.symbol, False),
                        "positionAmt": plain(pos.qty),
                        "availableAmt": plain(abs(pos.qty)),
                        "unrealizedProfit": plain(exchange._pnl(pos, inst.price)),
                        "realisedProfit": "0",
                        "initialMargin": plain(
                            abs(pos.qty) * pos.entry / exchange.leverage(account, pos.symbol, direction)
                        ),
                        "avgPrice": plain(pos.entry),
                        "markPrice": plain(inst.price),
                        "leverage": exchange.leverage(account, pos.symbol, direction),
                    }
                )
        return out

    @route("GET", "/openApi/swap/v2/trade/leverage", signed=True)
    async def get_leverage(request: Request, params: dict[str, str], account: Account | None) -> Any:
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
    async def set_leverage(request: Request, params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        symbol = require(params, "symbol")
        side = require(params, "side").upper()
        if side not in ("LONG", "SHORT", "BOTH"):
            raise BingxError(80014, "side must be LONG, SHORT or BOTH")
        if side == "BOTH" and account.hedge_mode:
            raise BingxError(80014, "side BOTH is for one-way mode")
        leverage = as_int(params, "leverage")
        exchange.set_leverage(account, symbol, side, leverage)
        return {"leverage": leverage, "symbol": symbol}

    @route("GET", "/openApi/swap/v1/positionSide/dual", signed=True)
    async def get_mode(request: Request, params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return {"dualSidePosition": "true" if account.hedge_mode else "false"}

    @route("POST", "/openApi/swap/v1/positionSide/dual", signed=True)
    async def set_mode(request: Request, params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        wanted = require(params, "dualSidePosition").lower() == "true"
        with exchange.lock:
            if wanted != account.hedge_mode and exchange.positions(account):
                raise BingxError(80014, "cannot change position mode with open positions")
            account.hedge_mode = wanted
        return {"dualSidePosition": "true" if wanted else "false"}

    async def _place(params: dict[str, str], account: Account, *, test: bool) -> Any:
        order_type = require(params, "type").upper()
        position_side = params.get("positionSide", "BOTH").upper()
        reduce_only = params.get("reduceOnly", "false").lower() == "true"
        kwargs = {
            "symbol": require(params, "symbol"),
            "side": require(params, "side").upper(),
            "position_side": position_side,
            "order_type": order_type,
            "quantity": as_decimal(params, "quantity"),
            "price": as_decimal(params, "price") if params.get("price") else None,
            "client_order_id": params.get("clientOrderID", ""),
            "reduce_only": reduce_only,
        }
        cid = str(kwargs["client_order_id"])
        if cid and (len(cid) > 40 or not all(c.isalnum() or c in "-_" for c in cid)):
            raise BingxError(80014, "clientOrderID must be 1-40 letters, digits, '-' or '_'")
        if test:
            return {"order": {"symbol": kwargs["symbol"], "orderId": 0, "side": kwargs["side"]}}
        order = exchange.place_order(account, **kwargs)  # type: ignore[arg-type]
        return {"order": order_json(order)}

    @route("POST", "/openApi/swap/v2/trade/order", signed=True)
    async def place(request: Request, params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return await _place(params, account, test=False)

    @route("POST", "/openApi/swap/v2/trade/order/test", signed=True)
    async def place_test(request: Request, params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return await _place(params, account, test=True)

    @route("GET", "/openApi/swap/v2/trade/order", signed=True)
    async def query(request: Request, params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        return {"order": order_json(_lookup(exchange, account, params))}

    @route("DELETE", "/openApi/swap/v2/trade/order", signed=True)
    async def cancel(request: Request, params: dict[str, str], account: Account | None) -> Any:
        assert account is not None
        order = exchange.cancel_order(account, _lookup(exchange, account, params))
        return {"order": order_json(order)}

    return router


def _lookup(exchange: Exchange, account: Account, params: dict[str, str]) -> Order:
    require(params, "symbol")
    if params.get("orderId"):
        return exchange.find_order(account, order_id=as_int(params, "orderId"))
    if params.get("clientOrderID"):
        return exchange.find_order(account, client_order_id=params["clientOrderID"])
    raise BingxError(80014, "orderId or clientOrderID is required")


def authenticate(exchange: Exchange, request: Request, pairs: list[tuple[str, str]]) -> Account:
    api_key = request.headers.get("X-BX-APIKEY", "")
    account = exchange.accounts.get(api_key)
    if not api_key or account is None:
        raise BingxError(CODE_BAD_API_KEY, "Incorrect apiKey")
    given = [v for k, v in pairs if k == "signature"]
    if len(given) != 1:
        raise BingxError(CODE_BAD_SIGNATURE, "Signature verification failed")
    payload = "&".join(f"{k}={v}" for k, v in pairs if k != "signature")
    if not wire.signature_matches(account.secret, payload, given[0]):
        raise BingxError(CODE_BAD_SIGNATURE, "Signature verification failed")
    params = dict(pairs)
    try:
        timestamp = int(params["timestamp"])
    except (KeyError, ValueError):
        raise BingxError(CODE_TIMESTAMP, "Null timestamp or timestamp mismatch") from None
    try:
        window = int(params.get("recvWindow", DEFAULT_RECV_WINDOW_MS))
    except ValueError:
        raise BingxError(80014, "recvWindow must be an integer") from None
    window = min(max(window, 0), MAX_RECV_WINDOW_MS)
    now = int(time.time() * 1000)
    if timestamp > now + 1000 or now - timestamp > window:
        raise BingxError(CODE_TIMESTAMP, "timestamp is invalid, outside of recvWindow")
    return account


def require(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise BingxError(80014, f"{name} is required")
    return value


def as_int(params: dict[str, str], name: str) -> int:
    try:
        return int(require(params, name))
    except ValueError:
        raise BingxError(80014, f"{name} must be an integer") from None


def as_decimal(params: dict[str, str], name: str) -> Decimal:
    try:
        value = Decimal(require(params, name))
    except InvalidOperation:
        raise BingxError(80014, f"{name} must be a number") from None
    if not value.is_finite():
        raise BingxError(80014, f"{name} must be a number")
    return value


def plain_fixed(value: Decimal, places: int) -> str:
    return f"{value:.{places}f}"


def order_json(order: Order) -> dict[str, Any]:
    return {
        "symbol": order.symbol,
        "orderId": order.order_id,
        "side": order.side,
        "positionSide": order.position_side,
        "type": order.type,
        "origQty": plain(order.qty),
        "price": plain(order.price) if order.price is not None else "0",
        "executedQty": plain(order.executed_qty),
        "avgPrice": plain(order.avg_price),
        "cumQuote": plain(order.executed_qty * order.avg_price),
        "stopPrice": "",
        "profit": plain(order.realized_pnl),
        "commission": plain(-order.fee),
        "status": order.status,
        "time": order.time_ms,
        "updateTime": order.update_ms,
        "clientOrderID": order.client_order_id,
        "reduceOnly": order.reduce_only,
        "workingType": "MARK_PRICE",
    }
