"""Risk limits: the executor's last line of defence, whatever the gateway let through.

Each limit is optional and names itself in the rejection. Orders that only
reduce a position are never blocked by size limits: cutting risk must always
be possible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from common.decimals import plain
from common.errors import ErrorClass, TvbridgeError


@dataclass(frozen=True)
class RiskLimits:
    allowed_symbols: frozenset[str] = field(default_factory=frozenset)  # canonical; empty = any
    max_leverage: int | None = None
    max_order_notional: Decimal | None = None  # quote currency (USDT)
    max_position_notional: Decimal | None = None  # per symbol, after the order

    @property
    def needs_price(self) -> bool:
        return self.max_order_notional is not None or self.max_position_notional is not None

    @property
    def needs_position(self) -> bool:
        return self.max_position_notional is not None

    def check_symbol(self, symbol: str) -> None:
        if self.allowed_symbols and symbol not in self.allowed_symbols:
            allowed = ", ".join(sorted(self.allowed_symbols))
            raise TvbridgeError(ErrorClass.RISK_LIMIT, f"{symbol} is not in RISK_ALLOWED_SYMBOLS ({allowed})")

    def check_leverage(self, leverage: int) -> None:
        if self.max_leverage is not None and leverage > self.max_leverage:
            raise TvbridgeError(
                ErrorClass.RISK_LIMIT, f"leverage {leverage} exceeds RISK_MAX_LEVERAGE = {self.max_leverage}"
            )

    def check_order(self, notional: Decimal) -> None:
        if self.max_order_notional is not None and notional > self.max_order_notional:
            raise TvbridgeError(
                ErrorClass.RISK_LIMIT,
                f"order notional {plain(notional)} exceeds RISK_MAX_ORDER_NOTIONAL = "
                f"{plain(self.max_order_notional)}",
            )

    def check_position(self, symbol: str, position_after: Decimal, price: Decimal) -> None:
        if self.max_position_notional is None:
            return
        notional = abs(position_after) * price
        if notional > self.max_position_notional:
            raise TvbridgeError(
                ErrorClass.RISK_LIMIT,
                f"{symbol} position would be {plain(notional)} notional, above RISK_MAX_POSITION_NOTIONAL = "
                f"{plain(self.max_position_notional)}",
            )
