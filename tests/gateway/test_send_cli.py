from __future__ import annotations

import pytest

from gateway.send import fill, tradingview_vars


def test_placeholders_are_filled_like_tradingview() -> None:
    values = tradingview_vars("BTCUSDT.P", "bingx", {"close": "61000.5", "strategy.order.action": "sell"})
    text = fill(
        '{"action": "{{strategy.order.action}}", "ticker": "{{ticker}}", "price": {{ close }}, '
        '"exchange": "{{exchange}}", "time": "{{timenow}}"}',
        values,
    )
    assert '"action": "sell"' in text
    assert '"ticker": "BTCUSDT.P"' in text
    assert '"price": 61000.5' in text
    assert '"exchange": "BINGX"' in text
    assert "{{" not in text


def test_a_placeholder_without_value_is_named() -> None:
    with pytest.raises(SystemExit, match=r"strategy\.order\.contracts"):
        fill('{"qty": "{{strategy.order.contracts}}"}', tradingview_vars("BTCUSDT", "BINGX", {}))
