import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Venue(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VENUE_UNSPECIFIED: _ClassVar[Venue]
    VENUE_BINGX: _ClassVar[Venue]
    VENUE_BINANCE: _ClassVar[Venue]

class Action(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACTION_UNSPECIFIED: _ClassVar[Action]
    ACTION_BUY: _ClassVar[Action]
    ACTION_SELL: _ClassVar[Action]
    ACTION_CLOSE: _ClassVar[Action]
    ACTION_CLOSE_LONG: _ClassVar[Action]
    ACTION_CLOSE_SHORT: _ClassVar[Action]
    ACTION_UPDATE: _ClassVar[Action]

class MarketPosition(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MARKET_POSITION_UNSPECIFIED: _ClassVar[MarketPosition]
    MARKET_POSITION_LONG: _ClassVar[MarketPosition]
    MARKET_POSITION_SHORT: _ClassVar[MarketPosition]
    MARKET_POSITION_FLAT: _ClassVar[MarketPosition]

class MarginMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MARGIN_MODE_UNSPECIFIED: _ClassVar[MarginMode]
    MARGIN_MODE_ISOLATED: _ClassVar[MarginMode]
    MARGIN_MODE_CROSS: _ClassVar[MarginMode]

class OrderType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_TYPE_UNSPECIFIED: _ClassVar[OrderType]
    ORDER_TYPE_MARKET: _ClassVar[OrderType]
    ORDER_TYPE_LIMIT: _ClassVar[OrderType]

class Side(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIDE_UNSPECIFIED: _ClassVar[Side]
    SIDE_BUY: _ClassVar[Side]
    SIDE_SELL: _ClassVar[Side]

class PositionSide(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    POSITION_SIDE_UNSPECIFIED: _ClassVar[PositionSide]
    POSITION_SIDE_BOTH: _ClassVar[PositionSide]
    POSITION_SIDE_LONG: _ClassVar[PositionSide]
    POSITION_SIDE_SHORT: _ClassVar[PositionSide]

class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OUTCOME_UNSPECIFIED: _ClassVar[Outcome]
    OUTCOME_EXECUTED: _ClassVar[Outcome]
    OUTCOME_REJECTED: _ClassVar[Outcome]
    OUTCOME_FAILED: _ClassVar[Outcome]
    OUTCOME_EXPIRED: _ClassVar[Outcome]

class ErrorClass(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_CLASS_UNSPECIFIED: _ClassVar[ErrorClass]
    ERROR_CLASS_INVALID_SIGNAL: _ClassVar[ErrorClass]
    ERROR_CLASS_UNKNOWN_SYMBOL: _ClassVar[ErrorClass]
    ERROR_CLASS_BELOW_MINIMUM: _ClassVar[ErrorClass]
    ERROR_CLASS_PRECISION: _ClassVar[ErrorClass]
    ERROR_CLASS_RISK_LIMIT: _ClassVar[ErrorClass]
    ERROR_CLASS_TRADING_DISABLED: _ClassVar[ErrorClass]
    ERROR_CLASS_INSUFFICIENT_MARGIN: _ClassVar[ErrorClass]
    ERROR_CLASS_NO_POSITION: _ClassVar[ErrorClass]
    ERROR_CLASS_AUTH: _ClassVar[ErrorClass]
    ERROR_CLASS_TIMESTAMP: _ClassVar[ErrorClass]
    ERROR_CLASS_DUPLICATE_CLIENT_ID: _ClassVar[ErrorClass]
    ERROR_CLASS_UNKNOWN_ORDER: _ClassVar[ErrorClass]
    ERROR_CLASS_RATE_LIMITED: _ClassVar[ErrorClass]
    ERROR_CLASS_VENUE_UNAVAILABLE: _ClassVar[ErrorClass]
    ERROR_CLASS_UNKNOWN_ACCOUNT: _ClassVar[ErrorClass]
    ERROR_CLASS_UNSUPPORTED: _ClassVar[ErrorClass]
    ERROR_CLASS_STALE: _ClassVar[ErrorClass]
    ERROR_CLASS_INTERNAL: _ClassVar[ErrorClass]
    ERROR_CLASS_VENUE_REJECTED: _ClassVar[ErrorClass]
    ERROR_CLASS_EXECUTOR_UNAVAILABLE: _ClassVar[ErrorClass]
    ERROR_CLASS_UNAUTHORIZED: _ClassVar[ErrorClass]
    ERROR_CLASS_JOURNAL_UNAVAILABLE: _ClassVar[ErrorClass]
    ERROR_CLASS_NOT_FOUND: _ClassVar[ErrorClass]
    ERROR_CLASS_FORBIDDEN: _ClassVar[ErrorClass]
    ERROR_CLASS_TOO_MANY_REQUESTS: _ClassVar[ErrorClass]
    ERROR_CLASS_PAYLOAD_TOO_LARGE: _ClassVar[ErrorClass]

class OrderStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_STATUS_UNSPECIFIED: _ClassVar[OrderStatus]
    ORDER_STATUS_NEW: _ClassVar[OrderStatus]
    ORDER_STATUS_PARTIALLY_FILLED: _ClassVar[OrderStatus]
    ORDER_STATUS_FILLED: _ClassVar[OrderStatus]
    ORDER_STATUS_CANCELED: _ClassVar[OrderStatus]
    ORDER_STATUS_EXPIRED: _ClassVar[OrderStatus]
    ORDER_STATUS_REJECTED: _ClassVar[OrderStatus]
    ORDER_STATUS_TRIGGERED: _ClassVar[OrderStatus]
    ORDER_STATUS_ATTACHED: _ClassVar[OrderStatus]
    ORDER_STATUS_PLANNED: _ClassVar[OrderStatus]

class OrderPurpose(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_PURPOSE_UNSPECIFIED: _ClassVar[OrderPurpose]
    ORDER_PURPOSE_ENTRY: _ClassVar[OrderPurpose]
    ORDER_PURPOSE_CLOSE: _ClassVar[OrderPurpose]
    ORDER_PURPOSE_TAKE_PROFIT: _ClassVar[OrderPurpose]
    ORDER_PURPOSE_STOP_LOSS: _ClassVar[OrderPurpose]
    ORDER_PURPOSE_TRAILING_STOP: _ClassVar[OrderPurpose]

class KeeperNewsKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KEEPER_NEWS_KIND_UNSPECIFIED: _ClassVar[KeeperNewsKind]
    KEEPER_NEWS_KIND_TAKE_PROFIT_HIT: _ClassVar[KeeperNewsKind]
    KEEPER_NEWS_KIND_STOP_HIT: _ClassVar[KeeperNewsKind]
    KEEPER_NEWS_KIND_LIQUIDATION: _ClassVar[KeeperNewsKind]
    KEEPER_NEWS_KIND_CLOSED_OUTSIDE: _ClassVar[KeeperNewsKind]
    KEEPER_NEWS_KIND_STREAM_DOWN: _ClassVar[KeeperNewsKind]
    KEEPER_NEWS_KIND_FELL_BACK_TO_REST: _ClassVar[KeeperNewsKind]
    KEEPER_NEWS_KIND_UNPROTECTED: _ClassVar[KeeperNewsKind]
    KEEPER_NEWS_KIND_STREAM_RESTORED: _ClassVar[KeeperNewsKind]
    KEEPER_NEWS_KIND_EXIT_NOT_FOLLOWED: _ClassVar[KeeperNewsKind]
    KEEPER_NEWS_KIND_RISK_PAUSED: _ClassVar[KeeperNewsKind]

class PauseChange(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAUSE_CHANGE_UNSPECIFIED: _ClassVar[PauseChange]
    PAUSE_CHANGE_PAUSED: _ClassVar[PauseChange]
    PAUSE_CHANGE_RESUMED: _ClassVar[PauseChange]
    PAUSE_CHANGE_OWNER_PAUSED: _ClassVar[PauseChange]
VENUE_UNSPECIFIED: Venue
VENUE_BINGX: Venue
VENUE_BINANCE: Venue
ACTION_UNSPECIFIED: Action
ACTION_BUY: Action
ACTION_SELL: Action
ACTION_CLOSE: Action
ACTION_CLOSE_LONG: Action
ACTION_CLOSE_SHORT: Action
ACTION_UPDATE: Action
MARKET_POSITION_UNSPECIFIED: MarketPosition
MARKET_POSITION_LONG: MarketPosition
MARKET_POSITION_SHORT: MarketPosition
MARKET_POSITION_FLAT: MarketPosition
MARGIN_MODE_UNSPECIFIED: MarginMode
MARGIN_MODE_ISOLATED: MarginMode
MARGIN_MODE_CROSS: MarginMode
ORDER_TYPE_UNSPECIFIED: OrderType
ORDER_TYPE_MARKET: OrderType
ORDER_TYPE_LIMIT: OrderType
SIDE_UNSPECIFIED: Side
SIDE_BUY: Side
SIDE_SELL: Side
POSITION_SIDE_UNSPECIFIED: PositionSide
POSITION_SIDE_BOTH: PositionSide
POSITION_SIDE_LONG: PositionSide
POSITION_SIDE_SHORT: PositionSide
OUTCOME_UNSPECIFIED: Outcome
OUTCOME_EXECUTED: Outcome
OUTCOME_REJECTED: Outcome
OUTCOME_FAILED: Outcome
OUTCOME_EXPIRED: Outcome
ERROR_CLASS_UNSPECIFIED: ErrorClass
ERROR_CLASS_INVALID_SIGNAL: ErrorClass
ERROR_CLASS_UNKNOWN_SYMBOL: ErrorClass
ERROR_CLASS_BELOW_MINIMUM: ErrorClass
ERROR_CLASS_PRECISION: ErrorClass
ERROR_CLASS_RISK_LIMIT: ErrorClass
ERROR_CLASS_TRADING_DISABLED: ErrorClass
ERROR_CLASS_INSUFFICIENT_MARGIN: ErrorClass
ERROR_CLASS_NO_POSITION: ErrorClass
ERROR_CLASS_AUTH: ErrorClass
ERROR_CLASS_TIMESTAMP: ErrorClass
ERROR_CLASS_DUPLICATE_CLIENT_ID: ErrorClass
ERROR_CLASS_UNKNOWN_ORDER: ErrorClass
ERROR_CLASS_RATE_LIMITED: ErrorClass
ERROR_CLASS_VENUE_UNAVAILABLE: ErrorClass
ERROR_CLASS_UNKNOWN_ACCOUNT: ErrorClass
ERROR_CLASS_UNSUPPORTED: ErrorClass
ERROR_CLASS_STALE: ErrorClass
ERROR_CLASS_INTERNAL: ErrorClass
ERROR_CLASS_VENUE_REJECTED: ErrorClass
ERROR_CLASS_EXECUTOR_UNAVAILABLE: ErrorClass
ERROR_CLASS_UNAUTHORIZED: ErrorClass
ERROR_CLASS_JOURNAL_UNAVAILABLE: ErrorClass
ERROR_CLASS_NOT_FOUND: ErrorClass
ERROR_CLASS_FORBIDDEN: ErrorClass
ERROR_CLASS_TOO_MANY_REQUESTS: ErrorClass
ERROR_CLASS_PAYLOAD_TOO_LARGE: ErrorClass
ORDER_STATUS_UNSPECIFIED: OrderStatus
ORDER_STATUS_NEW: OrderStatus
ORDER_STATUS_PARTIALLY_FILLED: OrderStatus
ORDER_STATUS_FILLED: OrderStatus
ORDER_STATUS_CANCELED: OrderStatus
ORDER_STATUS_EXPIRED: OrderStatus
ORDER_STATUS_REJECTED: OrderStatus
ORDER_STATUS_TRIGGERED: OrderStatus
ORDER_STATUS_ATTACHED: OrderStatus
ORDER_STATUS_PLANNED: OrderStatus
ORDER_PURPOSE_UNSPECIFIED: OrderPurpose
ORDER_PURPOSE_ENTRY: OrderPurpose
ORDER_PURPOSE_CLOSE: OrderPurpose
ORDER_PURPOSE_TAKE_PROFIT: OrderPurpose
ORDER_PURPOSE_STOP_LOSS: OrderPurpose
ORDER_PURPOSE_TRAILING_STOP: OrderPurpose
KEEPER_NEWS_KIND_UNSPECIFIED: KeeperNewsKind
KEEPER_NEWS_KIND_TAKE_PROFIT_HIT: KeeperNewsKind
KEEPER_NEWS_KIND_STOP_HIT: KeeperNewsKind
KEEPER_NEWS_KIND_LIQUIDATION: KeeperNewsKind
KEEPER_NEWS_KIND_CLOSED_OUTSIDE: KeeperNewsKind
KEEPER_NEWS_KIND_STREAM_DOWN: KeeperNewsKind
KEEPER_NEWS_KIND_FELL_BACK_TO_REST: KeeperNewsKind
KEEPER_NEWS_KIND_UNPROTECTED: KeeperNewsKind
KEEPER_NEWS_KIND_STREAM_RESTORED: KeeperNewsKind
KEEPER_NEWS_KIND_EXIT_NOT_FOLLOWED: KeeperNewsKind
KEEPER_NEWS_KIND_RISK_PAUSED: KeeperNewsKind
PAUSE_CHANGE_UNSPECIFIED: PauseChange
PAUSE_CHANGE_PAUSED: PauseChange
PAUSE_CHANGE_RESUMED: PauseChange
PAUSE_CHANGE_OWNER_PAUSED: PauseChange

class Signal(_message.Message):
    __slots__ = ("signal_id", "venue", "account", "symbol", "action", "market_position", "quantity", "balance", "balance_pct", "position_pct", "risk_pct", "risk_usdt", "leverage", "margin_mode", "order_type", "price", "take_profit", "stop_loss", "tp_pct", "sl_pct", "reduce_only", "fired_at", "received_at", "test", "strategy", "trailing_pct", "trailing_activation", "trailing_activation_pct", "take_profits", "breakeven_after", "breakeven_offset_pct", "trail_after")
    SIGNAL_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    MARKET_POSITION_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    BALANCE_PCT_FIELD_NUMBER: _ClassVar[int]
    POSITION_PCT_FIELD_NUMBER: _ClassVar[int]
    RISK_PCT_FIELD_NUMBER: _ClassVar[int]
    RISK_USDT_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    MARGIN_MODE_FIELD_NUMBER: _ClassVar[int]
    ORDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    TAKE_PROFIT_FIELD_NUMBER: _ClassVar[int]
    STOP_LOSS_FIELD_NUMBER: _ClassVar[int]
    TP_PCT_FIELD_NUMBER: _ClassVar[int]
    SL_PCT_FIELD_NUMBER: _ClassVar[int]
    REDUCE_ONLY_FIELD_NUMBER: _ClassVar[int]
    FIRED_AT_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    TEST_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    TRAILING_PCT_FIELD_NUMBER: _ClassVar[int]
    TRAILING_ACTIVATION_FIELD_NUMBER: _ClassVar[int]
    TRAILING_ACTIVATION_PCT_FIELD_NUMBER: _ClassVar[int]
    TAKE_PROFITS_FIELD_NUMBER: _ClassVar[int]
    BREAKEVEN_AFTER_FIELD_NUMBER: _ClassVar[int]
    BREAKEVEN_OFFSET_PCT_FIELD_NUMBER: _ClassVar[int]
    TRAIL_AFTER_FIELD_NUMBER: _ClassVar[int]
    signal_id: str
    venue: Venue
    account: str
    symbol: str
    action: Action
    market_position: MarketPosition
    quantity: str
    balance: str
    balance_pct: str
    position_pct: str
    risk_pct: str
    risk_usdt: str
    leverage: int
    margin_mode: MarginMode
    order_type: OrderType
    price: str
    take_profit: str
    stop_loss: str
    tp_pct: str
    sl_pct: str
    reduce_only: bool
    fired_at: _timestamp_pb2.Timestamp
    received_at: _timestamp_pb2.Timestamp
    test: bool
    strategy: str
    trailing_pct: str
    trailing_activation: str
    trailing_activation_pct: str
    take_profits: _containers.RepeatedCompositeFieldContainer[TakeProfitLevel]
    breakeven_after: int
    breakeven_offset_pct: str
    trail_after: int
    def __init__(self, signal_id: _Optional[str] = ..., venue: _Optional[_Union[Venue, str]] = ..., account: _Optional[str] = ..., symbol: _Optional[str] = ..., action: _Optional[_Union[Action, str]] = ..., market_position: _Optional[_Union[MarketPosition, str]] = ..., quantity: _Optional[str] = ..., balance: _Optional[str] = ..., balance_pct: _Optional[str] = ..., position_pct: _Optional[str] = ..., risk_pct: _Optional[str] = ..., risk_usdt: _Optional[str] = ..., leverage: _Optional[int] = ..., margin_mode: _Optional[_Union[MarginMode, str]] = ..., order_type: _Optional[_Union[OrderType, str]] = ..., price: _Optional[str] = ..., take_profit: _Optional[str] = ..., stop_loss: _Optional[str] = ..., tp_pct: _Optional[str] = ..., sl_pct: _Optional[str] = ..., reduce_only: _Optional[bool] = ..., fired_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., test: _Optional[bool] = ..., strategy: _Optional[str] = ..., trailing_pct: _Optional[str] = ..., trailing_activation: _Optional[str] = ..., trailing_activation_pct: _Optional[str] = ..., take_profits: _Optional[_Iterable[_Union[TakeProfitLevel, _Mapping]]] = ..., breakeven_after: _Optional[int] = ..., breakeven_offset_pct: _Optional[str] = ..., trail_after: _Optional[int] = ...) -> None: ...

class TakeProfitLevel(_message.Message):
    __slots__ = ("price", "pct", "size_pct")
    PRICE_FIELD_NUMBER: _ClassVar[int]
    PCT_FIELD_NUMBER: _ClassVar[int]
    SIZE_PCT_FIELD_NUMBER: _ClassVar[int]
    price: str
    pct: str
    size_pct: str
    def __init__(self, price: _Optional[str] = ..., pct: _Optional[str] = ..., size_pct: _Optional[str] = ...) -> None: ...

class ExecuteSignalRequest(_message.Message):
    __slots__ = ("signal", "max_age_ms", "attempt")
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    MAX_AGE_MS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    signal: Signal
    max_age_ms: int
    attempt: int
    def __init__(self, signal: _Optional[_Union[Signal, _Mapping]] = ..., max_age_ms: _Optional[int] = ..., attempt: _Optional[int] = ...) -> None: ...

class Error(_message.Message):
    __slots__ = ("error_class", "message", "retryable", "venue_code", "venue_message")
    ERROR_CLASS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    VENUE_CODE_FIELD_NUMBER: _ClassVar[int]
    VENUE_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    error_class: ErrorClass
    message: str
    retryable: bool
    venue_code: str
    venue_message: str
    def __init__(self, error_class: _Optional[_Union[ErrorClass, str]] = ..., message: _Optional[str] = ..., retryable: _Optional[bool] = ..., venue_code: _Optional[str] = ..., venue_message: _Optional[str] = ...) -> None: ...

class Sizing(_message.Message):
    __slots__ = ("quantity", "price", "notional", "leverage", "margin", "risk_stop", "fee_rate", "risk")
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    MARGIN_FIELD_NUMBER: _ClassVar[int]
    RISK_STOP_FIELD_NUMBER: _ClassVar[int]
    FEE_RATE_FIELD_NUMBER: _ClassVar[int]
    RISK_FIELD_NUMBER: _ClassVar[int]
    quantity: str
    price: str
    notional: str
    leverage: int
    margin: str
    risk_stop: str
    fee_rate: str
    risk: str
    def __init__(self, quantity: _Optional[str] = ..., price: _Optional[str] = ..., notional: _Optional[str] = ..., leverage: _Optional[int] = ..., margin: _Optional[str] = ..., risk_stop: _Optional[str] = ..., fee_rate: _Optional[str] = ..., risk: _Optional[str] = ...) -> None: ...

class Order(_message.Message):
    __slots__ = ("venue", "venue_symbol", "order_id", "client_order_id", "side", "position_side", "order_type", "quantity", "price", "avg_price", "reduce_only", "trigger_price", "status", "purpose")
    VENUE_FIELD_NUMBER: _ClassVar[int]
    VENUE_SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    POSITION_SIDE_FIELD_NUMBER: _ClassVar[int]
    ORDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    AVG_PRICE_FIELD_NUMBER: _ClassVar[int]
    REDUCE_ONLY_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_PRICE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    venue: Venue
    venue_symbol: str
    order_id: str
    client_order_id: str
    side: Side
    position_side: PositionSide
    order_type: OrderType
    quantity: str
    price: str
    avg_price: str
    reduce_only: bool
    trigger_price: str
    status: OrderStatus
    purpose: OrderPurpose
    def __init__(self, venue: _Optional[_Union[Venue, str]] = ..., venue_symbol: _Optional[str] = ..., order_id: _Optional[str] = ..., client_order_id: _Optional[str] = ..., side: _Optional[_Union[Side, str]] = ..., position_side: _Optional[_Union[PositionSide, str]] = ..., order_type: _Optional[_Union[OrderType, str]] = ..., quantity: _Optional[str] = ..., price: _Optional[str] = ..., avg_price: _Optional[str] = ..., reduce_only: _Optional[bool] = ..., trigger_price: _Optional[str] = ..., status: _Optional[_Union[OrderStatus, str]] = ..., purpose: _Optional[_Union[OrderPurpose, str]] = ...) -> None: ...

class ExecuteSignalResponse(_message.Message):
    __slots__ = ("signal_id", "outcome", "error", "sizing", "orders", "test", "executor_ms", "venue_ms", "note", "executor_us", "venue_us", "venue_answered_at")
    SIGNAL_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    SIZING_FIELD_NUMBER: _ClassVar[int]
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    TEST_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_MS_FIELD_NUMBER: _ClassVar[int]
    VENUE_MS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_US_FIELD_NUMBER: _ClassVar[int]
    VENUE_US_FIELD_NUMBER: _ClassVar[int]
    VENUE_ANSWERED_AT_FIELD_NUMBER: _ClassVar[int]
    signal_id: str
    outcome: Outcome
    error: Error
    sizing: Sizing
    orders: _containers.RepeatedCompositeFieldContainer[Order]
    test: bool
    executor_ms: int
    venue_ms: int
    note: str
    executor_us: int
    venue_us: int
    venue_answered_at: _timestamp_pb2.Timestamp
    def __init__(self, signal_id: _Optional[str] = ..., outcome: _Optional[_Union[Outcome, str]] = ..., error: _Optional[_Union[Error, _Mapping]] = ..., sizing: _Optional[_Union[Sizing, _Mapping]] = ..., orders: _Optional[_Iterable[_Union[Order, _Mapping]]] = ..., test: _Optional[bool] = ..., executor_ms: _Optional[int] = ..., venue_ms: _Optional[int] = ..., note: _Optional[str] = ..., executor_us: _Optional[int] = ..., venue_us: _Optional[int] = ..., venue_answered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetAccountRequest(_message.Message):
    __slots__ = ("venue", "account")
    VENUE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    venue: Venue
    account: str
    def __init__(self, venue: _Optional[_Union[Venue, str]] = ..., account: _Optional[str] = ...) -> None: ...

class Balance(_message.Message):
    __slots__ = ("asset", "wallet", "available", "equity", "unrealized_pnl")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    WALLET_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    EQUITY_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    asset: str
    wallet: str
    available: str
    equity: str
    unrealized_pnl: str
    def __init__(self, asset: _Optional[str] = ..., wallet: _Optional[str] = ..., available: _Optional[str] = ..., equity: _Optional[str] = ..., unrealized_pnl: _Optional[str] = ...) -> None: ...

class Position(_message.Message):
    __slots__ = ("symbol", "venue_symbol", "position_side", "quantity", "entry_price", "mark_price", "unrealized_pnl", "leverage", "margin_mode")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    VENUE_SYMBOL_FIELD_NUMBER: _ClassVar[int]
    POSITION_SIDE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    ENTRY_PRICE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    MARGIN_MODE_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    venue_symbol: str
    position_side: PositionSide
    quantity: str
    entry_price: str
    mark_price: str
    unrealized_pnl: str
    leverage: int
    margin_mode: MarginMode
    def __init__(self, symbol: _Optional[str] = ..., venue_symbol: _Optional[str] = ..., position_side: _Optional[_Union[PositionSide, str]] = ..., quantity: _Optional[str] = ..., entry_price: _Optional[str] = ..., mark_price: _Optional[str] = ..., unrealized_pnl: _Optional[str] = ..., leverage: _Optional[int] = ..., margin_mode: _Optional[_Union[MarginMode, str]] = ...) -> None: ...

class GetAccountResponse(_message.Message):
    __slots__ = ("venue", "account", "balances", "positions", "hedge_mode")
    VENUE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    BALANCES_FIELD_NUMBER: _ClassVar[int]
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    HEDGE_MODE_FIELD_NUMBER: _ClassVar[int]
    venue: Venue
    account: str
    balances: _containers.RepeatedCompositeFieldContainer[Balance]
    positions: _containers.RepeatedCompositeFieldContainer[Position]
    hedge_mode: bool
    def __init__(self, venue: _Optional[_Union[Venue, str]] = ..., account: _Optional[str] = ..., balances: _Optional[_Iterable[_Union[Balance, _Mapping]]] = ..., positions: _Optional[_Iterable[_Union[Position, _Mapping]]] = ..., hedge_mode: _Optional[bool] = ...) -> None: ...

class TestConnectionRequest(_message.Message):
    __slots__ = ("venue", "account")
    VENUE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    venue: Venue
    account: str
    def __init__(self, venue: _Optional[_Union[Venue, str]] = ..., account: _Optional[str] = ...) -> None: ...

class ConnectionCheck(_message.Message):
    __slots__ = ("venue", "account", "base_url", "ok", "latency_ms", "clock_offset_ms", "can_read", "can_trade", "error")
    VENUE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    BASE_URL_FIELD_NUMBER: _ClassVar[int]
    OK_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    CLOCK_OFFSET_MS_FIELD_NUMBER: _ClassVar[int]
    CAN_READ_FIELD_NUMBER: _ClassVar[int]
    CAN_TRADE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    venue: Venue
    account: str
    base_url: str
    ok: bool
    latency_ms: int
    clock_offset_ms: int
    can_read: bool
    can_trade: bool
    error: Error
    def __init__(self, venue: _Optional[_Union[Venue, str]] = ..., account: _Optional[str] = ..., base_url: _Optional[str] = ..., ok: _Optional[bool] = ..., latency_ms: _Optional[int] = ..., clock_offset_ms: _Optional[int] = ..., can_read: _Optional[bool] = ..., can_trade: _Optional[bool] = ..., error: _Optional[_Union[Error, _Mapping]] = ...) -> None: ...

class TestConnectionResponse(_message.Message):
    __slots__ = ("checks",)
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    checks: _containers.RepeatedCompositeFieldContainer[ConnectionCheck]
    def __init__(self, checks: _Optional[_Iterable[_Union[ConnectionCheck, _Mapping]]] = ...) -> None: ...

class SetTradingEnabledRequest(_message.Message):
    __slots__ = ("enabled", "actor", "reason", "changed_at")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    actor: str
    reason: str
    changed_at: _timestamp_pb2.Timestamp
    def __init__(self, enabled: _Optional[bool] = ..., actor: _Optional[str] = ..., reason: _Optional[str] = ..., changed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetTradingStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TradingStatus(_message.Message):
    __slots__ = ("enabled", "changed_at", "actor", "reason", "awaiting_gateway")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    AWAITING_GATEWAY_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    changed_at: _timestamp_pb2.Timestamp
    actor: str
    reason: str
    awaiting_gateway: bool
    def __init__(self, enabled: _Optional[bool] = ..., changed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., actor: _Optional[str] = ..., reason: _Optional[str] = ..., awaiting_gateway: _Optional[bool] = ...) -> None: ...

class FlattenRequest(_message.Message):
    __slots__ = ("venue", "account")
    VENUE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    venue: Venue
    account: str
    def __init__(self, venue: _Optional[_Union[Venue, str]] = ..., account: _Optional[str] = ...) -> None: ...

class CancelledOrder(_message.Message):
    __slots__ = ("symbol", "order_id", "client_order_id")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    order_id: str
    client_order_id: str
    def __init__(self, symbol: _Optional[str] = ..., order_id: _Optional[str] = ..., client_order_id: _Optional[str] = ...) -> None: ...

class ClosedPosition(_message.Message):
    __slots__ = ("symbol", "position_side", "quantity", "order_id", "client_order_id", "status")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    POSITION_SIDE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    position_side: PositionSide
    quantity: str
    order_id: str
    client_order_id: str
    status: OrderStatus
    def __init__(self, symbol: _Optional[str] = ..., position_side: _Optional[_Union[PositionSide, str]] = ..., quantity: _Optional[str] = ..., order_id: _Optional[str] = ..., client_order_id: _Optional[str] = ..., status: _Optional[_Union[OrderStatus, str]] = ...) -> None: ...

class FlattenFailure(_message.Message):
    __slots__ = ("symbol", "step", "error")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    step: str
    error: Error
    def __init__(self, symbol: _Optional[str] = ..., step: _Optional[str] = ..., error: _Optional[_Union[Error, _Mapping]] = ...) -> None: ...

class FlattenedAccount(_message.Message):
    __slots__ = ("venue", "account", "cancelled", "closed", "failures")
    VENUE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    CLOSED_FIELD_NUMBER: _ClassVar[int]
    FAILURES_FIELD_NUMBER: _ClassVar[int]
    venue: Venue
    account: str
    cancelled: _containers.RepeatedCompositeFieldContainer[CancelledOrder]
    closed: _containers.RepeatedCompositeFieldContainer[ClosedPosition]
    failures: _containers.RepeatedCompositeFieldContainer[FlattenFailure]
    def __init__(self, venue: _Optional[_Union[Venue, str]] = ..., account: _Optional[str] = ..., cancelled: _Optional[_Iterable[_Union[CancelledOrder, _Mapping]]] = ..., closed: _Optional[_Iterable[_Union[ClosedPosition, _Mapping]]] = ..., failures: _Optional[_Iterable[_Union[FlattenFailure, _Mapping]]] = ...) -> None: ...

class FlattenResponse(_message.Message):
    __slots__ = ("accounts",)
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.RepeatedCompositeFieldContainer[FlattenedAccount]
    def __init__(self, accounts: _Optional[_Iterable[_Union[FlattenedAccount, _Mapping]]] = ...) -> None: ...

class WatchKeeperRequest(_message.Message):
    __slots__ = ("epoch", "after_seq")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQ_FIELD_NUMBER: _ClassVar[int]
    epoch: str
    after_seq: int
    def __init__(self, epoch: _Optional[str] = ..., after_seq: _Optional[int] = ...) -> None: ...

class KeeperFill(_message.Message):
    __slots__ = ("venue", "account", "symbol", "venue_symbol", "trade_id", "order_id", "client_order_id", "side", "position_side", "quantity", "price", "fee", "fee_asset", "realized_pnl", "liquidation", "time", "signal_id", "purpose")
    VENUE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    VENUE_SYMBOL_FIELD_NUMBER: _ClassVar[int]
    TRADE_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    POSITION_SIDE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    FEE_ASSET_FIELD_NUMBER: _ClassVar[int]
    REALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    LIQUIDATION_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    venue: Venue
    account: str
    symbol: str
    venue_symbol: str
    trade_id: str
    order_id: str
    client_order_id: str
    side: Side
    position_side: PositionSide
    quantity: str
    price: str
    fee: str
    fee_asset: str
    realized_pnl: str
    liquidation: bool
    time: _timestamp_pb2.Timestamp
    signal_id: str
    purpose: OrderPurpose
    def __init__(self, venue: _Optional[_Union[Venue, str]] = ..., account: _Optional[str] = ..., symbol: _Optional[str] = ..., venue_symbol: _Optional[str] = ..., trade_id: _Optional[str] = ..., order_id: _Optional[str] = ..., client_order_id: _Optional[str] = ..., side: _Optional[_Union[Side, str]] = ..., position_side: _Optional[_Union[PositionSide, str]] = ..., quantity: _Optional[str] = ..., price: _Optional[str] = ..., fee: _Optional[str] = ..., fee_asset: _Optional[str] = ..., realized_pnl: _Optional[str] = ..., liquidation: _Optional[bool] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., signal_id: _Optional[str] = ..., purpose: _Optional[_Union[OrderPurpose, str]] = ...) -> None: ...

class KeeperNews(_message.Message):
    __slots__ = ("kind", "venue", "account", "symbol", "position_side", "quantity", "price", "detail", "time", "strategy", "limit", "until")
    KIND_FIELD_NUMBER: _ClassVar[int]
    VENUE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    POSITION_SIDE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    kind: KeeperNewsKind
    venue: Venue
    account: str
    symbol: str
    position_side: PositionSide
    quantity: str
    price: str
    detail: str
    time: _timestamp_pb2.Timestamp
    strategy: str
    limit: str
    until: _timestamp_pb2.Timestamp
    def __init__(self, kind: _Optional[_Union[KeeperNewsKind, str]] = ..., venue: _Optional[_Union[Venue, str]] = ..., account: _Optional[str] = ..., symbol: _Optional[str] = ..., position_side: _Optional[_Union[PositionSide, str]] = ..., quantity: _Optional[str] = ..., price: _Optional[str] = ..., detail: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., strategy: _Optional[str] = ..., limit: _Optional[str] = ..., until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class KeeperRecord(_message.Message):
    __slots__ = ("epoch", "seq", "fill", "news")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    FILL_FIELD_NUMBER: _ClassVar[int]
    NEWS_FIELD_NUMBER: _ClassVar[int]
    epoch: str
    seq: int
    fill: KeeperFill
    news: KeeperNews
    def __init__(self, epoch: _Optional[str] = ..., seq: _Optional[int] = ..., fill: _Optional[_Union[KeeperFill, _Mapping]] = ..., news: _Optional[_Union[KeeperNews, _Mapping]] = ...) -> None: ...

class GetPositionsRequest(_message.Message):
    __slots__ = ("venue", "account")
    VENUE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    venue: Venue
    account: str
    def __init__(self, venue: _Optional[_Union[Venue, str]] = ..., account: _Optional[str] = ...) -> None: ...

class ProtectiveOrder(_message.Message):
    __slots__ = ("order_id", "client_order_id", "purpose", "side", "quantity", "trigger_price", "close_position", "status", "order_type", "activation_price", "callback_pct")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_PRICE_FIELD_NUMBER: _ClassVar[int]
    CLOSE_POSITION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ORDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    ACTIVATION_PRICE_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_PCT_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    client_order_id: str
    purpose: OrderPurpose
    side: Side
    quantity: str
    trigger_price: str
    close_position: bool
    status: OrderStatus
    order_type: str
    activation_price: str
    callback_pct: str
    def __init__(self, order_id: _Optional[str] = ..., client_order_id: _Optional[str] = ..., purpose: _Optional[_Union[OrderPurpose, str]] = ..., side: _Optional[_Union[Side, str]] = ..., quantity: _Optional[str] = ..., trigger_price: _Optional[str] = ..., close_position: _Optional[bool] = ..., status: _Optional[_Union[OrderStatus, str]] = ..., order_type: _Optional[str] = ..., activation_price: _Optional[str] = ..., callback_pct: _Optional[str] = ...) -> None: ...

class ExitLevel(_message.Message):
    __slots__ = ("number", "trigger_price", "quantity", "filled", "done", "order_id")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    FILLED_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    number: int
    trigger_price: str
    quantity: str
    filled: str
    done: bool
    order_id: str
    def __init__(self, number: _Optional[int] = ..., trigger_price: _Optional[str] = ..., quantity: _Optional[str] = ..., filled: _Optional[str] = ..., done: _Optional[bool] = ..., order_id: _Optional[str] = ...) -> None: ...

class ExitPlan(_message.Message):
    __slots__ = ("signal_id", "entry_price", "take_profits", "stop_price", "stop_quantity", "at_breakeven", "breakeven_after", "trail_after", "trailing_pct", "trail_placed")
    SIGNAL_ID_FIELD_NUMBER: _ClassVar[int]
    ENTRY_PRICE_FIELD_NUMBER: _ClassVar[int]
    TAKE_PROFITS_FIELD_NUMBER: _ClassVar[int]
    STOP_PRICE_FIELD_NUMBER: _ClassVar[int]
    STOP_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    AT_BREAKEVEN_FIELD_NUMBER: _ClassVar[int]
    BREAKEVEN_AFTER_FIELD_NUMBER: _ClassVar[int]
    TRAIL_AFTER_FIELD_NUMBER: _ClassVar[int]
    TRAILING_PCT_FIELD_NUMBER: _ClassVar[int]
    TRAIL_PLACED_FIELD_NUMBER: _ClassVar[int]
    signal_id: str
    entry_price: str
    take_profits: _containers.RepeatedCompositeFieldContainer[ExitLevel]
    stop_price: str
    stop_quantity: str
    at_breakeven: bool
    breakeven_after: int
    trail_after: int
    trailing_pct: str
    trail_placed: bool
    def __init__(self, signal_id: _Optional[str] = ..., entry_price: _Optional[str] = ..., take_profits: _Optional[_Iterable[_Union[ExitLevel, _Mapping]]] = ..., stop_price: _Optional[str] = ..., stop_quantity: _Optional[str] = ..., at_breakeven: _Optional[bool] = ..., breakeven_after: _Optional[int] = ..., trail_after: _Optional[int] = ..., trailing_pct: _Optional[str] = ..., trail_placed: _Optional[bool] = ...) -> None: ...

class KeptPosition(_message.Message):
    __slots__ = ("position", "protective", "unprotected", "plan")
    POSITION_FIELD_NUMBER: _ClassVar[int]
    PROTECTIVE_FIELD_NUMBER: _ClassVar[int]
    UNPROTECTED_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    position: Position
    protective: _containers.RepeatedCompositeFieldContainer[ProtectiveOrder]
    unprotected: bool
    plan: ExitPlan
    def __init__(self, position: _Optional[_Union[Position, _Mapping]] = ..., protective: _Optional[_Iterable[_Union[ProtectiveOrder, _Mapping]]] = ..., unprotected: _Optional[bool] = ..., plan: _Optional[_Union[ExitPlan, _Mapping]] = ...) -> None: ...

class AccountPositions(_message.Message):
    __slots__ = ("venue", "account", "positions", "stream_connected", "stream_down_since", "last_reconcile", "error")
    VENUE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    STREAM_CONNECTED_FIELD_NUMBER: _ClassVar[int]
    STREAM_DOWN_SINCE_FIELD_NUMBER: _ClassVar[int]
    LAST_RECONCILE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    venue: Venue
    account: str
    positions: _containers.RepeatedCompositeFieldContainer[KeptPosition]
    stream_connected: bool
    stream_down_since: _timestamp_pb2.Timestamp
    last_reconcile: _timestamp_pb2.Timestamp
    error: Error
    def __init__(self, venue: _Optional[_Union[Venue, str]] = ..., account: _Optional[str] = ..., positions: _Optional[_Iterable[_Union[KeptPosition, _Mapping]]] = ..., stream_connected: _Optional[bool] = ..., stream_down_since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_reconcile: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error: _Optional[_Union[Error, _Mapping]] = ...) -> None: ...

class GetPositionsResponse(_message.Message):
    __slots__ = ("accounts",)
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.RepeatedCompositeFieldContainer[AccountPositions]
    def __init__(self, accounts: _Optional[_Iterable[_Union[AccountPositions, _Mapping]]] = ...) -> None: ...

class ExitSource(_message.Message):
    __slots__ = ("signal", "orders")
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    signal: Signal
    orders: _containers.RepeatedCompositeFieldContainer[Order]
    def __init__(self, signal: _Optional[_Union[Signal, _Mapping]] = ..., orders: _Optional[_Iterable[_Union[Order, _Mapping]]] = ...) -> None: ...

class ResumeExitsRequest(_message.Message):
    __slots__ = ("sources",)
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    sources: _containers.RepeatedCompositeFieldContainer[ExitSource]
    def __init__(self, sources: _Optional[_Iterable[_Union[ExitSource, _Mapping]]] = ...) -> None: ...

class ResumedExit(_message.Message):
    __slots__ = ("signal_id", "resumed", "note")
    SIGNAL_ID_FIELD_NUMBER: _ClassVar[int]
    RESUMED_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    signal_id: str
    resumed: bool
    note: str
    def __init__(self, signal_id: _Optional[str] = ..., resumed: _Optional[bool] = ..., note: _Optional[str] = ...) -> None: ...

class ResumeExitsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[ResumedExit]
    def __init__(self, results: _Optional[_Iterable[_Union[ResumedExit, _Mapping]]] = ...) -> None: ...

class RiskPause(_message.Message):
    __slots__ = ("change", "venue", "account", "strategy", "time", "until", "limit", "reason", "actor")
    CHANGE_FIELD_NUMBER: _ClassVar[int]
    VENUE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    change: PauseChange
    venue: Venue
    account: str
    strategy: str
    time: _timestamp_pb2.Timestamp
    until: _timestamp_pb2.Timestamp
    limit: str
    reason: str
    actor: str
    def __init__(self, change: _Optional[_Union[PauseChange, str]] = ..., venue: _Optional[_Union[Venue, str]] = ..., account: _Optional[str] = ..., strategy: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., limit: _Optional[str] = ..., reason: _Optional[str] = ..., actor: _Optional[str] = ...) -> None: ...

class SyncRiskPausesRequest(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[RiskPause]
    def __init__(self, events: _Optional[_Iterable[_Union[RiskPause, _Mapping]]] = ...) -> None: ...

class RiskPauses(_message.Message):
    __slots__ = ("pauses",)
    PAUSES_FIELD_NUMBER: _ClassVar[int]
    pauses: _containers.RepeatedCompositeFieldContainer[RiskPause]
    def __init__(self, pauses: _Optional[_Iterable[_Union[RiskPause, _Mapping]]] = ...) -> None: ...

class ScopeMemory(_message.Message):
    __slots__ = ("strategy", "realised", "forgiven", "trades")
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    REALISED_FIELD_NUMBER: _ClassVar[int]
    FORGIVEN_FIELD_NUMBER: _ClassVar[int]
    TRADES_FIELD_NUMBER: _ClassVar[int]
    strategy: str
    realised: str
    forgiven: str
    trades: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, strategy: _Optional[str] = ..., realised: _Optional[str] = ..., forgiven: _Optional[str] = ..., trades: _Optional[_Iterable[str]] = ...) -> None: ...

class SymbolStop(_message.Message):
    __slots__ = ("symbol", "time")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    time: _timestamp_pb2.Timestamp
    def __init__(self, symbol: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AccountMemory(_message.Message):
    __slots__ = ("venue", "account", "scopes", "stops")
    VENUE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    SCOPES_FIELD_NUMBER: _ClassVar[int]
    STOPS_FIELD_NUMBER: _ClassVar[int]
    venue: Venue
    account: str
    scopes: _containers.RepeatedCompositeFieldContainer[ScopeMemory]
    stops: _containers.RepeatedCompositeFieldContainer[SymbolStop]
    def __init__(self, venue: _Optional[_Union[Venue, str]] = ..., account: _Optional[str] = ..., scopes: _Optional[_Iterable[_Union[ScopeMemory, _Mapping]]] = ..., stops: _Optional[_Iterable[_Union[SymbolStop, _Mapping]]] = ...) -> None: ...

class RiskMemory(_message.Message):
    __slots__ = ("cutoff", "accounts")
    CUTOFF_FIELD_NUMBER: _ClassVar[int]
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    cutoff: _timestamp_pb2.Timestamp
    accounts: _containers.RepeatedCompositeFieldContainer[AccountMemory]
    def __init__(self, cutoff: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., accounts: _Optional[_Iterable[_Union[AccountMemory, _Mapping]]] = ...) -> None: ...

class RiskMemoryReply(_message.Message):
    __slots__ = ("started", "wanted", "taken")
    STARTED_FIELD_NUMBER: _ClassVar[int]
    WANTED_FIELD_NUMBER: _ClassVar[int]
    TAKEN_FIELD_NUMBER: _ClassVar[int]
    started: _timestamp_pb2.Timestamp
    wanted: bool
    taken: bool
    def __init__(self, started: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., wanted: _Optional[bool] = ..., taken: _Optional[bool] = ...) -> None: ...
