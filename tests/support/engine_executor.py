"""The executor without its gRPC server, for the gateway's dispatcher tests: the same two convert
modules as on the wire, and the engine over whatever venue the test gives it."""

from __future__ import annotations

import asyncio

from executor import convert as executor_convert
from executor.core.engine import ExecutionEngine
from gateway.core.execution import Execution
from gateway.core.signal import Signal
from gateway.executor import convert as gateway_convert


class EngineExecutor:
    def __init__(self, engine: ExecutionEngine) -> None:
        self.engine = engine
        self.attempts: list[tuple[str, int]] = []  # (signal id, attempt) in the order sent

    def connected(self) -> bool:
        return True

    async def wait_ready(self, timeout_s: float) -> bool:
        return True

    async def execute(self, signal: Signal, *, max_age_ms: int, attempt: int = 1) -> Execution:
        self.attempts.append((signal.signal_id, attempt))
        trade = executor_convert.signal_from_pb(gateway_convert.signal_to_pb(signal))
        # A retryable refusal is raised, as the servicer's gRPC status would be classified.
        result = await asyncio.to_thread(self.engine.execute, trade, max_age_ms=max_age_ms, attempt=attempt)
        return gateway_convert.execution_from_pb(executor_convert.result_to_pb(result))
