"""Risk pauses (`SyncRiskPauses`) between the journal's events and protobuf. Part of
`gateway.executor.convert`; the enum tables are its."""

from __future__ import annotations

from collections.abc import Iterable

from google.protobuf.timestamp_pb2 import Timestamp

from common.pauses import PauseChange, PauseEvent
from gateway.core.signal import Venue
from gateway.executor.convert import VENUE_FROM_PB, VENUE_TO_PB, _by_name, _by_number
from tvbridge.executor.v1 import executor_pb2 as pb

PAUSE_CHANGE_TO_PB = _by_name("PAUSE_CHANGE_", PauseChange, pb.PauseChange)
PAUSE_CHANGE_FROM_PB = _by_number(PAUSE_CHANGE_TO_PB, pb.PauseChange)


def sync_pauses_to_pb(events: Iterable[PauseEvent]) -> pb.SyncRiskPausesRequest:
    return pb.SyncRiskPausesRequest(
        events=[
            pb.RiskPause(
                change=PAUSE_CHANGE_TO_PB[e.change],
                venue=VENUE_TO_PB[Venue(e.venue)],
                account=e.account,
                strategy=e.strategy,
                time=_timestamp_ms(e.time_ms),
                until=_timestamp_ms(e.until_ms) if e.until_ms else None,
                limit=e.limit,
                reason=e.reason,
                actor=e.actor,
            )
            for e in events
        ]
    )


def pauses_from_pb(msg: pb.RiskPauses) -> list[PauseEvent]:
    """The pauses the executor holds; one it words in a way this gateway does not know is left out."""
    out = []
    for p in msg.pauses:
        venue, change = VENUE_FROM_PB.get(p.venue), PAUSE_CHANGE_FROM_PB.get(p.change)
        if venue is None or change is None:
            continue
        until = int(p.until.ToMilliseconds()) if p.HasField("until") else 0
        out.append(
            PauseEvent(
                change,
                venue.value,
                p.account,
                p.strategy,
                int(p.time.ToMilliseconds()),
                until,
                p.limit,
                p.reason,
                p.actor,
            )
        )
    return out


def _timestamp_ms(ms: int) -> Timestamp:
    ts = Timestamp()
    ts.FromMilliseconds(ms)
    return ts
