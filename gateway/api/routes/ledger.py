"""The ledger of fills: GET /api/fills (a page, newest first), and its exports, every fill
oldest first, GET /trades.csv and GET /trades.json. All four routes of the ledger, analytics
included (gateway/api/routes/analytics.py), take the same filters (`Filters`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import StreamingResponse

from gateway.api.deps import OWNER_ONLY, LedgerDep
from gateway.core.fills import FillFilter, fill_view, parse_time
from gateway.core.trades_csv import render

router = APIRouter()

FILTERS = """Filters: `venue` (bingx or binance), `account`, `symbol` (canonical, e.g. BTC-USDT),
`strategy`, `since` and `until` (inclusive; epoch milliseconds or an ISO-8601 time, UTC unless
it names an offset). A bad value is a 422 naming the field."""

ROW = """Each fill: `venue`, `account`, `symbol`, `side`, `quantity`, `price`, `fee` (positive: paid),
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


async def _filters(
    venue: Literal["", "bingx", "binance"] = "",
    account: Annotated[str, Query(max_length=64)] = "",
    symbol: Annotated[str, Query(max_length=32)] = "",
    strategy: Annotated[str, Query(max_length=128)] = "",
    since: Annotated[str, Query(max_length=40)] = "",
    until: Annotated[str, Query(max_length=40)] = "",
) -> FillFilter:
    return FillFilter(
        venue=venue,
        account=account,
        symbol=symbol.upper(),
        strategy=strategy,
        since_ms=_time("since", since),
        until_ms=_time("until", until),
    )


Filters = Annotated[FillFilter, Depends(_filters)]


@router.get(
    "/api/fills",
    summary="The ledger of fills",
    description=f"""Every fill on every account, newest first, as `{{"fills": [...]}}`.

{FILTERS} `limit`: 1-1000, default 100.

{ROW}""",
    dependencies=[OWNER_ONLY],
)
async def fills(
    ledger: LedgerDep, filters: Filters, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> dict[str, Any]:
    rows = await ledger.fills(filters, limit=limit)
    return {"fills": [fill_view(row) for row in rows]}


@router.get(
    "/trades.csv",
    summary="The ledger exported as CSV: every fill, oldest first",
    description=f"""The seed's columns first (`time,venue,symbol,side,qty,price,order_id,signal_id`),
then `fee,fee_asset,realized_pnl,strategy,source,trade_id`.

{FILTERS}""",
    dependencies=[OWNER_ONLY],
)
async def trades_csv(ledger: LedgerDep, filters: Filters) -> StreamingResponse:
    rows = await ledger.fills(filters, limit=None, oldest_first=True)

    def lines() -> Iterator[str]:
        yield from render(rows)

    return StreamingResponse(
        lines(), media_type="text/csv", headers={"Content-Disposition": 'attachment; filename="trades.csv"'}
    )


@router.get(
    "/trades.json",
    summary="The ledger exported as JSON: every fill, oldest first",
    description=f"""`{{"fills": [...]}}`, each fill as `GET /api/fills` gives it.

{FILTERS}

{ROW}""",
    dependencies=[OWNER_ONLY],
)
async def trades_json(ledger: LedgerDep, filters: Filters) -> dict[str, Any]:
    rows = await ledger.fills(filters, limit=None, oldest_first=True)
    return {"fills": [fill_view(row) for row in rows]}
