"""GET /api/analytics: the ledger's figures per strategy and in total (gateway/core/analytics.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from gateway.api.deps import OWNER_ONLY, LedgerDep
from gateway.api.routes.ledger import FILTERS, Filters

router = APIRouter()

DESCRIPTION = f"""`{{"total": {{...}}, "strategies": {{"<name>": {{...}}}}}}`, the strategy `""` holding
trades opened outside tvbridge or by signals without one.

{FILTERS} A trade belongs to the strategy whose signal opened it, and counts in the window it
closed in; a fill's PnL and fees count in the window it is in.

Each object: `realized_pnl`, `fees` (in the symbol's quote asset), `net_pnl` (realized minus
fees), `other_fees` (by asset: fees paid in another asset, not converted), `trades`, `wins`,
`losses`, `win_rate` (a fraction; null without trades), `profit_factor` (won over lost; null
with no losing trade), `largest_win`, `largest_loss` (null without one), `max_drawdown` (the
largest fall of the equity curve from a peak), `equity_curve` (`[{{"time", "equity"}}]`, the
running net PnL), `daily_pnl` (`[{{"date", "net_pnl"}}]` per UTC day), `slippage_bps` (`count`,
`p50`, `p90`, `bands`: how many fall in each band of a round width, `values`: entries and closes
against the signal's `alert_price`, positive worse for the trader) and `fire_to_fill_ms`
(`count`, `p50`, `p90`: from the alert's `time` to each fill). Decimals are strings.

`points` (10-10000) is for a chart: each equity curve is thinned to at most that many points (its
first, its last, and each stretch's lowest and highest between), and `values` is left out. The
figures are worked out on every fill whatever `points` says."""


@router.get(
    "/api/analytics", summary="Performance per strategy", description=DESCRIPTION, dependencies=[OWNER_ONLY]
)
async def analytics(
    ledger: LedgerDep, filters: Filters, points: Annotated[int | None, Query(ge=10, le=10_000)] = None
) -> JSONResponse:
    # Already plain JSON values: straight to the encoder, not through FastAPI's walk of a long
    # ledger's every point.
    return JSONResponse(await ledger.analytics(filters, points))
