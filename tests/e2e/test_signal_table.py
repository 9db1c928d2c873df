"""Every action x size kind x position mode, on both venues, through the real processes.

Each row sends one webhook to the running gateway and checks the exact orders the simulated
venue received: side, position side, quantity and reduce-only. One-way rows trade on each
venue's default key set; hedge rows on a second, named key set (`account: "hedge"`), so the
table also proves that a signal reaches the account it names and no other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

import pytest
import requests

from tests.e2e.conftest import PASSPHRASE
from tests.e2e.venue_calls import hedge_keys, signed_call, start_hedge_stack
from tools.stack import LocalStack

pytestmark = pytest.mark.e2e

KEYS = hedge_keys("table")
STEP = {"bingx": Decimal("0.0001"), "binance": Decimal("0.001")}
PRICE = Decimal(60000)
LEVERAGE = 10  # the venues' default for a symbol nobody set
LONG_HELD, SHORT_HELD = Decimal("0.02"), Decimal("0.03")

SIZES: dict[str, dict[str, str]] = {
    "none": {},
    "quantity": {"quantity": "0.005"},
    "balance": {"balance": "50"},
    "balance_pct": {"balance_pct": "1"},
    "position_pct": {"position_pct": "50"},
}
OPEN_SIZES = {"quantity": {"quantity": "0.01"}} | {
    k: SIZES[k] for k in ("balance", "balance_pct", "position_pct")
}


@dataclass(frozen=True)
class Row:
    venue: str
    hedge: bool
    action: str
    size: str

    @property
    def account(self) -> str:
        return "hedge" if self.hedge else "default"

    @property
    def name(self) -> str:
        return f"{self.venue}-{self.account}-{self.action}-{self.size}"


ROWS = [
    Row(venue, hedge, action, size)
    for venue in ("bingx", "binance")
    for hedge in (False, True)
    for action, sizes in (
        ("buy", OPEN_SIZES),
        ("sell", OPEN_SIZES),
        ("close", SIZES),
        ("close_long", SIZES),
        ("close_short", SIZES),
    )
    for size in sizes
]


def _signed(stack: LocalStack, venue: str, account: str, method: str, path: str, **params: Any) -> Any:
    return signed_call(stack, venue, KEYS[(venue, account)], method, path, **params)


def available(stack: LocalStack, venue: str, account: str) -> Decimal:
    if venue == "bingx":
        body = _signed(stack, venue, account, "GET", "/openApi/swap/v3/user/balance")
        return Decimal(body["data"][0]["availableMargin"])
    rows = _signed(stack, venue, account, "GET", "/fapi/v3/balance")
    return Decimal(next(r["availableBalance"] for r in rows if r["asset"] == "USDT"))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    running = start_hedge_stack(tmp_path_factory.mktemp("table"), KEYS, PASSPHRASE)
    yield running
    running.stop()


def webhook(stack: LocalStack, row: Row, signal_id: str, action: str, size: dict[str, str]) -> dict[str, Any]:
    body = {
        "action": action,
        "ticker": "BINANCE:BTCUSDT.P" if row.venue == "binance" else "BTC-USDT",
        "exchange": row.venue,
        "account": row.account,
        "id": signal_id,
        "passphrase": PASSPHRASE,
        **size,
    }
    resp = requests.post(f"{stack.gateway_url}/webhook", json=body, timeout=10)
    assert resp.status_code == 200, resp.text
    answer: dict[str, Any] = resp.json()
    return answer


def orders_of(stack: LocalStack, row: Row) -> dict[str, dict[str, Any]]:
    suffix = KEYS[(row.venue, row.account)][0][-4:]
    return {
        o["order_id"]: o
        for o in stack.venue_get(f"/_sim/orders?venue_name={row.venue}")
        if o["api_key_suffix"] == suffix
    }


def floor(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step


def expected(row: Row, free: Decimal) -> list[tuple[str, str, Decimal, bool]] | None:
    """The orders the venue must receive, or None when the signal must be refused."""
    step = STEP[row.venue]

    def sized(held: Decimal | None) -> Decimal:
        if row.size == "none":
            assert held is not None
            return held
        if row.size == "position_pct":
            assert held is not None
            return floor(held / 2, step)
        spec = (OPEN_SIZES if held is None else SIZES)[row.size]
        if row.size == "quantity":
            raw = Decimal(spec["quantity"])
        else:
            margin = (
                Decimal(spec["balance"])
                if row.size == "balance"
                else free * Decimal(spec["balance_pct"]) / 100
            )
            raw = margin * LEVERAGE / PRICE
        quantity = floor(raw, step)
        return quantity if held is None else min(quantity, held)

    if row.action in ("buy", "sell"):
        if row.size == "position_pct":
            return None
        side = "BUY" if row.action == "buy" else "SELL"
        pside = ("LONG" if side == "BUY" else "SHORT") if row.hedge else "BOTH"
        return [(side, pside, sized(None), False)]
    legs = []
    if row.action in ("close", "close_long"):
        legs.append(("SELL", "LONG" if row.hedge else "BOTH", sized(LONG_HELD), not row.hedge))
    if row.action == "close_short" or (row.hedge and row.action == "close"):
        legs.append(("BUY", "SHORT" if row.hedge else "BOTH", sized(SHORT_HELD), not row.hedge))
    return legs


def set_up(stack: LocalStack, row: Row) -> None:
    """What each close finds: one-way holds the side it closes; hedge holds a long and a short."""
    requests.post(f"{stack.simulator_url}/_sim/reset", timeout=5).raise_for_status()
    opens = []
    if row.action in ("close", "close_long") or (row.hedge and row.action == "close_short"):
        opens.append(("buy", LONG_HELD))
    if row.action == "close_short" or (row.hedge and row.action == "close"):
        opens.append(("sell", SHORT_HELD))
    for n, (action, quantity) in enumerate(opens):
        answer = webhook(stack, row, f"setup-{row.name}-{n}", action, {"quantity": str(quantity)})
        assert answer["status"] == "executed", answer


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_the_venue_receives_exactly_the_order_the_signal_means(stack: LocalStack, row: Row) -> None:
    set_up(stack, row)
    before = orders_of(stack, row)
    free = available(stack, row.venue, row.account)
    size = (OPEN_SIZES if row.action in ("buy", "sell") else SIZES)[row.size]
    answer = webhook(stack, row, f"row-{row.name}", row.action, size)
    placed = [o for oid, o in orders_of(stack, row).items() if oid not in before]
    want = expected(row, free)
    if want is None:
        assert answer["status"] == "rejected", answer
        assert placed == []
        return
    assert answer["status"] == "executed", answer
    got = [(o["side"], o["position_side"], Decimal(o["quantity"]), o["reduce_only"]) for o in placed]
    assert sorted(got) == sorted(want)
    assert all(o["type"] == "MARKET" and o["status"] == "FILLED" for o in placed)
    assert Decimal(answer["sizing"]["quantity"]) == sum(q for _, _, q, _ in want)
