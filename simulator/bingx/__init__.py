"""The simulator's BingX perpetual-swap (swap v2) façade."""
