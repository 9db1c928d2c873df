"""The gRPC servicer: thin translation between the wire and the engine."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import NoReturn

import grpc

from common.errors import ErrorClass, TvbridgeError
from common.jsonlog import signal_context
from executor import convert, convert_keeper, convert_pauses, convert_risk_memory, metrics
from executor.core.engine import ExecutionEngine
from executor.core.keeper.keeper import Keeper
from executor.core.keeper.view import kept_positions
from executor.core.model import Venue
from tvbridge.executor.v1 import executor_pb2 as pb
from tvbridge.executor.v1 import executor_pb2_grpc as pb_grpc

log = logging.getLogger("executor.grpc")


# Each class as a gRPC status, for a signal the executor could not decide. Retryable conditions
# travel as codes the caller's retry logic knows (UNAVAILABLE, RESOURCE_EXHAUSTED) without
# reading the class, which rides along in trailing metadata.
GRPC_CODES: dict[ErrorClass, grpc.StatusCode] = {
    ErrorClass.INVALID_SIGNAL: grpc.StatusCode.INVALID_ARGUMENT,
    ErrorClass.UNKNOWN_SYMBOL: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorClass.BELOW_MINIMUM: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorClass.PRECISION: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorClass.RISK_LIMIT: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorClass.TRADING_DISABLED: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorClass.INSUFFICIENT_MARGIN: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorClass.NO_POSITION: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorClass.AUTH: grpc.StatusCode.PERMISSION_DENIED,
    ErrorClass.TIMESTAMP: grpc.StatusCode.UNAVAILABLE,
    ErrorClass.DUPLICATE_CLIENT_ID: grpc.StatusCode.ALREADY_EXISTS,
    ErrorClass.UNKNOWN_ORDER: grpc.StatusCode.NOT_FOUND,
    ErrorClass.RATE_LIMITED: grpc.StatusCode.RESOURCE_EXHAUSTED,
    ErrorClass.VENUE_UNAVAILABLE: grpc.StatusCode.UNAVAILABLE,
    ErrorClass.UNKNOWN_ACCOUNT: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorClass.UNSUPPORTED: grpc.StatusCode.UNIMPLEMENTED,
    ErrorClass.STALE: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorClass.INTERNAL: grpc.StatusCode.INTERNAL,
    ErrorClass.VENUE_REJECTED: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorClass.EXECUTOR_UNAVAILABLE: grpc.StatusCode.UNAVAILABLE,
    ErrorClass.UNAUTHORIZED: grpc.StatusCode.UNAUTHENTICATED,
    ErrorClass.JOURNAL_UNAVAILABLE: grpc.StatusCode.UNAVAILABLE,
    ErrorClass.NOT_FOUND: grpc.StatusCode.NOT_FOUND,
    ErrorClass.FORBIDDEN: grpc.StatusCode.PERMISSION_DENIED,
    ErrorClass.TOO_MANY_REQUESTS: grpc.StatusCode.RESOURCE_EXHAUSTED,
    ErrorClass.PAYLOAD_TOO_LARGE: grpc.StatusCode.INVALID_ARGUMENT,
}


def _abort(context: grpc.ServicerContext, exc: TvbridgeError) -> NoReturn:
    context.set_trailing_metadata((("tvbridge-error-class", exc.error_class.value),))
    context.abort(GRPC_CODES[exc.error_class], exc.message)


# How often a keeper stream with nothing to send looks whether its reader is still there.
WATCH_POLL_S = 1.0


class ExecutorServicer(pb_grpc.ExecutorServiceServicer):
    def __init__(self, engine: ExecutionEngine, keeper: Keeper | None = None) -> None:
        self.engine = engine
        self.keeper = keeper

    def ExecuteSignal(
        self, request: pb.ExecuteSignalRequest, context: grpc.ServicerContext
    ) -> pb.ExecuteSignalResponse:
        with signal_context(request.signal.signal_id or None):
            try:
                signal = convert.signal_from_pb(request.signal)
                result = self.engine.execute(
                    signal, max_age_ms=request.max_age_ms, attempt=max(1, request.attempt)
                )
            except TvbridgeError as exc:
                metrics.VENUE_ERRORS.labels(
                    convert.VENUE_FROM_PB.get(request.signal.venue, Venue.BINGX).value, exc.error_class.value
                ).inc()
                log.warning(
                    "signal not decided: %s", exc.message, extra={"error_class": exc.error_class.value}
                )
                _abort(context, exc)
            side = result.orders[0].side.value.lower() if result.orders else "none"
            metrics.ORDERS.labels(signal.venue.value, side, result.outcome.value).inc()
            if result.error is not None and result.error.venue_code:
                metrics.VENUE_ERRORS.labels(signal.venue.value, result.error.error_class.value).inc()
            return convert.result_to_pb(result)

    def GetAccount(
        self, request: pb.GetAccountRequest, context: grpc.ServicerContext
    ) -> pb.GetAccountResponse:
        venue = convert.VENUE_FROM_PB.get(request.venue)
        if venue is None:
            _abort(context, TvbridgeError(ErrorClass.INVALID_SIGNAL, "venue is required"))
        try:
            adapter = self.engine.adapter(venue, request.account)
            balances = adapter.balances()
            positions = adapter.positions()
            hedge = adapter.hedge_mode()
        except TvbridgeError as exc:
            _abort(context, exc)
        return pb.GetAccountResponse(
            venue=request.venue,
            account=adapter.account,
            balances=[convert.balance_to_pb(b) for b in balances],
            positions=[convert.position_to_pb(p) for p in positions],
            hedge_mode=hedge,
        )

    def TestConnection(
        self, request: pb.TestConnectionRequest, context: grpc.ServicerContext
    ) -> pb.TestConnectionResponse:
        wanted = convert.VENUE_FROM_PB.get(request.venue)
        checks = []
        for (venue, account), adapter in sorted(self.engine.adapters.items()):
            if wanted is not None and venue is not wanted:
                continue
            if request.account and account != request.account:
                continue
            check = pb.ConnectionCheck(
                venue=convert.VENUE_TO_PB[venue], account=account, base_url=adapter.base_url
            )
            try:
                report = adapter.check_connection()
                check.ok = report.ok
                check.latency_ms = report.latency_ms
                check.clock_offset_ms = report.clock_offset_ms
                check.can_read = report.can_read
                check.can_trade = report.can_trade
            except TvbridgeError as exc:
                check.ok = False
                check.error.CopyFrom(convert.error_to_pb(exc))
            checks.append(check)
        return pb.TestConnectionResponse(checks=checks)

    def SetTradingEnabled(
        self, request: pb.SetTradingEnabledRequest, context: grpc.ServicerContext
    ) -> pb.TradingStatus:
        state = self.engine.switch.set(
            request.enabled, request.actor, request.reason, convert.switch_changed_at(request)
        )
        metrics.TRADING_ENABLED.set(1 if state.enabled else 0)
        log.warning(
            "trading switched %s",
            "on" if state.enabled else "off",
            extra={"actor": state.actor, "reason": state.reason},
        )
        return convert.trading_status_to_pb(state)

    def SyncRiskPauses(
        self, request: pb.SyncRiskPausesRequest, context: grpc.ServicerContext
    ) -> pb.RiskPauses:
        try:
            events = convert_pauses.pause_events_from_pb(request.events)
        except TvbridgeError as exc:
            _abort(context, exc)
        held = self.engine.exposure.sync(events)
        return pb.RiskPauses(pauses=[convert_pauses.pause_to_pb(p) for p in held])

    def RememberRisk(self, request: pb.RiskMemory, context: grpc.ServicerContext) -> pb.RiskMemoryReply:
        try:
            accounts = convert_risk_memory.memories_from_pb(request.accounts)
        except TvbridgeError as exc:
            _abort(context, exc)
        cutoff = convert_risk_memory.cutoff_from_pb(request)
        reply = self.engine.exposure.remember(cutoff, accounts)
        if reply.taken:
            log.info("risk memory taken from the journal", extra={"accounts": len(accounts)})
        return convert_risk_memory.reply_to_pb(reply)

    def GetTradingStatus(
        self, request: pb.GetTradingStatusRequest, context: grpc.ServicerContext
    ) -> pb.TradingStatus:
        return convert.trading_status_to_pb(self.engine.switch.state)

    def Flatten(self, request: pb.FlattenRequest, context: grpc.ServicerContext) -> pb.FlattenResponse:
        venue = convert.VENUE_FROM_PB.get(request.venue)
        try:
            reports = self.engine.flatten(venue, request.account)
        except TvbridgeError as exc:
            _abort(context, exc)
        for report in reports:
            log.warning(
                "account flattened",
                extra={
                    "venue": report.venue.value,
                    "account": report.account,
                    "cancelled": len(report.cancelled),
                    "closed": len(report.closed),
                    "failures": len(report.failures),
                },
            )
        return convert.flatten_to_pb(reports)

    def WatchKeeper(
        self, request: pb.WatchKeeperRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.KeeperRecord]:
        if self.keeper is None:
            _abort(context, TvbridgeError(ErrorClass.UNSUPPORTED, "this executor runs no position keeper"))
        replay = self.keeper.replay
        # Another run's numbers mean nothing here: that reader gets all this run still holds.
        seq = request.after_seq if request.epoch == replay.epoch else 0
        while context.is_active():
            for record in replay.wait_since(seq, WATCH_POLL_S):
                yield convert_keeper.record_to_pb(replay.epoch, record)
                seq = record.seq

    def GetPositions(
        self, request: pb.GetPositionsRequest, context: grpc.ServicerContext
    ) -> pb.GetPositionsResponse:
        if self.keeper is None:
            _abort(context, TvbridgeError(ErrorClass.UNSUPPORTED, "this executor runs no position keeper"))
        wanted = convert.VENUE_FROM_PB.get(request.venue)
        accounts = []
        for (venue, account), adapter in sorted(self.engine.adapters.items()):
            named = (wanted is None or venue is wanted) and request.account in ("", account)
            if not named or not self.keeper.watches(venue, account):
                continue
            seen = self.keeper.view(venue, account)
            try:
                kept = kept_positions(adapter.positions(), seen)
            except TvbridgeError as exc:
                accounts.append(convert_keeper.account_positions_to_pb(seen, None, exc))
                continue
            accounts.append(convert_keeper.account_positions_to_pb(seen, kept))
        if not accounts and (wanted is not None or request.account):
            where = f"{wanted.value if wanted else 'any venue'}/{request.account or 'any account'}"
            missing = f"no account is configured for {where}"
            _abort(context, TvbridgeError(ErrorClass.UNKNOWN_ACCOUNT, missing))
        return pb.GetPositionsResponse(accounts=accounts)

    def ResumeExits(
        self, request: pb.ResumeExitsRequest, context: grpc.ServicerContext
    ) -> pb.ResumeExitsResponse:
        results = []
        for source in request.sources:
            try:
                signal = convert.signal_from_pb(source.signal)
                orders = [convert.order_from_pb(o) for o in source.orders]
            except TvbridgeError as exc:
                results.append(
                    pb.ResumedExit(signal_id=source.signal.signal_id, resumed=False, note=exc.message)
                )
                continue
            kept, note = self.engine.resume(signal, orders)
            log.info(
                "exit plan handed back", extra={"signal_id": signal.signal_id, "resumed": kept, "note": note}
            )
            results.append(pb.ResumedExit(signal_id=signal.signal_id, resumed=kept, note=note))
        return pb.ResumeExitsResponse(results=results)
