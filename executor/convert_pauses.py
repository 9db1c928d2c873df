"""Protobuf for risk pauses (`SyncRiskPauses`): the journal's pause and resume events in, the
pauses in force out. The enum tables and the shared messages are `convert.py`'s."""

from __future__ import annotations

from collections.abc import Iterable

from google.protobuf.timestamp_pb2 import Timestamp

from common.errors import ErrorClass, TvbridgeError
from common.pauses import PauseChange, PauseEvent
from common.trading import Venue
from executor.convert import VENUE_FROM_PB, VENUE_TO_PB, _enum_names
from tvbridge.executor.v1 import executor_pb2 as pb

PAUSE_CHANGE_TO_PB: dict[PauseChange, str] = _enum_names("PAUSE_CHANGE_", PauseChange, pb.PauseChange)
PAUSE_CHANGE_FROM_PB = {pb.PauseChange.Value(name): change for change, name in PAUSE_CHANGE_TO_PB.items()}


def pause_events_from_pb(events: Iterable[pb.RiskPause]) -> list[PauseEvent]:
    """Raises INVALID_SIGNAL (the request broke the contract) for an event without its venue
    or its kind."""
    out = []
    for e in events:
        venue, change = VENUE_FROM_PB.get(e.venue), PAUSE_CHANGE_FROM_PB.get(e.change)
        if venue is None or change is None:
            raise TvbridgeError(ErrorClass.INVALID_SIGNAL, "a pause event needs its venue and change")
        out.append(
            PauseEvent(
                change,
                venue.value,
                e.account or "default",
                e.strategy.lower(),
                int(e.time.ToMilliseconds()),
                int(e.until.ToMilliseconds()) if e.HasField("until") else 0,
                e.limit,
                e.reason,
                e.actor,
            )
        )
    return out


def pause_to_pb(event: PauseEvent) -> pb.RiskPause:
    return pb.RiskPause(
        change=PAUSE_CHANGE_TO_PB[event.change],
        venue=VENUE_TO_PB[Venue(event.venue)],
        account=event.account,
        strategy=event.strategy,
        time=_timestamp_ms(event.time_ms),
        until=_timestamp_ms(event.until_ms) if event.until_ms else None,
        limit=event.limit,
        reason=event.reason,
        actor=event.actor,
    )


def _timestamp_ms(ms: int) -> Timestamp:
    ts = Timestamp()
    ts.FromMilliseconds(ms)
    return ts
