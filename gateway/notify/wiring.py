"""The channels the settings configure."""

from __future__ import annotations

from common.settings import secret_value
from gateway.config import GatewaySettings
from gateway.notify.channels import Channel, Discord, Telegram, Webhook


def build_channels(settings: GatewaySettings) -> list[Channel]:
    channels: list[Channel] = []
    token = secret_value(settings.telegram_bot_token)
    if token and settings.telegram_chat_id:
        channels.append(Telegram(token, settings.telegram_chat_id, settings.telegram_api_url))
    if secret_value(settings.discord_webhook_url):
        channels.append(Discord(secret_value(settings.discord_webhook_url)))
    if secret_value(settings.notify_webhook_url):
        channels.append(Webhook(secret_value(settings.notify_webhook_url)))
    return channels
