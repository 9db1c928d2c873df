"""BingX perpetual swap (USDT-M), swap API v2."""
