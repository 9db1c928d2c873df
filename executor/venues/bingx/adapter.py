"""BingX perpetual swap adapter: the venue base's contract in BingX's terms."""

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
from executor.venues.base import order_params, venue_order
from executor.venues.bingx import endpoints, protection
from executor.venues.bingx.client import BingxClient
from executor.venues.bingx.errors import INVALID_PARAMETERS
from executor.venues.bingx.events import fill_row, order_row, origin_of, signed_quantity
from executor.venues.bingx.margin import margin_mode as wire_margin_mode
from executor.venues.bingx.statuses import STATUSES
from executor.venues.bingx.stream import BingxUserStream
from executor.venues.event_fields import OrderOrigin
from executor.venues.rest_adapter import RestVenueAdapter


class BingxAdapter(RestVenueAdapter):
    venue = Venue.BINGX
    venue_label = "BingX"
    test_order_path = endpoints.TEST_ORDER
    client_class = BingxClient
    attaches_protection = True
    # A clientOrderId is taken only on LIMIT and MARKET orders; stops, and apart take-profits,
    # may not total more than the position (docs/venues/bingx.md 5.8).
    trigger_client_ids = False
    caps_trigger_totals = True

    # -- symbols and rules -------------------------------------------------

    def venue_symbol(self, symbol: str) -> str:
        return symbol  # BingX spells contracts BASE-QUOTE, as we do

    def _fetch_rules(self) -> list[InstrumentRules]:
        contracts = self.client.public("GET", endpoints.CONTRACTS)
        loaded = []
        for c in contracts or []:
            if str(c.get("status", 1)) != "1":
                continue
            qty_step = Decimal(1).scaleb(-int(c["quantityPrecision"]))
            price_tick = Decimal(1).scaleb(-int(c["pricePrecision"]))
            symbol = str(c["symbol"])
            loaded.append(
                InstrumentRules(
                    symbol=symbol,
                    venue_symbol=symbol,
                    qty_step=qty_step,
                    price_tick=price_tick,
                    min_qty=parse_decimal(c.get("tradeMinQuantity", 0)),
                    min_notional=parse_decimal(c.get("tradeMinUSDT", 0)),
                    min_qty_rule="tradeMinQuantity",
                    min_notional_rule="tradeMinUSDT",
                )
            )
        return loaded

    # -- market and account reads ------------------------------------------

    def last_price(self, venue_symbol: str) -> Decimal:
        data = self.client.public("GET", endpoints.PRICE, {"symbol": venue_symbol})
        return parse_decimal(data["price"])

    def leverage(self, venue_symbol: str, position_side: PositionSide) -> int:
        side = PositionSide.SHORT if position_side is PositionSide.SHORT else PositionSide.LONG
        cached = self._leverage.get((venue_symbol, side))
        if cached is not None:
            return cached
        data = self.client.signed("GET", endpoints.LEVERAGE, {"symbol": venue_symbol})
        with self._lock:
            self._leverage[(venue_symbol, PositionSide.LONG)] = int(data["longLeverage"])
            self._leverage[(venue_symbol, PositionSide.SHORT)] = int(data["shortLeverage"])
        return self._leverage[(venue_symbol, side)]

    def _leverage_keys(self, venue_symbol: str) -> tuple[tuple[str, PositionSide], ...]:
        # An event names one leverage only when both sides have it (executor/venues/bingx/events.py).
        return ((venue_symbol, PositionSide.LONG), (venue_symbol, PositionSide.SHORT))

    def set_leverage(self, venue_symbol: str, position_side: PositionSide, leverage: int) -> None:
        if self.hedge_mode():
            sides = [PositionSide.SHORT if position_side is PositionSide.SHORT else PositionSide.LONG]
            wire_sides = [s.value for s in sides]
        else:
            # One-way mode has one leverage for both directions.
            sides = [PositionSide.LONG, PositionSide.SHORT]
            wire_sides = ["BOTH"]
        for wire_side in wire_sides:
            self.client.signed(
                "POST",
                endpoints.LEVERAGE,
                {"symbol": venue_symbol, "side": wire_side, "leverage": leverage},
            )
        with self._lock:
            for side in sides:
                self._leverage[(venue_symbol, side)] = leverage

    def hedge_mode(self) -> bool:
        if self._hedge_mode is None:
            data = self.client.signed("GET", endpoints.POSITION_MODE)
            self._hedge_mode = str(data.get("dualSidePosition", "false")).lower() == "true"
        return self._hedge_mode

    def margin_mode(self, venue_symbol: str) -> MarginMode:
        cached = self._margin_modes.get(venue_symbol)
        if cached is None:
            data = self.client.signed("GET", endpoints.MARGIN_TYPE, {"symbol": venue_symbol})
            cached = wire_margin_mode(data["marginType"]) or MarginMode.CROSS
            self._margin_modes[venue_symbol] = cached
        return cached

    def set_margin_mode(self, venue_symbol: str, mode: MarginMode) -> None:
        wire = "ISOLATED" if mode is MarginMode.ISOLATED else "CROSSED"
        self.client.signed("POST", endpoints.MARGIN_TYPE, {"symbol": venue_symbol, "marginType": wire})
        self._margin_modes[venue_symbol] = mode

    def margin_asset(self, asset: str) -> str:
        # Contracts are named -USDT on the demo host too, but the margin there is VST (bingx.md 1).
        return endpoints.DEMO_ASSET if self.demo and asset == "USDT" else asset

    def read_taker_fee(self, venue_symbol: str) -> Decimal:
        # Account-wide on BingX (docs/venues/bingx.md, "Query Trading Commission Rate").
        data = self.client.signed("GET", endpoints.COMMISSION_RATE)
        return parse_decimal(data["commission"]["takerCommissionRate"])

    def balances(self) -> list[VenueBalance]:
        data = self.client.signed("GET", endpoints.BALANCE)
        entries = data if isinstance(data, list) else [data["balance"]]
        return [
            VenueBalance(
                asset=str(b["asset"]),
                wallet=parse_decimal(b["balance"]),
                available=parse_decimal(b["availableMargin"]),
                equity=parse_decimal(b["equity"]),
                unrealized_pnl=parse_decimal(b.get("unrealizedProfit", "0")),
            )
            for b in entries
        ]

    def positions(self, venue_symbol: str | None = None) -> list[VenuePosition]:
        params = {"symbol": venue_symbol} if venue_symbol else {}
        data = self.client.signed("GET", endpoints.POSITIONS, params)
        hedge = self.hedge_mode()
        out = []
        for p in data or []:
            amount = parse_decimal(p["positionAmt"])
            if amount == 0:
                continue
            side = PositionSide(str(p.get("positionSide", "BOTH")).upper())
            signed_amount = signed_quantity(side, amount)
            out.append(
                VenuePosition(
                    symbol=str(p["symbol"]),
                    venue_symbol=str(p["symbol"]),
                    position_side=side if hedge else PositionSide.BOTH,
                    quantity=signed_amount,
                    entry_price=parse_decimal(p.get("avgPrice", "0")),
                    mark_price=parse_decimal(p.get("markPrice", "0") or "0"),
                    unrealized_pnl=parse_decimal(p.get("unrealizedProfit", "0")),
                    leverage=int(p.get("leverage", 0)),
                    margin_mode=MarginMode.ISOLATED if p.get("isolated") else MarginMode.CROSS,
                )
            )
        return out

    # -- orders ---------------------------------------------------------------

    def _order_params(self, request: OrderRequest) -> dict[str, Any]:
        params = {**order_params(request), "clientOrderId": request.client_order_id}
        for level in request.attached:
            # JSON-valued parameters, armed by the venue for the entry's quantity when it fills.
            name, wire_type = (
                ("takeProfit", "TAKE_PROFIT_MARKET")
                if level.kind is ProtectionKind.TAKE_PROFIT
                else ("stopLoss", "STOP_MARKET")
            )
            params[name] = {
                "type": wire_type,
                "stopPrice": level.trigger_price,
                "workingType": "MARK_PRICE",
            }
        return params

    def _position_mode_refused(self, exc: TvbridgeError) -> bool:
        # 109400 is the venue's generic invalid-parameter code; its position-mode refusals say
        # which mode the account is in (docs/venues/bingx.md, section 6, position-mode mismatch).
        words = exc.venue_message
        return exc.venue_code == str(INVALID_PARAMETERS) and (
            "Hedge mode" in words or "One-way mode" in words
        )

    def place_order(self, request: OrderRequest) -> VenueOrder:
        data = self._send_order(endpoints.ORDER, self._order_params(request))
        return venue_order(data.get("order", data), request.client_order_id, STATUSES)

    def find_order(self, venue_symbol: str, client_order_id: str) -> VenueOrder | None:
        try:
            data = self.client.signed(
                "GET", endpoints.ORDER, {"symbol": venue_symbol, "clientOrderId": client_order_id}
            )
        except TvbridgeError as exc:
            if exc.error_class is ErrorClass.UNKNOWN_ORDER:
                return None
            raise
        return venue_order(data.get("order", data), client_order_id, STATUSES)

    def place_protection(self, request: ProtectionRequest) -> VenueOrder:
        data = self._send_order(endpoints.ORDER, protection.request_params(request))
        return venue_order(data.get("order", data), request.client_order_id, STATUSES)

    def replace_protection(self, old: OpenProtection, request: ProtectionRequest) -> VenueOrder:
        # One cancelReplace request (section 5.10a): no moment without one or the other.
        return protection.replace(self._send_order, self.open_protections, old, request)

    def find_protection(self, venue_symbol: str, client_order_id: str) -> VenueOrder | None:
        return self.find_order(venue_symbol, client_order_id)  # one order endpoint for every type

    def open_protections(self, venue_symbol: str) -> list[OpenProtection]:
        return [of_update(o) for o in self.open_orders(venue_symbol) if o.kind.protective]

    def cancel_protection(self, venue_symbol: str, order_id: str) -> None:
        try:
            self.client.signed("DELETE", endpoints.ORDER, {"symbol": venue_symbol, "orderId": order_id})
        except TvbridgeError as exc:
            if exc.error_class is not ErrorClass.UNKNOWN_ORDER:
                raise

    # -- what the position keeper reads (executor/core/events.py VenueWatch) -------------------

    def open_orders(self, venue_symbol: str | None = None) -> list[OrderUpdate]:
        params = {"symbol": venue_symbol} if venue_symbol else {}
        data = self.client.signed("GET", endpoints.OPEN_ORDERS, params)
        return [order_row(o, self.where(str(o["symbol"]))) for o in (data or {}).get("orders") or []]

    def fills(self, venue_symbol: str, since_ms: int) -> list[Fill]:
        # Section 9.5: startTs < filled <= endTs, a start alone lists nothing, 7 days at most.
        end = self.client.now_ms()
        start = max(since_ms - 1, end - FILL_HISTORY_WINDOW_MS)
        rows: list[dict[str, Any]] = []
        index = 1
        while True:
            data = self.client.signed(
                "GET",
                endpoints.FILL_HISTORY,
                {
                    "symbol": venue_symbol,
                    "startTs": start,
                    "endTs": end,
                    "pageIndex": index,
                    "pageSize": FILL_PAGE,
                },
            )
            page = (data or {}).get("fill_history_orders") or []
            rows.extend(page)
            if len(page) < FILL_PAGE or len(rows) >= int((data or {}).get("total", 0)):
                break
            index += 1
        where = self.where(venue_symbol)
        return [fill_row(row, where, self._order_origin(venue_symbol, str(row["orderId"]))) for row in rows]

    def _order_origin(self, venue_symbol: str, order_id: str) -> OrderOrigin:
        """A fill's order's client id, whether it liquidated, its profit: the row has none.
        Read once per order that has finished filling."""
        known = self._origins.get(order_id)
        if known is not None:
            return known
        try:
            data = self.client.signed("GET", endpoints.ORDER, {"symbol": venue_symbol, "orderId": order_id})
        except TvbridgeError as exc:
            if exc.error_class is not ErrorClass.UNKNOWN_ORDER:
                raise
            return OrderOrigin("", False)
        order = data.get("order", data)
        origin = origin_of(order)
        if str(order.get("status", "")).upper() in _FINAL_WORDS:
            self._origins[order_id] = origin  # its profit will not change any more
        return origin

    def cancel_order(self, venue_symbol: str, order: OrderUpdate) -> None:
        # One order endpoint for every type, conditional ones included (section 5.10).
        self.cancel_protection(venue_symbol, order.order_id)

    def user_stream(self) -> BingxUserStream:
        return BingxUserStream(
            self.client,
            self.where,
            self.hedge_mode,
            self.account,
            self.stream_url,
            observer=self.stream_observer,
        )


FILL_PAGE = 1000  # the most fillHistory lists at once
FILL_HISTORY_WINDOW_MS = 7 * 24 * 3600 * 1000
_FINAL_WORDS = ("FILLED", "CANCELED", "CANCELLED", "EXPIRED")
