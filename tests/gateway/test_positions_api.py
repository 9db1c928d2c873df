"""GET /api/positions and the Positions and Fills pages, through the real app: the positions of
an in-process executor's keeper, and a stand-in for the executor client's answer where the test
needs one the simulator cannot give (a stream down, an account that cannot be read, a ladder
part-way through its levels)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from common.errors import ErrorClass, TvbridgeError
from common.trading import MarginMode, OrderPurpose, OrderStatus, Position, PositionSide
from executor.config import ExecutorSettings
from executor.server import RunningExecutor, start
from executor.venues.bingx.adapter import BingxAdapter
from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.core.execution import ExecutionError, Side
from gateway.core.keeper import AccountPositions, ExitLevel, ExitPlan, KeptPosition, ProtectiveOrder
from gateway.core.signal import Venue
from tests.support.owner import log_in
from tools.processes import free_port, wait_until

PASSPHRASE = "positions-passphrase-7Hq2"
PASSWORD = "owner-password-Pos9t1"
AUTH = {"Authorization": f"Bearer {PASSPHRASE}"}
PAGES = {"/dashboard/positions": "positions.js", "/dashboard/fills": "fills.js"}


@pytest.fixture
def executor(bingx: BingxAdapter) -> Iterator[RunningExecutor]:
    """The executor in this process on the simulator's BingX, reconciling every second: BingX's
    stream tells a new stop without its reduce-only flag, so in one-way mode the keeper knows it
    as a guard only once REST has been read."""
    settings = ExecutorSettings(
        _env_file=None,  # type: ignore[call-arg]
        executor_port=free_port(),
        executor_grace_s=1,
        reconcile_s=1.0,
    )
    running = start(settings, {(Venue.BINGX, "default"): bingx})
    yield running
    running.stop()


@pytest.fixture
def client(executor: RunningExecutor) -> Iterator[TestClient]:
    settings = GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_passphrase=SecretStr(PASSPHRASE),
        executor_addr=f"127.0.0.1:{executor.port}",
        dashboard_password=SecretStr(PASSWORD),
        cookie_secure=False,
    )
    with TestClient(create_app(settings)) as c:
        yield c


class StandIn:
    """The executor client's `positions`, answering what the test set and noting what it was asked."""

    def __init__(self, answer: list[AccountPositions] | TvbridgeError) -> None:
        self.answer = answer
        self.asked: list[tuple[Venue | None, str]] = []

    async def __call__(self, venue: Venue | None, account: str) -> list[AccountPositions]:
        self.asked.append((venue, account))
        if isinstance(self.answer, TvbridgeError):
            raise self.answer
        return self.answer


def stand_in(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, answer: list[AccountPositions] | TvbridgeError
) -> StandIn:
    fake = StandIn(answer)
    monkeypatch.setattr(client.app.state.services.executor, "positions", fake)  # type: ignore[attr-defined]
    return fake


def short_with_a_stop() -> KeptPosition:
    position = Position(
        symbol="ETH-USDT",
        venue_symbol="ETHUSDT",
        position_side=PositionSide.SHORT,
        quantity=Decimal("-0.5"),
        entry_price=Decimal("3000.10"),
        mark_price=Decimal("2990"),
        unrealized_pnl=Decimal("5.05"),
        leverage=5,
        margin_mode=MarginMode.CROSS,
    )
    stop = ProtectiveOrder(
        order_id="77",
        client_order_id="tvbabc",
        purpose=OrderPurpose.STOP_LOSS,
        side=Side.BUY,
        quantity=Decimal("0.2"),
        trigger_price=Decimal("3100"),
        close_position=False,
        status=OrderStatus.NEW,
        order_type="STOP_MARKET",
    )
    return KeptPosition(position, [stop], unprotected=True)


