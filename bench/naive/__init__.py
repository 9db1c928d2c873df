"""A naive reference webhook bot: the way most hobby TradingView-to-BingX bots are built.

Flask, `requests` with a new connection for every venue call, and four synchronous venue
calls per order (balance, price, leverage, order). It is the baseline the benchmark compares
tvbridge against, so it is naive only in those ways: no sleeps, no debug mode, no reloader.
"""
