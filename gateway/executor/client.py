"""The gateway's side of the gRPC contract: every call carries a deadline, every answer comes
back as a domain type, every failure as a classified TvbridgeError."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from common.errors import ErrorClass, TvbridgeError
from common.pauses import PauseEvent
from common.risk_memory import AccountMemory, MemoryReply
from common.tls import read_pem
from gateway import metrics
from gateway.core.accounts import Account, ConnectionCheck
from gateway.core.controls import TradingStatus
from gateway.core.execution import Execution, Order
from gateway.core.flatten import FlattenedAccount
from gateway.core.keeper import AccountPositions, KeeperRecord
from gateway.core.signal import Signal, Venue
from gateway.executor import convert
from gateway.executor.convert import pauses, risk_memory
from tvbridge.executor.v1 import executor_pb2 as pb
from tvbridge.executor.v1 import executor_pb2_grpc as pb_grpc

R = TypeVar("R")

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["ExecutorService"].full_name
# The executor names a refusal's class in this trailer; the status code alone is coarser.
ERROR_CLASS_TRAILER = "tvbridge-error-class"

# Reconnect quickly after an executor restart; notice a dead peer within seconds.
_CHANNEL_OPTIONS: list[tuple[str, str | int]] = [
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2000),
    ("grpc.keepalive_time_ms", 20_000),
    ("grpc.keepalive_timeout_ms", 5_000),
]


@dataclass(frozen=True)
class MutualTls:
    """PEM paths: the CA that signed the executor's certificate, and the gateway's own pair."""

    ca: str
    cert: str
    key: str
    server_name: str = ""  # the name in the executor's certificate, if not the address's host


class ExecutorClient:
    def __init__(
        self,
        addr: str,
        timeout_s: float,
        readiness_timeout_s: float = 1.0,
        *,
        tls: MutualTls | None = None,
    ) -> None:
        self.addr = addr
        self.timeout_s = timeout_s
        self.readiness_timeout_s = readiness_timeout_s
        self.tls = tls
        # The trading switch is one quick call; a little longer than a health check.
        self.control_timeout_s = readiness_timeout_s * 3
        self._channel: grpc.aio.Channel | None = None
        self._stub: pb_grpc.ExecutorServiceStub | None = None
        self._health: health_pb2_grpc.HealthStub | None = None
        # Set once the journal's kill switch is handed to the executor on the current connection.
        self._switch_handed_over = asyncio.Event()

    async def start(self) -> None:
        if self.tls is None:
            self._channel = grpc.aio.insecure_channel(self.addr, options=_CHANNEL_OPTIONS)
        else:
            credentials = grpc.ssl_channel_credentials(
                root_certificates=read_pem(self.tls.ca),
                private_key=read_pem(self.tls.key),
                certificate_chain=read_pem(self.tls.cert),
            )
            options = list(_CHANNEL_OPTIONS)
            if self.tls.server_name:
                options.append(("grpc.ssl_target_name_override", self.tls.server_name))
            self._channel = grpc.aio.secure_channel(self.addr, credentials, options=options)
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

    def channel_up(self) -> bool:
        return self._channel is not None and (
            self._channel.get_state(try_to_connect=False) is grpc.ChannelConnectivity.READY
        )

    def connected(self) -> bool:
        """Connected, and the executor holds the journal's kill switch for this connection: a
        signal sent now is decided, not refused as "waiting for the gateway"."""
        return self.channel_up() and self._switch_handed_over.is_set()

    def switch_handed_over(self) -> None:
        self._switch_handed_over.set()

    async def wait_ready(self, timeout_s: float) -> bool:
        """True once `connected()`; False when that does not come in time."""
        assert self._channel is not None, "start() first"
        channel = self._channel

        async def ready() -> None:
            await channel.channel_ready()
            await self._switch_handed_over.wait()

        try:
            await asyncio.wait_for(ready(), timeout_s)
        except TimeoutError:
            return False
        return True

    async def execute(self, signal: Signal, *, max_age_ms: int, attempt: int = 1) -> Execution:
        assert self._stub is not None, "start() first"
        request = pb.ExecuteSignalRequest(
            signal=convert.signal_to_pb(signal), max_age_ms=max_age_ms, attempt=attempt
        )
        with metrics.EXECUTOR_RPC_SECONDS.labels("ExecuteSignal").time():
            reply = await self._call(
                "ExecuteSignal", self._stub.ExecuteSignal(request, timeout=self.timeout_s), self.timeout_s
            )
        return convert.execution_from_pb(reply)

    async def trading_status(self) -> TradingStatus:
        assert self._stub is not None, "start() first"
        call = self._stub.GetTradingStatus(pb.GetTradingStatusRequest(), timeout=self.control_timeout_s)
        return convert.trading_status_from_pb(await self._call("GetTradingStatus", call))

    async def set_trading(
        self, enabled: bool, actor: str, reason: str, changed_at: datetime | None = None
    ) -> TradingStatus:
        assert self._stub is not None, "start() first"
        request = convert.set_trading_to_pb(enabled, actor, reason, changed_at)
        call = self._stub.SetTradingEnabled(request, timeout=self.control_timeout_s)
        return convert.trading_status_from_pb(await self._call("SetTradingEnabled", call))

    async def flatten(self, venue: Venue | None, account: str) -> list[FlattenedAccount]:
        """Cancel and close on every chosen account: venue round trips, the executor's deadline each."""
        assert self._stub is not None, "start() first"
        call = self._stub.Flatten(convert.flatten_to_pb(venue, account), timeout=self.timeout_s * 4)
        return convert.flatten_from_pb(await self._call("Flatten", call, self.timeout_s * 4))

    async def resume_exits(self, sources: list[tuple[Signal, list[Order]]]) -> list[tuple[str, bool, str]]:
        """Hand back journalled entries' exit plans: (signal id, kept again, note) each. Each
        one may cost the executor a few venue reads."""
        assert self._stub is not None, "start() first"
        timeout = self.timeout_s * (2 + len(sources))
        call = self._stub.ResumeExits(convert.exit_sources_to_pb(sources), timeout=timeout)
        return convert.resumed_from_pb(await self._call("ResumeExits", call, timeout))

    async def sync_risk_pauses(self, events: list[PauseEvent]) -> list[PauseEvent]:
        """Hand the journal's pause and resume events over; the pauses the executor holds."""
        assert self._stub is not None, "start() first"
        call = self._stub.SyncRiskPauses(pauses.sync_pauses_to_pb(events), timeout=self.control_timeout_s)
        return pauses.pauses_from_pb(await self._call("SyncRiskPauses", call))

    async def remember_risk(self, cutoff_ms: int | None, accounts: list[AccountMemory]) -> MemoryReply:
        """Hand the risk limits' memory over (or, without a cutoff, ask whether it is wanted)."""
        assert self._stub is not None, "start() first"
        request = risk_memory.memory_to_pb(cutoff_ms, accounts)
        call = self._stub.RememberRisk(request, timeout=self.control_timeout_s)
        return risk_memory.memory_reply_from_pb(await self._call("RememberRisk", call))

    async def connections(self) -> AsyncIterator[None]:
        """Yields each time the channel becomes connected: at start and after every reconnect
        (an executor restart shows as the connection lost, then made again)."""
        assert self._channel is not None, "start() first"
        was_ready = False
        while True:
            state = self._channel.get_state(try_to_connect=True)
            ready = state is grpc.ChannelConnectivity.READY
            if ready and not was_ready:
                # A new connection may be a restarted executor, which holds no switch yet.
                self._switch_handed_over.clear()
                yield
            was_ready = ready
            await self._channel.wait_for_state_change(state)

    async def test_connection(self) -> list[ConnectionCheck]:
        """Every configured venue and account, reached with its keys. Each check is a venue round
        trip, so this has the executor's whole deadline."""
        assert self._stub is not None, "start() first"
        call = self._stub.TestConnection(pb.TestConnectionRequest(), timeout=self.timeout_s)
        return convert.checks_from_pb(await self._call("TestConnection", call, self.timeout_s))

    async def get_account(self, venue: Venue, account: str) -> Account:
        assert self._stub is not None, "start() first"
        request = pb.GetAccountRequest(venue=convert.VENUE_TO_PB[venue], account=account)
        call = self._stub.GetAccount(request, timeout=self.timeout_s)
        return convert.account_from_pb(await self._call("GetAccount", call, self.timeout_s))

    async def positions(self, venue: Venue | None, account: str) -> list[AccountPositions]:
        """Open positions with their protective orders: a venue read per account."""
        assert self._stub is not None, "start() first"
        call = self._stub.GetPositions(convert.positions_to_pb(venue, account), timeout=self.timeout_s * 2)
        return convert.positions_from_pb(await self._call("GetPositions", call, self.timeout_s * 2))

    async def watch_keeper(self, epoch: str, after_seq: int) -> AsyncIterator[KeeperRecord]:
        """The keeper's fills and news after (`epoch`, `after_seq`), then live, until the stream
        breaks (raised as a classified TvbridgeError). Records this gateway cannot read are
        skipped."""
        assert self._stub is not None, "start() first"
        # No deadline: the stream lives as long as the connection; keepalives notice a dead peer.
        call = self._stub.WatchKeeper(convert.watch_keeper_to_pb(epoch, after_seq))
        try:
            async for message in call:
                record = convert.keeper_record_from_pb(message)
                if record is not None:
                    yield record
        except grpc.aio.AioRpcError as exc:
            if exc.code() is not grpc.StatusCode.CANCELLED:
                metrics.EXECUTOR_RPC_ERRORS.labels("WatchKeeper", exc.code().name).inc()
            raise classify(exc, self.control_timeout_s) from None
        finally:
            call.cancel()

    async def _call(self, method: str, call: Awaitable[R], timeout_s: float | None = None) -> R:
        try:
            return await call
        except grpc.aio.AioRpcError as exc:
            metrics.EXECUTOR_RPC_ERRORS.labels(method, exc.code().name).inc()
            raise classify(exc, timeout_s or self.control_timeout_s) from None


def classify(exc: grpc.aio.AioRpcError, timeout_s: float) -> TvbridgeError:
    """A failed call as an error class: the one the executor declared, else what the status says."""
    trailing = dict(exc.trailing_metadata() or ())
    declared = trailing.get(ERROR_CLASS_TRAILER)
    if isinstance(declared, str) and declared in ErrorClass.__members__.values():
        return TvbridgeError(ErrorClass(declared), exc.details() or declared)
    code = exc.code()
    if code is grpc.StatusCode.DEADLINE_EXCEEDED:
        return TvbridgeError(
            ErrorClass.EXECUTOR_UNAVAILABLE,
            f"the executor did not answer within {timeout_s:.1f}s; the order may still be placed",
            venue_code="deadline",
        )
    if code is grpc.StatusCode.UNAVAILABLE:
        return TvbridgeError(
            ErrorClass.EXECUTOR_UNAVAILABLE, "the executor is unreachable; nothing was placed"
        )
    return TvbridgeError(
        ErrorClass.INTERNAL, f"the executor refused the request: {code.name}: {exc.details()}"
    )
