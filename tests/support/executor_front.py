"""A gRPC server between the gateway and the executor of an end-to-end stack: every call is
passed on as bytes, its deadline, status and trailing metadata kept, and a test may amend the
executor's `GetPositions` answers on the way. For what the executor cannot yet be brought to say
through the simulator; everything else stays the real processes' own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, NoReturn, cast

import grpc
from grpc_health.v1 import health_pb2

from tvbridge.executor.v1 import executor_pb2 as pb

GET_POSITIONS = "/tvbridge.executor.v1.ExecutorService/GetPositions"
# Whether each method the gateway may call answers with a stream, from the services' own
# descriptors: a method they do not list is answered UNIMPLEMENTED here, as by the executor.
STREAMING = {
    f"/{service.full_name}/{method.name}": method.server_streaming
    for service in (
        pb.DESCRIPTOR.services_by_name["ExecutorService"],
        health_pb2.DESCRIPTOR.services_by_name["Health"],
    )
    for method in service.methods
}
STOP_GRACE_S = 1.0
# A call sent without a deadline reads here as one some 292 years away, which the channel
# cannot take as a timeout: beyond this it is passed on as no deadline.
NO_DEADLINE_S = 365 * 86400.0

Amend = Callable[[pb.GetPositionsResponse], None]


class ExecutorFront:
    def __init__(self, port: int, target: str) -> None:
        self.addr = f"127.0.0.1:{port}"
        self.amend: Amend | None = None  # changes each GetPositions answer in place
        self._channel = grpc.insecure_channel(target)
        # WatchKeeper holds a worker for as long as the gateway reads it.
        self._server = grpc.server(ThreadPoolExecutor(max_workers=16))
        self._server.add_generic_rpc_handlers((_Handler(self),))
        self._server.add_insecure_port(self.addr)
        self._server.start()

    def stop(self) -> None:
        self._server.stop(STOP_GRACE_S).wait()
        self._channel.close()

    def unary(self, method: str, request: bytes, context: grpc.ServicerContext) -> bytes:
        call: grpc.UnaryUnaryMultiCallable[bytes, bytes] = self._channel.unary_unary(method)
        try:
            answer = call(request, timeout=_timeout(context))
        except grpc.RpcError as exc:
            _pass_on(cast(grpc.Call, exc), context)
        if method == GET_POSITIONS and self.amend is not None:
            positions = pb.GetPositionsResponse.FromString(answer)
            self.amend(positions)
            return positions.SerializeToString()
        return answer

    def stream(self, method: str, request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
        calls: grpc.UnaryStreamMultiCallable[bytes, bytes] = self._channel.unary_stream(method)
        call = calls(request, timeout=_timeout(context))

        def gone() -> None:  # the gateway's call ended: the executor's ends too
            call.cancel()

        context.add_callback(gone)
        try:
            yield from call
        except grpc.RpcError as exc:
            if context.is_active():
                _pass_on(cast(grpc.Call, exc), context)


def _timeout(context: grpc.ServicerContext) -> float | None:
    remaining = context.time_remaining()
    return remaining if remaining < NO_DEADLINE_S else None


def _pass_on(failed: grpc.Call, context: grpc.ServicerContext) -> NoReturn:
    context.set_trailing_metadata(tuple(failed.trailing_metadata() or ()))
    context.abort(failed.code(), failed.details() or "")


class _Handler(grpc.GenericRpcHandler):
    def __init__(self, front: ExecutorFront) -> None:
        self._front = front

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> Any:
        method = handler_call_details.method
        streaming = STREAMING.get(method)
        if streaming is None:
            return None
        if streaming:
            return grpc.unary_stream_rpc_method_handler(partial(self._front.stream, method))
        return grpc.unary_unary_rpc_method_handler(partial(self._front.unary, method))
