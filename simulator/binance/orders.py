"""A new order's parameters checked the way the venue checks them, before the exchange sees it.

Binance refuses what BingX would silently fix: excess decimals (-1111), quantities off the
step (-4023), prices off the tick (-4014), and it applies LOT_SIZE to every order and
MARKET_LOT_SIZE to market orders on top.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from common.decimals import plain
from simulator.binance import codes
from simulator.binance.codes import BinanceError
from simulator.binance.instruments import Filters, canonical, market_rules
from simulator.exchange import Exchange, marketable
from simulator.positions import closes
from simulator.records import Account, Instrument, Order, Reject, SimError, decimals

CLIENT_ID_PATTERN = r"^[\.A-Z\:/a-z0-9_-]{1,36}$"
_CLIENT_ID = re.compile(CLIENT_ID_PATTERN)
CONDITIONAL_TYPES = ("STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET")
TIME_IN_FORCE = ("GTC", "IOC", "FOK", "GTX")
PERCENT_UP = Decimal("1.0500")
PERCENT_DOWN = Decimal("0.9500")
_ALPHABET = string.ascii_letters + string.digits
BOTH_EMPTY = "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"


@dataclass(frozen=True)
class NewOrder:
    symbol: str  # canonical
    side: str
    position_side: str
    order_type: str
    quantity: Decimal
    price: Decimal | None
    time_in_force: str
    reduce_only: bool
    client_order_id: str
    response_type: str


def auto_client_id() -> str:
    """The venue fills in an id when the client sends none."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(22))


def instrument_for(exchange: Exchange, params: dict[str, str]) -> Instrument:
    venue_sym = params.get("symbol")
    if not venue_sym:
        raise codes.mandatory("symbol")
    symbol = canonical(exchange.instruments, venue_sym)
    if symbol is None:
        raise BinanceError(codes.INVALID_SYMBOL)
    return exchange.instruments[symbol]


def choice(params: dict[str, str], name: str, allowed: tuple[str, ...], default: str | None = None) -> str:
    value = params.get(name, default)
    if not value or value.upper() not in allowed:
        raise codes.mandatory(name)
    return value.upper()


def decimal_param(params: dict[str, str], name: str) -> Decimal:
    text = params.get(name)
    if not text:
        raise codes.mandatory(name)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise codes.illegal(name, "^([0-9]{1,20})(\\.[0-9]{1,20})?$") from None
    if not value.is_finite():
        raise codes.illegal(name, "^([0-9]{1,20})(\\.[0-9]{1,20})?$")
    return value


def bool_param(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "false").lower()
    if value not in ("true", "false"):
        raise codes.mandatory(name)
    return value == "true"


def position_side(account: Account, params: dict[str, str]) -> str:
    side = params.get("positionSide", "BOTH").upper()
    if account.hedge_mode and side not in ("LONG", "SHORT"):
        raise BinanceError(codes.POSITION_SIDE_MISMATCH)
    if not account.hedge_mode and side != "BOTH":
        raise BinanceError(codes.POSITION_SIDE_MISMATCH)
    return side


def reduce_only(account: Account, params: dict[str, str]) -> bool:
    if "reduceOnly" in params and account.hedge_mode:
        raise codes.not_required("reduceOnly")
    return bool_param(params, "reduceOnly")


