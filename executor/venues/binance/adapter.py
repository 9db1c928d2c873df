"""Binance USDⓈ-M futures adapter: the venue base's contract in Binance's terms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from common.decimals import parse_decimal
from common.errors import ErrorClass, TvbridgeError
from executor.core.events import Fill, OrderUpdate
from executor.core.model import MarginMode, PositionSide, Venue
from executor.core.ports import (
    InstrumentRules,
    OpenProtection,
    OrderRequest,
    ProtectionKind,
    ProtectionRequest,
    VenueBalance,
    VenueOrder,
    VenuePosition,
)
from executor.core.resting import of_update
from executor.venues.base import order_params, order_status, venue_order
from executor.venues.binance import endpoints
from executor.venues.binance.client import BinanceClient
from executor.venues.binance.errors import NO_NEED_TO_CHANGE_MARGIN_TYPE, POSITION_SIDE_NOT_MATCH
from executor.venues.binance.events import algo_row, is_liquidation, order_row, trade_row
from executor.venues.binance.statuses import ALGO_STATUSES, ORDER_STATUSES
from executor.venues.binance.stream import BinanceUserStream
from executor.venues.event_fields import OrderOrigin, order_kind
from executor.venues.rest_adapter import RestVenueAdapter


class BinanceAdapter(RestVenueAdapter):
    """One leverage per symbol for both directions: cached under PositionSide.BOTH."""

    venue = Venue.BINANCE
    venue_label = "Binance"
    test_order_path = endpoints.TEST_ORDER
    client_class = BinanceClient

    # -- symbols and rules -------------------------------------------------

    def venue_symbol(self, symbol: str) -> str:
        rules = self._rules.get(symbol)
        return rules.venue_symbol if rules is not None else symbol.replace("-", "")

    def _fetch_rules(self) -> list[InstrumentRules]:
        info = self.client.public("GET", endpoints.EXCHANGE_INFO)
        # The account's own weight limit, where it differs from the default the pacer starts with.
        if isinstance(self.client, BinanceClient):
            self.client.pacer.learn_limits(info.get("rateLimits"))
        return [r for r in (_rules_from(entry) for entry in info.get("symbols", [])) if r is not None]

    # -- market and account reads ------------------------------------------

    def last_price(self, venue_symbol: str) -> Decimal:
        data = self.client.public("GET", endpoints.PRICE, {"symbol": venue_symbol})
        return parse_decimal(data["price"])

    def leverage(self, venue_symbol: str, position_side: PositionSide) -> int:
        cached = self._leverage.get((venue_symbol, PositionSide.BOTH))
        if cached is not None:
            return cached
        rows = self.client.signed("GET", endpoints.POSITION_RISK, {"symbol": venue_symbol})
        if not rows:
            raise TvbridgeError(ErrorClass.UNKNOWN_SYMBOL, f"Binance reports no leverage for {venue_symbol}")
        leverage = int(rows[0]["leverage"])
        with self._lock:
            self._leverage[(venue_symbol, PositionSide.BOTH)] = leverage
        return leverage

    def set_leverage(self, venue_symbol: str, position_side: PositionSide, leverage: int) -> None:
        # Binance keeps one leverage per symbol, so the side does not matter.
        data = self.client.signed("POST", endpoints.LEVERAGE, {"symbol": venue_symbol, "leverage": leverage})
        with self._lock:
            self._leverage[(venue_symbol, PositionSide.BOTH)] = int(data.get("leverage", leverage))

    def hedge_mode(self) -> bool:
        if self._hedge_mode is None:
            data = self.client.signed("GET", endpoints.POSITION_MODE)
            self._hedge_mode = str(data.get("dualSidePosition", False)).lower() == "true"
        return self._hedge_mode

    def margin_mode(self, venue_symbol: str) -> MarginMode:
        cached = self._margin_modes.get(venue_symbol)
        if cached is None:
            # No read endpoint of its own: positionRisk carries it, flat symbols included.
            rows = self.client.signed("GET", endpoints.POSITION_RISK, {"symbol": venue_symbol})
            cached = _margin_mode(rows[0].get("marginType")) if rows else None
            cached = cached or MarginMode.CROSS
            self._margin_modes[venue_symbol] = cached
        return cached

    def set_margin_mode(self, venue_symbol: str, mode: MarginMode) -> None:
        wire = "ISOLATED" if mode is MarginMode.ISOLATED else "CROSSED"
        try:
            self.client.signed("POST", endpoints.MARGIN_TYPE, {"symbol": venue_symbol, "marginType": wire})
        except TvbridgeError as exc:
            if exc.venue_code != str(NO_NEED_TO_CHANGE_MARGIN_TYPE):  # already so
                raise
        self._margin_modes[venue_symbol] = mode

    def read_taker_fee(self, venue_symbol: str) -> Decimal:
        # Per symbol on Binance (docs/venues/binance.md, "User Commission Rate").
        data = self.client.signed("GET", endpoints.COMMISSION_RATE, {"symbol": venue_symbol})
        return parse_decimal(data["takerCommissionRate"])

    def balances(self) -> list[VenueBalance]:
        rows = self.client.signed("GET", endpoints.BALANCE)
        out = []
        for b in rows or []:
            wallet = parse_decimal(b["balance"])
            unrealized = parse_decimal(b.get("crossUnPnl", "0"))
            out.append(
                VenueBalance(
                    asset=str(b["asset"]),
                    wallet=wallet,
                    available=parse_decimal(b["availableBalance"]),
                    equity=wallet + unrealized,
                    unrealized_pnl=unrealized,
                )
            )
        return out

    def positions(self, venue_symbol: str | None = None) -> list[VenuePosition]:
        params = {"symbol": venue_symbol} if venue_symbol else {}
        rows = self.client.signed("GET", endpoints.POSITION_RISK, params)
        out = []
        for p in rows or []:
            leverage = int(p.get("leverage", 0))
            self._learn_settings(str(p["symbol"]), leverage, _margin_mode(p.get("marginType")))
            amount = parse_decimal(p["positionAmt"])
            if amount == 0:
                continue
            out.append(
                VenuePosition(
                    symbol=self._symbol_of(str(p["symbol"])),
                    venue_symbol=str(p["symbol"]),
                    position_side=PositionSide(str(p.get("positionSide", "BOTH")).upper()),
                    # Signed by the venue in both modes: a hedge-mode SHORT row is negative too.
                    quantity=amount,
                    entry_price=parse_decimal(p.get("entryPrice", "0")),
                    mark_price=parse_decimal(p.get("markPrice", "0") or "0"),
                    unrealized_pnl=parse_decimal(p.get("unRealizedProfit", "0")),
                    leverage=leverage,
                    margin_mode=_margin_mode(p.get("marginType")),
                )
            )
        return out

    def _learn_settings(self, venue_symbol: str, leverage: int, mode: MarginMode | None) -> None:
        """positionRisk v2 lists every symbol, flat ones included, with its leverage and margin
        type (docs/venues/binance.md 5.5): what is not cached is taken from the row. What is
        cached stays: a read that began before a change we made must not undo it."""
        with self._lock:
            if leverage:
                self._leverage.setdefault((venue_symbol, PositionSide.BOTH), leverage)
            if mode is not None:
                self._margin_modes.setdefault(venue_symbol, mode)

    # -- orders ---------------------------------------------------------------

    def _order_params(self, request: OrderRequest) -> dict[str, Any]:
        params = order_params(request)
        params["newClientOrderId"] = request.client_order_id
        # The default ACK answer reports a market order before its fill; RESULT reports the fill.
        params["newOrderRespType"] = "RESULT"
        return params

    def _position_mode_refused(self, exc: TvbridgeError) -> bool:
        return exc.venue_code == str(POSITION_SIDE_NOT_MATCH)

    def place_order(self, request: OrderRequest) -> VenueOrder:
        if request.attached:
            # Binance has no attached TP/SL: the engine places them as algo orders after the fill.
            raise TvbridgeError(ErrorClass.UNSUPPORTED, "Binance orders cannot carry take-profit/stop-loss")
        data = self._send_order(endpoints.ORDER, self._order_params(request))
        placed = venue_order(data, request.client_order_id, ORDER_STATUSES)
        # Its trades, read back by reconciliation, need not ask the venue whose they are.
        self._origins[placed.order_id] = OrderOrigin(request.client_order_id, False)
        return placed

    def find_order(self, venue_symbol: str, client_order_id: str) -> VenueOrder | None:
        try:
            data = self.client.signed(
                "GET", endpoints.ORDER, {"symbol": venue_symbol, "origClientOrderId": client_order_id}
            )
        except TvbridgeError as exc:
            if exc.error_class is ErrorClass.UNKNOWN_ORDER:
                return None
            raise
        return venue_order(data, client_order_id, ORDER_STATUSES)

    # Conditional orders live in the Algo Order API since 2025-12-09; the order endpoint
    # answers -4120 for STOP_MARKET and TAKE_PROFIT_MARKET.

    def place_protection(self, request: ProtectionRequest) -> VenueOrder:
        params: dict[str, Any] = {
            "algoType": "CONDITIONAL",
            "symbol": request.venue_symbol,
            "side": request.side.value,
            "positionSide": request.position_side.value,
            "type": request.venue_type,
            "quantity": request.quantity,
            # The algo API defaults to the last trade price; the mark price is what liquidations
            # and the other venue use, and one wick on thin trading does not set it off.
            "workingType": "MARK_PRICE",
            "clientAlgoId": request.client_order_id,
        }
        if request.kind is ProtectionKind.TRAILING_STOP:
            # Section 5.9 "New Algo Order": no triggerPrice; callbackRate in percent (1 is 1 %),
            # and activatePrice, without which the trail starts from the latest price.
            params["callbackRate"] = request.callback_pct
            if request.trigger_price is not None:
                params["activatePrice"] = request.trigger_price
        else:
            params["triggerPrice"] = request.trigger_price
        if request.position_side is PositionSide.BOTH:
            params["reduceOnly"] = "true"
        return _algo_order(self._send_order(endpoints.ALGO_ORDER, params), request.client_order_id)

    def replace_protection(self, old: OpenProtection, request: ProtectionRequest) -> VenueOrder:
        # No atomic replace for algo orders ("untriggered conditional orders cannot be modified",
        # section 5.9): the new one first, then the old one cancelled, so the position always has
        # one. Nothing documented refuses a reduce-only trigger beside another resting for the
        # same position: algo orders are checked against positions only when they fire.
        placed = self.place_protection(request)
        self.cancel_protection(request.venue_symbol, old.order_id)  # already gone: no error
        return placed

    def find_protection(self, venue_symbol: str, client_order_id: str) -> VenueOrder | None:
        try:
            data = self.client.signed("GET", endpoints.ALGO_ORDER, {"clientAlgoId": client_order_id})
        except TvbridgeError as exc:
            if exc.error_class is ErrorClass.UNKNOWN_ORDER:
                return None
            raise
        return _algo_order(data, client_order_id)

    def open_protections(self, venue_symbol: str) -> list[OpenProtection]:
        rows = self.client.signed("GET", endpoints.OPEN_ALGO_ORDERS, {"symbol": venue_symbol})
        where = self.where(venue_symbol)
        return [of_update(algo_row(a, where)) for a in rows or []]

    def cancel_protection(self, venue_symbol: str, order_id: str) -> None:
        try:
            self.client.signed("DELETE", endpoints.ALGO_ORDER, {"algoId": order_id})
        except TvbridgeError as exc:
            if exc.error_class is not ErrorClass.UNKNOWN_ORDER:
                raise

    # -- what the position keeper reads (executor/core/events.py VenueWatch) -------------------

    def open_orders(self, venue_symbol: str | None = None) -> list[OrderUpdate]:
        params = {"symbol": venue_symbol} if venue_symbol else {}
        plain = self.client.signed("GET", endpoints.OPEN_ORDERS, params) or []
        algos = self.client.signed("GET", endpoints.OPEN_ALGO_ORDERS, params) or []
        return [order_row(row, self.where(str(row["symbol"]))) for row in plain] + [
            algo_row(row, self.where(str(row["symbol"]))) for row in algos
        ]

    def triggered_orders(self, venue_symbol: str, since_ms: int) -> list[OrderUpdate]:
        # A conditional order that fires places a market (or limit) order of its own orderId and
        # a client id of the venue's; its trades, in /fapi/v1/userTrades, name only that order.
        # "Query All Algo Orders" (GET /fapi/v1/allAlgoOrders, section 5.9) lists the symbol's
        # algo orders of the last 7 days, finished ones included, each with the `actualOrderId`
        # it placed: one read (weight 5) per symbol and reconciliation links every such trade,
        # whether or not the keeper ever saw the algo order open.
        rows = self.client.signed("GET", endpoints.ALL_ALGO_ORDERS, {"symbol": venue_symbol}) or []
        where = self.where(venue_symbol)
        fired = (algo_row(row, where) for row in rows if row.get("actualOrderId"))
        return [o for o in fired if o.time_ms >= since_ms]

    def fills(self, venue_symbol: str, since_ms: int) -> list[Fill]:
        rows: list[dict[str, Any]] = []
        params: dict[str, Any] = {"symbol": venue_symbol, "startTime": since_ms, "limit": USER_TRADES_PAGE}
        while True:
            page = self.client.signed("GET", endpoints.USER_TRADES, params) or []
            rows.extend(page)
            if len(page) < USER_TRADES_PAGE:
                break
            # A full page: the rest from the next trade id on (fromId takes no time range).
            params = {"symbol": venue_symbol, "fromId": int(page[-1]["id"]) + 1, "limit": USER_TRADES_PAGE}
        where = self.where(venue_symbol)
        out = []
        for row in rows:
            origin = self._order_origin(venue_symbol, str(row["orderId"]))
            out.append(trade_row(row, where, origin.client_order_id, origin.liquidation))
        return out

    def _order_origin(self, venue_symbol: str, order_id: str) -> OrderOrigin:
        """A trade's order's client id and whether the venue liquidated with it: the trade row
        names neither. Read once per order."""
        known = self._origins.get(order_id)
        if known is None:
            try:
                order = self.client.signed(
                    "GET", endpoints.ORDER, {"symbol": venue_symbol, "orderId": order_id}
                )
            except TvbridgeError as exc:
                if exc.error_class is not ErrorClass.UNKNOWN_ORDER:
                    raise
                return OrderOrigin("", False)  # aged out of the venue's order history; not remembered
            client_order_id = str(order.get("clientOrderId") or "")
            kind = order_kind(order.get("origType") or order.get("type"))
            known = OrderOrigin(client_order_id, is_liquidation(kind, client_order_id))
            self._origins[order_id] = known
        return known

    def cancel_order(self, venue_symbol: str, order: OrderUpdate) -> None:
        # Conditional orders live in the Algo Order API (section 5.9), under their algoId.
        if order.kind.protective:
            self.cancel_protection(venue_symbol, order.order_id)
            return
        try:
            self.client.signed("DELETE", endpoints.ORDER, {"symbol": venue_symbol, "orderId": order.order_id})
        except TvbridgeError as exc:
            if exc.error_class is not ErrorClass.UNKNOWN_ORDER:
                raise  # -2011: not open any more, already gone

    def user_stream(self) -> BinanceUserStream:
        return BinanceUserStream(
            self.client, self.where, self.account, self.stream_url, observer=self.stream_observer
        )


USER_TRADES_PAGE = 1000  # the most the venue lists at once


def _algo_order(data: dict[str, Any], client_order_id: str) -> VenueOrder:
    return VenueOrder(
        order_id=str(data["algoId"]),
        client_order_id=str(data.get("clientAlgoId") or client_order_id),
        status=order_status(data.get("algoStatus"), ALGO_STATUSES),
        avg_price=None,
        executed_qty=None,
    )


def _decimal(value: Any) -> Decimal:
    return parse_decimal(value) if value not in (None, "") else Decimal(0)


def _rules_from(entry: dict[str, Any]) -> InstrumentRules | None:
    if entry.get("contractType") != "PERPETUAL" or entry.get("status") != "TRADING":
        return None
    filters = {f.get("filterType"): f for f in entry.get("filters", [])}
    lot = filters.get("LOT_SIZE", {})
    market = filters.get("MARKET_LOT_SIZE", lot)
    precision_step = Decimal(1).scaleb(-int(entry.get("quantityPrecision", 0)))
    lot_step = _decimal(lot.get("stepSize")) or precision_step
    market_step = _decimal(market.get("stepSize")) or lot_step
    lot_min, market_min = _decimal(lot.get("minQty")), _decimal(market.get("minQty"))
    # The rules carry one step for every order type; the engine's orders are mostly market
    # orders, so the stricter of LOT_SIZE and MARKET_LOT_SIZE wins (a limit order may lose
    # a little precision when the two differ, never be refused).
    tick = _decimal(filters.get("PRICE_FILTER", {}).get("tickSize")) or Decimal(1).scaleb(
        -int(entry.get("pricePrecision", 0))
    )
    symbol = f"{entry['baseAsset']}-{entry['quoteAsset']}"
    return InstrumentRules(
        symbol=symbol,
        venue_symbol=str(entry["symbol"]),
        qty_step=max(lot_step, market_step).normalize(),
        price_tick=tick.normalize(),
        min_qty=max(lot_min, market_min),
        min_notional=_decimal(filters.get("MIN_NOTIONAL", {}).get("notional")),
        min_qty_rule="MARKET_LOT_SIZE.minQty" if market_min > lot_min else "LOT_SIZE.minQty",
        min_notional_rule="MIN_NOTIONAL.notional",
    )


def _margin_mode(value: Any) -> MarginMode | None:
    text = str(value or "").lower()
    if text == "isolated":
        return MarginMode.ISOLATED
    if text in ("cross", "crossed"):
        return MarginMode.CROSS
    return None