def long_with_a_ladder() -> KeptPosition:
    """Take-profit 1 filled, the stop at entry since, the trail waiting for take-profit 2."""
    position = Position(
        symbol="BTC-USDT",
        venue_symbol="BTCUSDT",
        position_side=PositionSide.LONG,
        quantity=Decimal("0.02"),
        entry_price=Decimal("60000"),
        mark_price=Decimal("61000"),
        unrealized_pnl=Decimal("20"),
        leverage=10,
        margin_mode=MarginMode.ISOLATED,
    )
    trail = ProtectiveOrder(
        order_id="88",
        client_order_id="tvbdef",
        purpose=OrderPurpose.STOP_LOSS,
        side=Side.SELL,
        quantity=Decimal("0.02"),
        trigger_price=None,
        close_position=False,
        status=OrderStatus.NEW,
        order_type="TRAILING_STOP_MARKET",
        activation_price=Decimal("61200"),
        callback_pct=Decimal("1"),
    )
    plan = ExitPlan(
        signal_id="ladder-1",
        entry_price=Decimal("60000"),
        take_profits=[
            ExitLevel(1, Decimal("60600"), Decimal("0.01"), Decimal("0.01"), True, "81"),
            ExitLevel(2, Decimal("61800"), Decimal("0.01"), Decimal("0"), False, ""),
        ],
        stop_price=Decimal("60000"),
        stop_quantity=Decimal("0.02"),
        at_breakeven=True,
        breakeven_after=1,
        trail_after=2,
        trailing_pct=Decimal("1"),
        trail_placed=False,
    )
    return KeptPosition(position, [trail], plan=plan)


def test_positions_need_the_owner(client: TestClient) -> None:
    assert client.get("/api/positions").status_code == 401
    assert client.get("/api/positions", headers={"Authorization": "Bearer not-it"}).status_code == 401
    assert client.get("/api/positions", headers=AUTH).status_code == 200
    log_in(client, PASSWORD)
    assert client.get("/api/positions").status_code == 200


def test_a_position_is_shown_with_its_stop(client: TestClient) -> None:
    sent = client.post(
        "/webhook",
        json={
            "id": "pos-1",
            "action": "buy",
            "symbol": "BTC-USDT",
            "quantity": "0.01",
            "sl_pct": "5",
            "passphrase": PASSPHRASE,
        },
    ).json()
    assert sent["status"] == "executed", sent
    [stop] = [o for o in sent["orders"] if o["purpose"] == "stop_loss"]

    def account() -> dict[str, Any]:
        [only] = client.get("/api/positions", headers=AUTH).json()["accounts"]
        assert isinstance(only, dict)
        return only

    assert wait_until(lambda: account()["positions"] and account()["positions"][0]["protective"], 5)
    seen = account()
    assert (seen["venue"], seen["account"]) == ("bingx", "default") and "error" not in seen
    assert seen["watch"] in ("stream", "rest")
    [position] = seen["positions"]
    assert (position["symbol"], position["quantity"], position["unprotected"]) == ("BTC-USDT", "0.01", False)
    assert Decimal(position["entry_price"]) > 0 and Decimal(position["mark_price"]) > 0
    [guard] = position["protective"]
    assert (guard["purpose"], guard["order_id"], guard["trigger_price"]) == (
        "stop_loss",
        stop["order_id"],
        stop["trigger_price"],
    )
    assert Decimal(guard["quantity"]) == Decimal("0.01") or guard["close_position"]
    assert (guard["activation_price"], guard["callback_pct"]) == (None, None)  # not a trail
    assert position["plan"] is None  # one stop is no plan to keep


