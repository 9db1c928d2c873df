"""`/_sim/timeline`: when each venue's stream frames left and its requests arrived
(simulator/streams/timeline.py). Benchmark and tests only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from simulator.streams.hub import StreamHub


def build_router(hubs: dict[str, StreamHub]) -> APIRouter:
    router = APIRouter(prefix="/_sim", include_in_schema=False)

    @router.get("/timeline")
    def timeline(venue_name: str = "bingx", after_ms: float = 0.0) -> dict[str, Any]:
        """The venue's marks later than `after_ms` (the simulator's monotonic milliseconds), oldest first."""
        hub = hubs.get(venue_name)
        if hub is None:
            raise HTTPException(404, f"no venue {venue_name}")
        return {"marks": [m.view() for m in hub.timeline.marks() if m.at_ms > after_ms]}

    @router.delete("/timeline")
    def clear() -> dict[str, Any]:
        for hub in hubs.values():
            hub.timeline.clear()
        return {"marks": []}

    return router