def client_id(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        return auto_client_id()
    if len(value) > 36:
        raise BinanceError(codes.CLIENT_ID_INVALID)
    if not _CLIENT_ID.fullmatch(value):
        raise codes.illegal(name, CLIENT_ID_PATTERN)
    return value


def check_quantity(inst: Instrument, filters: Filters, quantity: Decimal, *, market: bool) -> None:
    if quantity <= 0:
        raise BinanceError(codes.QTY_NOT_POSITIVE)
    if decimals(quantity) > inst.qty_precision:
        raise BinanceError(codes.BAD_PRECISION)
    lots = [(inst.qty_step, inst.min_qty, filters.max_qty)]
    if market:
        step, min_qty = market_rules(inst, filters)
        lots.append((step, min_qty, filters.market_max_qty))
    for step, min_qty, max_qty in lots:
        if quantity < min_qty:
            raise BinanceError(codes.QTY_TOO_LOW)
        if quantity > max_qty:
            raise BinanceError(codes.QTY_TOO_HIGH)
        if (quantity - min_qty) % step != 0:
            raise BinanceError(codes.QTY_STEP)


def check_price(inst: Instrument, filters: Filters, price: Decimal) -> None:
    if decimals(price) > inst.price_precision:
        raise BinanceError(codes.BAD_PRECISION)
    if price < filters.min_price:
        raise BinanceError(codes.PRICE_TOO_LOW)
    if price > filters.max_price:
        raise BinanceError(codes.PRICE_TOO_HIGH)
    if (price - filters.min_price) % inst.price_tick != 0:
        raise BinanceError(codes.PRICE_TICK)


def check_percent_price(inst: Instrument, side: str, price: Decimal) -> None:
    if side == "BUY" and price > inst.price * PERCENT_UP:
        limit = (inst.price * PERCENT_UP).quantize(inst.price_tick)
        raise BinanceError(codes.PRICE_ABOVE_MARK, f"Limit price can't be higher than {plain(limit)}.")
    if side == "SELL" and price < inst.price * PERCENT_DOWN:
        limit = (inst.price * PERCENT_DOWN).quantize(inst.price_tick)
        raise BinanceError(codes.PRICE_BELOW_MARK, f"Limit price can't be lower than {plain(limit)}.")


def check_notional(inst: Instrument, quantity: Decimal, price: Decimal | None) -> None:
    """MIN_NOTIONAL: market orders count at the mark price; reduce-only orders are exempt."""
    if quantity * (price if price is not None else inst.price) < inst.min_notional:
        raise codes.min_notional(plain(inst.min_notional))


def check_open_orders(exchange: Exchange, filters: Filters, account: Account, symbol: str) -> None:
    """MAX_NUM_ORDERS: the orders an account may have open on a symbol, algo (conditional) orders
    counted with the others ("Public Endpoints Info", docs/venues/binance.md 5.2)."""
    waiting = sum(len(listed(account, symbol)) for listed in exchange.waiting_orders)
    if len(exchange.open_orders(account, symbol)) + waiting >= filters.max_open_orders:
        raise BinanceError(codes.MAX_OPEN_ORDERS)


def parse_new_order(
    exchange: Exchange, filters: dict[str, Filters], account: Account, params: dict[str, str]
) -> NewOrder:
    inst = instrument_for(exchange, params)
    side = choice(params, "side", ("BUY", "SELL"))
    order_type = params.get("type", "").upper()
    if not order_type:
        raise codes.mandatory("type")
    if order_type in CONDITIONAL_TYPES:
        raise BinanceError(codes.USE_ALGO_API)
    if order_type not in ("LIMIT", "MARKET"):
        raise BinanceError(codes.INVALID_ORDER_TYPE)
    pside = position_side(account, params)
    reduce = reduce_only(account, params)
    check_open_orders(exchange, filters[inst.symbol], account, inst.symbol)
    cid = client_id(params, "newClientOrderId")
    response_type = choice(params, "newOrderRespType", ("ACK", "RESULT"), "ACK")
    quantity = decimal_param(params, "quantity")
    check_quantity(inst, filters[inst.symbol], quantity, market=order_type == "MARKET")
    price: Decimal | None = None
    tif = "GTC"
    if order_type == "LIMIT":
        tif = params.get("timeInForce", "").upper()
        if not tif:
            raise codes.mandatory("timeInForce")
        if tif not in TIME_IN_FORCE:
            raise BinanceError(codes.INVALID_TIF)
        price = decimal_param(params, "price")
        check_price(inst, filters[inst.symbol], price)
        check_percent_price(inst, side, price)
        if tif == "GTX" and marketable(side, price, inst.price):
            raise BinanceError(codes.GTX_WOULD_TAKE)
    else:
        # A market order takes neither; timeInForce on one is refused as observed
        # (Binance_Futures_Java#54: "-1106: Parameter 'timeInForce' sent when not required.").
        for name in ("price", "timeInForce"):
            if name in params:
                raise codes.not_required(name)
    if not (reduce or closes(pside, side)):
        check_notional(inst, quantity, price)
    return NewOrder(inst.symbol, side, pside, order_type, quantity, price, tif, reduce, cid, response_type)


def find_order(exchange: Exchange, account: Account, params: dict[str, str]) -> Order:
    """The order named by `orderId` or `origClientOrderId`, on the `symbol` sent."""
    inst = instrument_for(exchange, params)
    if params.get("orderId"):
        if not params["orderId"].isdigit():
            raise codes.illegal("orderId", "^[0-9]{1,20}$")
        order = exchange.find_order(account, order_id=int(params["orderId"]))
    elif params.get("origClientOrderId"):
        order = exchange.find_order(account, client_order_id=params["origClientOrderId"])
    else:
        raise BinanceError(codes.MANDATORY_PARAM, BOTH_EMPTY)
    if order.symbol != inst.symbol:
        raise SimError(Reject.UNKNOWN_ORDER, "order is on another symbol")
    return order
