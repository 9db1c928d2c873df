"""`/_sim/spellings`: switch a venue's answers to an alternative spelling the venue is known to
use for the same state (simulator/bingx/spelling.py), until the next `/_sim/reset`. Tests only."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from simulator.bingx import spelling as bingx_spelling
from simulator.exchange import Exchange

KNOWN: dict[str, frozenset[str]] = {"bingx": bingx_spelling.KNOWN, "binance": frozenset()}


class Spellings(BaseModel):
    venue: str = "bingx"
    spellings: dict[str, bool]


def build_router(exchanges: dict[str, Exchange]) -> APIRouter:
    router = APIRouter(prefix="/_sim", include_in_schema=False)

    @router.put("/spellings")
    def set_spellings(plan: Spellings) -> dict[str, bool]:
        exchange = exchanges.get(plan.venue)
        if exchange is None:
            raise HTTPException(404, f"no venue {plan.venue}")
        unknown = sorted(set(plan.spellings) - KNOWN.get(plan.venue, frozenset()))
        if unknown:
            raise HTTPException(422, f"{plan.venue} has no spelling {', '.join(unknown)}")
        with exchange.lock:
            exchange.spellings.update(plan.spellings)
            return dict(exchange.spellings)

    @router.get("/spellings")
    def get_spellings(venue_name: str = "bingx") -> dict[str, bool]:
        exchange = exchanges.get(venue_name)
        if exchange is None:
            raise HTTPException(404, f"no venue {venue_name}")
        return dict(exchange.spellings)

    return router
