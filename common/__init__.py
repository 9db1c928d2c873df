"""Pieces both services share: structured logging, settings, the error taxonomy."""
