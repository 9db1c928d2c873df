"""Server interceptors: required deadlines and per-method metrics."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import grpc

from executor import metrics

_OWN_SERVICE = "/tvbridge.executor.v1.ExecutorService/"
# grpcio reports "no deadline" as an infinite-ish deadline, not None; nobody
# sets a deadline a year out on purpose.
_NO_DEADLINE_S = 365 * 24 * 3600


def _has_deadline(context: grpc.ServicerContext) -> bool:
    remaining = context.time_remaining()
    return remaining is not None and remaining < _NO_DEADLINE_S


class DeadlineAndMetricsInterceptor(grpc.ServerInterceptor):
    """Refuses our own RPCs that carry no deadline and counts every call by code.

    Health and reflection are left alone: probes and grpcurl may call them bare.
    """

    def __init__(self, require_deadline: bool = True) -> None:
        self.require_deadline = require_deadline
        # grpcio asks on every call; the wrapped handler of each method is built once.
        self._wrapped: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler[Any, Any] | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        method_path: str = handler_call_details.method
        known = self._wrapped.get(method_path)
        if known is not None:
            return known
        handler = continuation(handler_call_details)
        if handler is None or handler.unary_unary is None or not method_path.startswith(_OWN_SERVICE):
            return handler  # not kept: a streaming or unknown method's handler is grpcio's own
        wrapped = self._wrap(method_path.removeprefix(_OWN_SERVICE), handler)
        self._wrapped[method_path] = wrapped
        return wrapped

    def _wrap(self, method: str, handler: grpc.RpcMethodHandler[Any, Any]) -> grpc.RpcMethodHandler[Any, Any]:
        inner = handler.unary_unary
        assert inner is not None
        require = self.require_deadline
        seconds = metrics.RPC_SECONDS.labels(method)
        counted: dict[grpc.StatusCode, Any] = {}  # the counter of each code seen, looked up once

        def wrapped(request: Any, context: grpc.ServicerContext) -> Any:
            started = time.perf_counter()
            code = grpc.StatusCode.OK
            try:
                if require and not _has_deadline(context):
                    code = grpc.StatusCode.INVALID_ARGUMENT
                    context.abort(code, "every call must carry a deadline")
                return inner(request, context)
            except Exception:
                code = context.code() or grpc.StatusCode.UNKNOWN  # type: ignore[attr-defined]
                raise
            finally:
                if isinstance(code, grpc.StatusCode):
                    child = counted.get(code)
                    if child is None:
                        child = counted[code] = metrics.RPCS.labels(method, code.name)
                    child.inc()
                seconds.observe(time.perf_counter() - started)

        return grpc.unary_unary_rpc_method_handler(
            wrapped,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
