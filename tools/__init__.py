"""Developer tooling: stub generation and the demo launcher (not shipped in the wheel)."""
