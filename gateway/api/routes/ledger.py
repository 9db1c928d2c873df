"""GET /api/fills: the ledger of fills, each with its signal and strategy."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query

from gateway.api.deps import OWNER_ONLY, LedgerDep
from gateway.core.fills import fill_view, parse_time

router = APIRouter()

DESCRIPTION = """Every fill on every account, newest first, as `{"fills": [...]}`.

Filters: `venue` (bingx or binance), `account`, `symbol` (canonical, e.g. BTC-USDT), `strategy`,
`since` and `until` (inclusive; epoch milliseconds or an ISO-8601 time, UTC unless it names an
offset), `limit` (1-1000, default 100). A bad value is a 422 naming the field.

Each fill: `venue`, `account`, `symbol`, `side`, `quantity`, `price`, `fee` (positive: paid),
`fee_asset`, `realized_pnl`, `time` (ISO-8601 UTC), `order_id`, `client_order_id`, `signal_id`,
`strategy`, `source` (`signal`, `protection` for a take-profit or stop, `external` for trades
made outside tvbridge and liquidations), and `trade_id`, `position_side`, `purpose`,
`liquidation`. Decimals are strings."""


def _time(field: str, value: str) -> int | None:
    if not value:
        return None
    try:
        return parse_time(value)
    except ValueError:
        raise HTTPException(422, f"{field}: not epoch milliseconds nor an ISO-8601 time") from None


@router.get("/api/fills", summary="The ledger of fills", description=DESCRIPTION, dependencies=[OWNER_ONLY])
async def fills(
    ledger: LedgerDep,
    venue: Literal["", "bingx", "binance"] = "",
    account: Annotated[str, Query(max_length=64)] = "",
    symbol: Annotated[str, Query(max_length=32)] = "",
    strategy: Annotated[str, Query(max_length=128)] = "",
    since: Annotated[str, Query(max_length=40)] = "",
    until: Annotated[str, Query(max_length=40)] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    rows = await ledger.fills(
        venue=venue,
        account=account,
        symbol=symbol.upper(),
        strategy=strategy,
        since_ms=_time("since", since),
        until_ms=_time("until", until),
        limit=limit,
    )
    return {"fills": [fill_view(row) for row in rows]}
