"""Outgoing notifications: Telegram, Discord and a generic webhook, off the execution path."""
