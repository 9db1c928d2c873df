"""Exposure limits: open positions, daily loss, losing streaks, cooldown after a stop, trading
hours, per account and per strategy, decided atomically per account (guard.py is the door)."""
