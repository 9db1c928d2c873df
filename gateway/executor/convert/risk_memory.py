"""The risk limits' memory (`RememberRisk`) between the journal's figures and protobuf. Part of
`gateway.executor.convert`; the enum tables are its."""

from __future__ import annotations

from collections.abc import Iterable

from google.protobuf.timestamp_pb2 import Timestamp

from common.decimals import plain
from common.risk_memory import AccountMemory, MemoryReply
from gateway.core.signal import Venue
from gateway.executor.convert import VENUE_TO_PB
from tvbridge.executor.v1 import executor_pb2 as pb


def memory_to_pb(cutoff_ms: int | None, accounts: Iterable[AccountMemory]) -> pb.RiskMemory:
    return pb.RiskMemory(
        cutoff=_timestamp_ms(cutoff_ms) if cutoff_ms is not None else None,
        accounts=[
            pb.AccountMemory(
                venue=VENUE_TO_PB[Venue(a.venue)],
                account=a.account,
                scopes=[
                    pb.ScopeMemory(
                        strategy=s.strategy,
                        realised=plain(s.realised),
                        forgiven=plain(s.forgiven),
                        trades=[plain(t) for t in s.trades],
                    )
                    for s in a.scopes
                ],
                stops=[
                    pb.SymbolStop(symbol=symbol, time=_timestamp_ms(time_ms))
                    for symbol, time_ms in sorted(a.stops.items())
                ],
            )
            for a in accounts
        ],
    )


def memory_reply_from_pb(reply: pb.RiskMemoryReply) -> MemoryReply:
    return MemoryReply(int(reply.started.ToMilliseconds()), reply.wanted, reply.taken)


def _timestamp_ms(ms: int) -> Timestamp:
    ts = Timestamp()
    ts.FromMilliseconds(ms)
    return ts
