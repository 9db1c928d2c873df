"""The coins an exchange knows, as both venues' wallet coin lists name them: the margin asset
first, then every contract's quote and base, each once."""

from __future__ import annotations

from simulator.exchange import Exchange


def coins(exchange: Exchange) -> list[str]:
    named = [exchange.margin_asset]
    for inst in exchange.instruments.values():
        named += [inst.quote, inst.base]
    return list(dict.fromkeys(named))
