"""Builds the gateway's long-lived objects from the settings, once, into one typed container.

The app (gateway/app.py) assembles HTTP around it and runs its lifespan; routes reach these
objects only through gateway/api/deps.py.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from common.settings import secret_value
from gateway.config import GatewaySettings
from gateway.core.controls import Controls
from gateway.core.dispatcher import Dispatcher, Job
from gateway.core.exit_plans import ExitHandBack
from gateway.core.keeper_feed import KeeperFeed
from gateway.core.overview import Overview
from gateway.core.refusal_log import RefusalLog
from gateway.core.risk_memory import RiskMemoryHandOver
from gateway.core.risk_pauses import RiskPauses
from gateway.core.sessions import Sessions
from gateway.core.sources import RateLimiter, SourceGuard, parse_networks
from gateway.core.trades_csv import TradesFile
from gateway.core.webhook import WebhookService
from gateway.executor.client import ExecutorClient, MutualTls
from gateway.journal import risk_memory
from gateway.journal.aio import AsyncJournal
from gateway.journal.ledger_aio import AsyncLedger
from gateway.journal.store import Journal
from gateway.notify.events import from_outcome
from gateway.notify.sender import Notifier
from gateway.notify.wiring import build_channels
from gateway.telegram.client import BotApi
from gateway.telegram.commands import Commands
from gateway.telegram.poller import TelegramPoller


@dataclass(frozen=True)
class Services:
    settings: GatewaySettings
    executor: ExecutorClient
    store: Journal
    journal: AsyncJournal
    ledger: AsyncLedger
    keeper_feed: KeeperFeed
    trades_file: TradesFile
    notifier: Notifier
    dispatcher: Dispatcher
    webhooks: WebhookService
    sessions: Sessions
    controls: Controls
    overview: Overview
    guard: SourceGuard
    refusals: RefusalLog
    exit_hand_back: ExitHandBack
    risk_pauses: RiskPauses
    risk_memory: RiskMemoryHandOver
    telegram: TelegramPoller | None  # with TELEGRAM_BOT_TOKEN and TELEGRAM_OWNER_CHAT_IDS


def executor_client(settings: GatewaySettings) -> ExecutorClient:
    tls = None
    if settings.executor_tls_ca and settings.executor_client_cert and settings.executor_client_key:
        tls = MutualTls(
            ca=settings.executor_tls_ca,
            cert=settings.executor_client_cert,
            key=settings.executor_client_key,
            server_name=settings.executor_tls_server_name,
        )
    return ExecutorClient(
        settings.executor_addr, settings.executor_timeout_s, settings.readiness_timeout_s, tls=tls
    )


def source_guard(settings: GatewaySettings) -> SourceGuard:
    return SourceGuard(
        allowed=parse_networks(settings.allowed_sources, "ALLOWED_SOURCES"),
        trusted_proxies=parse_networks(settings.trusted_proxies, "TRUSTED_PROXIES"),
        limiter=RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst),
        cert_header=settings.client_cert_header,
        cert_subject=settings.client_cert_subject,
        unauthorized_cost=settings.unauthorized_cost,
    )


def telegram_poller(
    settings: GatewaySettings,
    journal: AsyncJournal,
    *,
    controls: Controls,
    pauses: RiskPauses,
    executor: ExecutorClient,
    ledger: AsyncLedger,
) -> TelegramPoller | None:
    token = secret_value(settings.telegram_bot_token)
    owners = settings.owner_chat_ids()
    if not token or not owners:
        return None
    commands = Commands(
        owners, switch=controls, pauses=pauses, watch=executor, figures=ledger, journal=journal
    )
    api = BotApi(token, settings.telegram_api_url, settings.telegram_poll_timeout_s)
    # A token is "<bot id>:<secret>": the journal keys its updates by the bot, never the secret.
    return TelegramPoller(api, commands, journal, token.partition(":")[0])


def build(settings: GatewaySettings) -> Services:
    """Everything the gateway runs on; the journal is brought to the newest schema here."""
    executor = executor_client(settings)
    store = Journal(settings.database_url.get_secret_value())
    store.migrate()
    journal = AsyncJournal(store)
    trades_file = TradesFile(settings.trades_csv)
    notifier = Notifier(build_channels(settings))
    ledger = AsyncLedger(journal)
    # trades.csv is the ledger's: a line per fill, appended as the feed records it.
    keeper_feed = KeeperFeed(
        ledger,
        executor,
        publish=notifier.publish,
        on_fill=lambda fill: trades_file.append([fill]),
        channel_up=executor.channel_up,
    )

    def on_decided(job: Job, result: dict[str, Any]) -> None:
        keeper_feed.outcome_recorded()
        signal = job.signal
        event = from_outcome(
            result, venue=signal.venue.value, symbol=signal.symbol, action=signal.action.value
        )
        if event is not None:
            notifier.publish(event)

    dispatcher = Dispatcher(
        journal,
        executor,
        max_age_ms=int(settings.signal_max_age_s * 1000),
        on_decided=on_decided,
    )
    refusals = RefusalLog()
    webhooks = WebhookService(settings, journal, dispatcher, notifier, refusals)
    # Without a configured secret, sessions last as long as this process.
    secret = secret_value(settings.session_secret) or secrets.token_hex(32)
    controls = Controls(executor, journal, notifier, default_enabled=settings.trading_enabled)
    risk_pauses = RiskPauses(executor, journal, notifier)
    return Services(
        settings=settings,
        executor=executor,
        store=store,
        journal=journal,
        ledger=ledger,
        keeper_feed=keeper_feed,
        trades_file=trades_file,
        notifier=notifier,
        dispatcher=dispatcher,
        webhooks=webhooks,
        sessions=Sessions(secret.encode(), settings.session_ttl_s),
        controls=controls,
        overview=Overview(executor, journal, webhooks, controls),
        guard=source_guard(settings),
        refusals=refusals,
        exit_hand_back=ExitHandBack(journal, executor),
        risk_pauses=risk_pauses,
        risk_memory=RiskMemoryHandOver(
            executor, lambda cutoff_ms: journal.read(risk_memory.read, ledger.ledger, cutoff_ms)
        ),
        telegram=telegram_poller(
            settings, journal, controls=controls, pauses=risk_pauses, executor=executor, ledger=ledger
        ),
    )
