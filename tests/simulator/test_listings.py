"""The 50 contracts both venues list (simulator/listings.py adds 45 to the first five)."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from simulator.binance.instruments import complete_filters
from simulator.binance.instruments import default_instruments as binance_instruments
from simulator.exchange import Exchange
from simulator.listings import MORE
from simulator.records import default_instruments as bingx_instruments


def test_both_venues_list_the_same_fifty_contracts_in_one_order() -> None:
    bingx, binance = bingx_instruments(), binance_instruments()
    assert [i.symbol for i in bingx] == [i.symbol for i in binance]
    assert len({i.symbol for i in bingx}) == 50 == 5 + len(MORE)
    assert [i.base for i in bingx[:5]] == ["BTC", "ETH", "SOL", "XRP", "DOGE"]  # the first five stay first


def test_every_added_contract_trades_a_small_order_on_both_venues() -> None:
    """An order of at most 20 USDT fits both venues' steps and minimums: a 50-symbol burst stays
    small against any account."""
    for bingx, binance in zip(bingx_instruments()[5:], binance_instruments()[5:], strict=True):
        step = max(bingx.qty_step, binance.qty_step)  # each step a power of ten: the coarser divides
        minimum = max(bingx.min_notional, binance.min_notional, Decimal(5))
        steps = (minimum / (step * bingx.price)).to_integral_value(rounding=ROUND_CEILING)
        smallest = step * max(Decimal(1), steps)  # whole steps, at or over the minimum
        assert smallest * bingx.price <= 20, bingx.symbol
        for inst in (bingx, binance):
            assert inst.price == inst.price.quantize(inst.price_tick), inst.symbol  # on the tick
            assert inst.min_qty == inst.qty_step and inst.max_leverage >= 20, inst.symbol


def test_binance_gives_every_contract_filters_within_its_price() -> None:
    exchange = Exchange("binance", binance_instruments())
    for symbol, filters in complete_filters(exchange, None).items():
        price = exchange.instruments[symbol].price
        assert filters.min_price <= price <= filters.max_price, symbol
