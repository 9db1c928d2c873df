"""Binance USDⓈ-M futures (`/fapi`) REST, as the venue documents it (see docs/venues/binance.md)."""
