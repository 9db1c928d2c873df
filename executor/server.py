"""Assembles the executor process: gRPC server, health, reflection, metrics."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Mapping
from concurrent import futures
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from types import FrameType

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from prometheus_client import start_http_server

from common.errors import TvbridgeError
from executor import grpc_tls, metrics
from executor.config import ExecutorSettings
from executor.core.engine import ExecutionEngine
from executor.core.events import VenueWatch
from executor.core.exposure.guard import ExposureGuard
from executor.core.keeper.keeper import Keeper
from executor.core.model import Venue
from executor.core.ports import VenueAdapter
from executor.core.switch import TradingSwitch
from executor.grpc_service import ExecutorServicer
from executor.interceptors import DeadlineAndMetricsInterceptor
from executor.wiring import build_adapters, build_keeper
from tvbridge.executor.v1 import executor_pb2 as pb
from tvbridge.executor.v1 import executor_pb2_grpc as pb_grpc

log = logging.getLogger("executor")

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["ExecutorService"].full_name


@dataclass
class RunningExecutor:
    server: grpc.Server
    port: int
    engine: ExecutionEngine
    health: health.HealthServicer
    grace_s: float
    keeper: Keeper
    stopped: threading.Event = field(default_factory=threading.Event)

    def stop(self) -> None:
        """Stop taking calls, let in-flight ones finish within the grace period."""
        if self.stopped.is_set():
            return
        self.health.enter_graceful_shutdown()
        self.server.stop(self.grace_s).wait()
        self.keeper.stop()
        for adapter in self.engine.adapters.values():
            adapter.close()
        self.stopped.set()


def warm(adapters: Mapping[tuple[Venue, str], VenueAdapter]) -> None:
    for adapter in adapters.values():
        try:
            adapter.warm()
        except TvbridgeError as exc:
            # Serve anyway: the venue may come back, and signals say why they fail meanwhile.
            log.warning("could not warm %s/%s: %s", adapter.venue.value, adapter.account, exc.message)


def keep_warm(
    adapters: Mapping[tuple[Venue, str], VenueAdapter], idle_s: float, stop: threading.Event
) -> None:
    """Until `stop`: every adapter idle for idle_s sends one cheap request."""
    while not stop.wait(idle_s / 4):
        for adapter in adapters.values():
            try:
                adapter.keep_warm(idle_s)
            except TvbridgeError as exc:
                log.info(
                    "keep-alive read failed", extra={"venue": adapter.venue.value, "reason": exc.message}
                )


def keeper_metrics(bridges: list[metrics.KeeperMetrics | metrics.RiskMetrics], stop: threading.Event) -> None:
    while not stop.wait(1.0):
        for bridge in bridges:
            bridge.update()


def start(
    settings: ExecutorSettings, adapters: Mapping[tuple[Venue, str], VenueWatch] | None = None
) -> RunningExecutor:
    built = build_adapters(settings) if adapters is None else adapters
    if settings.venue_warm_on_start:
        warm(built)
    # Off until the gateway hands over the journal's state (executor/core/switch.py says why).
    switch = TradingSwitch.awaiting_gateway()
    metrics.TRADING_ENABLED.set(0)
    exposure = ExposureGuard(settings.risk_plan())
    keeper = build_keeper(settings, built, exposure)
    engine = ExecutionEngine(
        built,
        switch,
        risk=settings.risk_limits(),
        on_guarded=keeper.guarded,
        keeper=keeper,
        exposure=exposure,
    )

    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=settings.executor_max_workers, thread_name_prefix="rpc"),
        interceptors=[DeadlineAndMetricsInterceptor(settings.executor_require_deadline)],
        options=[("grpc.so_reuseport", 0)],
    )
    pb_grpc.add_ExecutorServiceServicer_to_server(ExecutorServicer(engine, keeper), server)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        (SERVICE_NAME, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME),
        server,
    )
    address = f"{settings.executor_host}:{settings.executor_port}"
    if settings.tls:
        assert settings.executor_tls_cert and settings.executor_tls_key and settings.executor_tls_client_ca
        credentials = grpc_tls.server_credentials(
            settings.executor_tls_cert, settings.executor_tls_key, settings.executor_tls_client_ca
        )
        port = server.add_secure_port(address, credentials)  # and no plaintext port at all
    else:
        port = server.add_insecure_port(address)
    if port == 0:
        raise SystemExit(f"executor: cannot bind {settings.executor_host}:{settings.executor_port}")
    server.start()
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    health_servicer.set(SERVICE_NAME, health_pb2.HealthCheckResponse.SERVING)
    running = RunningExecutor(server, port, engine, health_servicer, settings.executor_grace_s, keeper)
    # Streams and reconciliation run beside the server: a venue that cannot be watched must
    # never stop it from trading.
    keeper.start()
    threading.Thread(
        target=keeper_metrics,
        args=([metrics.KeeperMetrics(keeper, built), metrics.RiskMetrics(exposure, built)], running.stopped),
        name="keeper-metrics",
        daemon=True,
    ).start()
    if settings.venue_keepalive_s > 0:
        threading.Thread(
            target=keep_warm,
            args=(built, settings.venue_keepalive_s, running.stopped),
            name="venue-keepalive",
            daemon=True,
        ).start()
    return running


def serve(settings: ExecutorSettings) -> None:
    metrics.BUILD.info({"version": _version()})
    start_http_server(settings.executor_metrics_port, addr=settings.executor_metrics_host)
    running = start(settings)
    log.info(
        "executor listening",
        extra={
            "grpc_port": running.port,
            "metrics_port": settings.executor_metrics_port,
            "venues": sorted(f"{v.value}/{a}" for v, a in running.engine.adapters),
        },
    )

    def on_signal(signum: int, frame: FrameType | None) -> None:
        log.info("shutting down on %s", signal.Signals(signum).name)
        threading.Thread(target=running.stop, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    running.stopped.wait()
    log.info("executor stopped")


def _version() -> str:
    try:
        return version("tvbridge")
    except PackageNotFoundError:
        return "dev"
