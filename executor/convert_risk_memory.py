"""Protobuf for the risk limits' memory (`RememberRisk`): the journal's figures in, whether the
executor wants or took them out. The enum tables are `convert.py`'s."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from google.protobuf.timestamp_pb2 import Timestamp

from common.decimals import parse_decimal
from common.errors import ErrorClass, TvbridgeError
from common.risk_memory import AccountMemory, MemoryReply, ScopeMemory
from executor.convert import VENUE_FROM_PB
from tvbridge.executor.v1 import executor_pb2 as pb


def cutoff_from_pb(request: pb.RiskMemory) -> int | None:
    return int(request.cutoff.ToMilliseconds()) if request.HasField("cutoff") else None


def memories_from_pb(accounts: Iterable[pb.AccountMemory]) -> list[AccountMemory]:
    """Raises INVALID_SIGNAL (the request broke the contract) for an account without its venue
    or a figure that is not a number."""
    out = []
    for a in accounts:
        venue = VENUE_FROM_PB.get(a.venue)
        if venue is None:
            raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "an account's memory needs its venue")
        scopes = tuple(
            ScopeMemory(
                s.strategy.lower(),
                _number(s.realised, "realised"),
                _number(s.forgiven, "forgiven"),
                tuple(_number(t, "a trade's net") for t in s.trades),
            )
            for s in a.scopes
        )
        stops = {s.symbol: int(s.time.ToMilliseconds()) for s in a.stops if s.symbol}
        out.append(AccountMemory(venue.value, a.account or "default", scopes, stops))
    return out


def reply_to_pb(reply: MemoryReply) -> pb.RiskMemoryReply:
    started = Timestamp()
    started.FromMilliseconds(reply.started_ms)
    return pb.RiskMemoryReply(started=started, wanted=reply.wanted, taken=reply.taken)


def _number(text: str, what: str) -> Decimal:
    if not text:
        return Decimal(0)
    try:
        return parse_decimal(text)
    except ValueError as exc:
        raise TvbridgeError(ErrorClass.INVALID_SIGNAL, f"{what}: {exc}") from exc
