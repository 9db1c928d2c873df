"""Sizing by risk on each venue, over real HTTP: the account's equity and taker fee are read from
the venue, and a stop that is hit loses what was asked, fees on both legs included."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from executor.core.model import Outcome, SizeKind
from tests.executor.conftest import VenueRig

D = Decimal


def fee_reads(rig: VenueRig) -> int:
    return sum(n for path, n in rig.seen().items() if path.endswith("/commissionRate"))


def test_the_account_taker_fee_is_read_once_from_the_venue(rig: VenueRig) -> None:
    rig.reset_requests()
    assert rig.adapter.taker_fee(rig.profile.btc) == rig.exchange.taker_fee
    assert rig.adapter.taker_fee(rig.profile.btc) == rig.exchange.taker_fee
    assert fee_reads(rig) == 1


def test_a_hit_stop_loses_the_equity_share_asked_fees_included(rig: VenueRig) -> None:
    equity = rig.adapter.equity("USDT")
    assert equity > 0
    wallet_before = rig.account.wallet
    result = rig.engine.execute(rig.signal(size=(SizeKind.RISK_PCT, "1"), sl_pct=D("2")))
    assert result.outcome is Outcome.EXECUTED, result.error
    sizing = result.sizing
    assert sizing is not None and sizing.risk_stop == D("58800") and sizing.fee_rate == D("0.0005")
    per_unit = D("1200") + D("0.0005") * (D("60000") + D("58800"))
    step = rig.adapter.rules("BTC-USDT").qty_step
    assert sizing.quantity == (equity / 100 / per_unit).quantize(step, rounding=ROUND_DOWN)

    rig.set_price("BTC-USDT", "58800")  # the stop triggers and closes at its price
    assert rig.held() == 0
    lost = wallet_before - rig.account.wallet
    # What the stop cost is the risk reported, and within one step's worth of the share asked.
    assert lost == sizing.risk
    assert equity / 100 - per_unit * step < lost <= equity / 100