def test_the_filters_reach_the_executor(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = stand_in(client, monkeypatch, [])
    assert client.get("/api/positions?venue=binance&account=%20main%20", headers=AUTH).json() == {
        "accounts": []
    }
    assert client.get("/api/positions", headers=AUTH).status_code == 200
    assert fake.asked == [(Venue.BINANCE, "main"), (None, "")]


def test_a_bad_filter_is_refused_naming_it(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = stand_in(client, monkeypatch, [])
    bad = client.get("/api/positions?venue=kraken", headers=AUTH)
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_request" and "venue" in bad.json()["error"]["message"]
    assert client.get("/api/positions?account=" + "a" * 65, headers=AUTH).status_code == 422
    assert fake.asked == []


def test_an_account_nobody_configured_is_refused(client: TestClient) -> None:
    refused = client.get("/api/positions?venue=binance", headers=AUTH)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "unknown_account"
    assert client.get("/api/positions?account=nobody", headers=AUTH).status_code == 422


def test_what_the_keeper_says_is_passed_on(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in(
        client,
        monkeypatch,
        [
            AccountPositions(
                Venue.BINANCE,
                "main",
                [short_with_a_stop(), long_with_a_ladder()],
                stream_connected=False,
                stream_down_since_ms=1_700_000_000_000,
                last_reconcile_ms=1_700_000_030_000,
            ),
            AccountPositions(
                Venue.BINGX,
                "default",
                [],
                stream_connected=True,
                error=ExecutionError(ErrorClass.VENUE_UNAVAILABLE, "BingX did not answer"),
            ),
        ],
    )
    resting, broken = client.get("/api/positions", headers=AUTH).json()["accounts"]
    assert resting == {
        "venue": "binance",
        "account": "main",
        "watch": "rest",
        "stream_down_since_ms": 1_700_000_000_000,
        "last_reconcile_ms": 1_700_000_030_000,
        "positions": [
            {
                "symbol": "ETH-USDT",
                "venue_symbol": "ETHUSDT",
                "position_side": "SHORT",
                "quantity": "-0.5",
                "entry_price": "3000.10",
                "mark_price": "2990",
                "unrealized_pnl": "5.05",
                "leverage": 5,
                "margin_mode": "cross",
                "protective": [
                    {
                        "order_id": "77",
                        "client_order_id": "tvbabc",
                        "purpose": "stop_loss",
                        "side": "buy",
                        "quantity": "0.2",
                        "trigger_price": "3100",
                        "close_position": False,
                        "status": "NEW",
                        "order_type": "STOP_MARKET",
                        "activation_price": None,
                        "callback_pct": None,
                    }
                ],
                "unprotected": True,
                "plan": None,
            },
            {
                "symbol": "BTC-USDT",
                "venue_symbol": "BTCUSDT",
                "position_side": "LONG",
                "quantity": "0.02",
                "entry_price": "60000",
                "mark_price": "61000",
                "unrealized_pnl": "20",
                "leverage": 10,
                "margin_mode": "isolated",
                "protective": [
                    {
                        "order_id": "88",
                        "client_order_id": "tvbdef",
                        "purpose": "stop_loss",
                        "side": "sell",
                        "quantity": "0.02",
                        "trigger_price": None,
                        "close_position": False,
                        "status": "NEW",
                        "order_type": "TRAILING_STOP_MARKET",
                        "activation_price": "61200",
                        "callback_pct": "1",
                    }
                ],
                "unprotected": False,
                "plan": {
                    "signal_id": "ladder-1",
                    "entry_price": "60000",
                    "take_profits": [
                        {
                            "number": 1,
                            "trigger_price": "60600",
                            "quantity": "0.01",
                            "filled": "0.01",
                            "done": True,
                            "order_id": "81",
                        },
                        {
                            "number": 2,
                            "trigger_price": "61800",
                            "quantity": "0.01",
                            "filled": "0",
                            "done": False,
                            "order_id": None,
                        },
                    ],
                    "stop_price": "60000",
                    "stop_quantity": "0.02",
                    "at_breakeven": True,
                    "breakeven_after": 1,
                    "trail_after": 2,
                    "trailing_pct": "1",
                    "trail_placed": False,
                },
            },
        ],
    }
    assert broken["watch"] == "stream" and broken["positions"] == []
    assert broken["error"] == {"code": "venue_unavailable", "message": "BingX did not answer"}


def test_an_unreachable_executor_is_a_503(client: TestClient, executor: RunningExecutor) -> None:
    executor.stop()
    gone = client.get("/api/positions", headers=AUTH)
    assert gone.status_code == 503
    assert gone.json()["error"]["code"] == "executor_unavailable"


def test_a_refusal_keeps_its_class(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    no_keeper = TvbridgeError(ErrorClass.UNSUPPORTED, "this executor runs no position keeper")
    stand_in(client, monkeypatch, no_keeper)
    refused = client.get("/api/positions", headers=AUTH)
    assert refused.status_code == 422
    assert refused.json() == {
        "error": {"code": "unsupported", "message": "this executor runs no position keeper"}
    }


def test_the_pages_need_the_login_and_load_their_own_scripts(client: TestClient) -> None:
    for path in PAGES:
        resp = client.get(path, follow_redirects=False)
        assert resp.status_code == 303
        assert resp.headers["location"] == "/login?next=" + path.replace("/", "%2F")
    log_in(client, PASSWORD)
    for path, script in PAGES.items():
        page = client.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"
        assert f'data-nav="{script.removesuffix(".js")}"' in page.text  # in the menu of every page
        # No inline script for the CSP to refuse: each one is a file of ours, run after the shell's.
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
        assert all(re.fullmatch(r' src="/static/[\w./-]+"( defer)?', a) and not b.strip() for a, b in scripts)
        deferred = [a for a, _ in scripts if a.endswith(" defer")]
        assert deferred == [' src="/static/kit.js" defer', f' src="/static/{script}" defer']
        for source in re.findall(r'src="([^"]+)"', page.text):
            served = client.get(source)
            assert served.status_code == 200 and "javascript" in served.headers["content-type"], source
