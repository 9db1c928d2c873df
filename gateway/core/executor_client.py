"""The gateway's side of the gRPC contract: every call carries a deadline."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import datetime
from typing import Any, TypeVar

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from grpc_health.v1 import health_pb2, health_pb2_grpc

from common.decimals import plain
from common.errors import ErrorClass, TvbridgeError
from gateway import metrics
from gateway.core.signal import Signal
from tvbridge.executor.v1 import executor_pb2 as pb
from tvbridge.executor.v1 import executor_pb2_grpc as pb_grpc

R = TypeVar("R")

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["ExecutorService"].full_name

_VENUES = {"bingx": pb.VENUE_BINGX, "binance": pb.VENUE_BINANCE}
_ACTIONS = {
    "buy": pb.ACTION_BUY,
    "sell": pb.ACTION_SELL,
    "close": pb.ACTION_CLOSE,
    "close_long": pb.ACTION_CLOSE_LONG,
    "close_short": pb.ACTION_CLOSE_SHORT,
}
_MARKET_POSITIONS = {
    "long": pb.MARKET_POSITION_LONG,
    "short": pb.MARKET_POSITION_SHORT,
    "flat": pb.MARKET_POSITION_FLAT,
}
_MARGIN = {"isolated": pb.MARGIN_MODE_ISOLATED, "cross": pb.MARGIN_MODE_CROSS}
OUTCOMES = {
    pb.OUTCOME_EXECUTED: "executed",
    pb.OUTCOME_REJECTED: "rejected",
    pb.OUTCOME_FAILED: "failed",
    pb.OUTCOME_EXPIRED: "expired",
}

# Reconnect quickly after an executor restart; notice a dead peer within seconds.
_CHANNEL_OPTIONS = [
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2000),
    ("grpc.keepalive_time_ms", 20_000),
    ("grpc.keepalive_timeout_ms", 5_000),
]


def _timestamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def signal_to_pb(signal: Signal) -> pb.Signal:
    msg = pb.Signal(
        signal_id=signal.signal_id,
        venue=_VENUES[signal.exchange],
        account=signal.account,
        symbol=signal.symbol,
        action=_ACTIONS[signal.action.value],
        market_position=_MARKET_POSITIONS.get(signal.market_position or "", pb.MARKET_POSITION_UNSPECIFIED),
        margin_mode=_MARGIN.get(signal.margin_mode or "", pb.MARGIN_MODE_UNSPECIFIED),
        order_type=pb.ORDER_TYPE_LIMIT if signal.order_type == "limit" else pb.ORDER_TYPE_MARKET,
        price=plain(signal.price) if signal.price is not None else "",
        take_profit=plain(signal.take_profit) if signal.take_profit is not None else "",
        stop_loss=plain(signal.stop_loss) if signal.stop_loss is not None else "",
        tp_pct=plain(signal.tp_pct) if signal.tp_pct is not None else "",
        sl_pct=plain(signal.sl_pct) if signal.sl_pct is not None else "",
        reduce_only=signal.reduce_only,
        test=signal.test,
        strategy=signal.strategy,
    )
    if signal.size_kind is not None and signal.size is not None:
        setattr(msg, signal.size_kind.value, plain(signal.size))
    if signal.leverage is not None:
        msg.leverage = signal.leverage
    fired = _timestamp(signal.fired_at)
    if fired is not None:
        msg.fired_at.CopyFrom(fired)
    received = _timestamp(signal.received_at)
    if received is not None:
        msg.received_at.CopyFrom(received)
    return msg


def response_to_dict(reply: pb.ExecuteSignalResponse) -> dict[str, Any]:
    out: dict[str, Any] = {
        "signal_id": reply.signal_id,
        "status": OUTCOMES.get(reply.outcome, "failed"),
        "test": reply.test,
    }
    if reply.HasField("error"):
        out["reason"] = reply.error.message
        out["error"] = {
            "code": pb.ErrorClass.Name(reply.error.error_class).removeprefix("ERROR_CLASS_").lower(),
            "message": reply.error.message,
            "venue_code": reply.error.venue_code or None,
            "venue_message": reply.error.venue_message or None,
        }
    if reply.HasField("sizing"):
        s = reply.sizing
        out["sizing"] = {
            "quantity": s.quantity,
            "price": s.price or None,
            "notional": s.notional or None,
            "leverage": s.leverage or None,
            "margin": s.margin or None,
        }
    out["orders"] = [
        {
            "venue": pb.Venue.Name(o.venue).removeprefix("VENUE_").lower(),
            "symbol": o.venue_symbol,
            "order_id": o.order_id,
            "client_order_id": o.client_order_id,
            "side": pb.Side.Name(o.side).removeprefix("SIDE_").lower(),
            "position_side": pb.PositionSide.Name(o.position_side).removeprefix("POSITION_SIDE_"),
            "type": pb.OrderType.Name(o.order_type).removeprefix("ORDER_TYPE_").lower(),
            "quantity": o.quantity,
            "price": o.price or None,
            "avg_price": o.avg_price or None,
            "status": pb.OrderStatus.Name(o.status).removeprefix("ORDER_STATUS_"),
            "reduce_only": o.reduce_only,
            "purpose": pb.OrderPurpose.Name(o.purpose).removeprefix("ORDER_PURPOSE_").lower(),
            "trigger_price": o.trigger_price or None,
        }
        for o in reply.orders
    ]
    if reply.note:
        out["note"] = reply.note
    # Tenths of a millisecond when the executor sends microseconds; whole ones from an older one.
    out["timings_ms"] = {
        "executor": round(reply.executor_us / 1000, 1) if reply.executor_us else reply.executor_ms,
        "venue": round(reply.venue_us / 1000, 1) if reply.venue_us else reply.venue_ms,
    }
    if reply.HasField("venue_answered_at"):
        out["venue_answered_ms"] = reply.venue_answered_at.ToNanoseconds() / 1e6  # epoch
    return out


class ExecutorClient:
    def __init__(
        self,
        addr: str,
        timeout_s: float,
        readiness_timeout_s: float = 1.0,
        *,
        credentials: grpc.ChannelCredentials | None = None,
        server_name: str = "",
    ) -> None:
        self.addr = addr
        self.timeout_s = timeout_s
        self.readiness_timeout_s = readiness_timeout_s
        self.credentials = credentials
        self.server_name = server_name
        # The trading switch is one quick call; a little longer than a health check.
        self.control_timeout_s = readiness_timeout_s * 3
        self._channel: grpc.aio.Channel | None = None
        self._stub: pb_grpc.ExecutorServiceStub | None = None
        self._health: health_pb2_grpc.HealthStub | None = None

    async def start(self) -> None:
        if self.credentials is None:
            self._channel = grpc.aio.insecure_channel(self.addr, options=_CHANNEL_OPTIONS)
        else:
            options: list[tuple[str, str | int]] = list(_CHANNEL_OPTIONS)
            if self.server_name:
                options.append(("grpc.ssl_target_name_override", self.server_name))
            self._channel = grpc.aio.secure_channel(self.addr, self.credentials, options=options)
        self._stub = pb_grpc.ExecutorServiceStub(self._channel)
        self._health = health_pb2_grpc.HealthStub(self._channel)

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close(grace=1.0)

    async def ready(self) -> bool:
        assert self._health is not None, "start() first"
        try:
            reply = await self._health.Check(
                health_pb2.HealthCheckRequest(service=SERVICE_NAME), timeout=self.readiness_timeout_s
            )
        except grpc.aio.AioRpcError:
            return False
        return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)

    def connected(self) -> bool:
        return self._channel is not None and (
            self._channel.get_state(try_to_connect=False) is grpc.ChannelConnectivity.READY
        )

    async def wait_ready(self, timeout_s: float) -> bool:
        """True once the channel is connected; False when the executor cannot be reached in time."""
        assert self._channel is not None, "start() first"
        try:
            await asyncio.wait_for(self._channel.channel_ready(), timeout_s)
        except TimeoutError:
            return False
        return True

    async def execute(self, signal: Signal, *, max_age_ms: int, attempt: int = 1) -> pb.ExecuteSignalResponse:
        return await self.execute_pb(signal_to_pb(signal), max_age_ms=max_age_ms, attempt=attempt)

    async def trading_status(self) -> pb.TradingStatus:
        assert self._stub is not None, "start() first"
        return await self._call(
            "GetTradingStatus",
            self._stub.GetTradingStatus(pb.GetTradingStatusRequest(), timeout=self.control_timeout_s),
        )

    async def set_trading(self, enabled: bool, actor: str, reason: str) -> pb.TradingStatus:
        assert self._stub is not None, "start() first"
        request = pb.SetTradingEnabledRequest(enabled=enabled, actor=actor, reason=reason)
        return await self._call(
            "SetTradingEnabled", self._stub.SetTradingEnabled(request, timeout=self.control_timeout_s)
        )

    async def test_connection(self) -> pb.TestConnectionResponse:
        """Every configured venue and account, reached with its keys. Each check is a venue round
        trip, so this has the executor's whole deadline."""
        assert self._stub is not None, "start() first"
        call = self._stub.TestConnection(pb.TestConnectionRequest(), timeout=self.timeout_s)
        return await self._call("TestConnection", call, self.timeout_s)

    async def get_account(self, venue: str, account: str) -> pb.GetAccountResponse:
        assert self._stub is not None, "start() first"
        request = pb.GetAccountRequest(venue=_VENUES[venue], account=account)
        return await self._call(
            "GetAccount", self._stub.GetAccount(request, timeout=self.timeout_s), self.timeout_s
        )

    async def _call(self, method: str, call: Awaitable[R], timeout_s: float | None = None) -> R:
        try:
            reply = await call
        except grpc.aio.AioRpcError as exc:
            metrics.EXECUTOR_RPC_ERRORS.labels(method, exc.code().name).inc()
            raise _classify(exc, timeout_s or self.control_timeout_s) from None
        return reply

    async def execute_pb(
        self, signal: pb.Signal, *, max_age_ms: int, attempt: int = 1
    ) -> pb.ExecuteSignalResponse:
        assert self._stub is not None, "start() first"
        request = pb.ExecuteSignalRequest(signal=signal, max_age_ms=max_age_ms, attempt=attempt)
        with metrics.EXECUTOR_RPC_SECONDS.labels("ExecuteSignal").time():
            try:
                reply: pb.ExecuteSignalResponse = await self._stub.ExecuteSignal(
                    request, timeout=self.timeout_s
                )
            except grpc.aio.AioRpcError as exc:
                metrics.EXECUTOR_RPC_ERRORS.labels("ExecuteSignal", exc.code().name).inc()
                raise _classify(exc, self.timeout_s) from None
        return reply


def _classify(exc: grpc.aio.AioRpcError, timeout_s: float) -> TvbridgeError:
    trailing = dict(exc.trailing_metadata() or ())
    declared = trailing.get("tvbridge-error-class")
    if isinstance(declared, str) and declared in ErrorClass.__members__.values():
        return TvbridgeError(ErrorClass(declared), exc.details() or declared)
    code = exc.code()
    if code is grpc.StatusCode.DEADLINE_EXCEEDED:
        error = TvbridgeError(
            ErrorClass.EXECUTOR_UNAVAILABLE,
            f"the executor did not answer within {timeout_s:.1f}s; the order may still be placed",
        )
        error.venue_code = "deadline"
        return error
    if code is grpc.StatusCode.UNAVAILABLE:
        return TvbridgeError(
            ErrorClass.EXECUTOR_UNAVAILABLE, "the executor is unreachable; nothing was placed"
        )
    return TvbridgeError(
        ErrorClass.INTERNAL, f"the executor refused the request: {code.name}: {exc.details()}"
    )
