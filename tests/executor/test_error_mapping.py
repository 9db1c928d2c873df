"""Every class of the error taxonomy has exactly one name on the wire and one gRPC status."""

from __future__ import annotations

import grpc

from common.errors import RETRYABLE, ErrorClass, TvbridgeError
from executor import convert
from executor.grpc_service import GRPC_CODES
from tvbridge.executor.v1 import executor_pb2 as pb


def test_every_class_has_its_own_proto_name_and_back() -> None:
    wire = {name for name in pb.ErrorClass.keys() if name != "ERROR_CLASS_UNSPECIFIED"}  # noqa: SIM118
    assert set(convert.ERROR_CLASS_TO_PB.values()) == wire
    assert set(convert.ERROR_CLASS_TO_PB) == set(ErrorClass)
    assert len(set(convert.ERROR_CLASS_TO_PB.values())) == len(ErrorClass)


def test_an_error_keeps_its_class_on_the_wire() -> None:
    for error_class in ErrorClass:
        message = convert.error_to_pb(TvbridgeError(error_class, "x"))
        assert pb.ErrorClass.Name(message.error_class) == f"ERROR_CLASS_{error_class.name}"


def test_every_class_has_a_grpc_status_and_only_passing_ones_say_try_again() -> None:
    assert set(GRPC_CODES) == set(ErrorClass)
    again = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED}
    for error_class, code in GRPC_CODES.items():
        assert (code in again) == (error_class in RETRYABLE), error_class


def test_typed_order_fields_cover_the_proto_enums() -> None:
    statuses = {n for n in pb.OrderStatus.keys() if n != "ORDER_STATUS_UNSPECIFIED"}  # noqa: SIM118
    purposes = {n for n in pb.OrderPurpose.keys() if n != "ORDER_PURPOSE_UNSPECIFIED"}  # noqa: SIM118
    assert set(convert.ORDER_STATUS_TO_PB.values()) == statuses
    assert set(convert.ORDER_PURPOSE_TO_PB.values()) == purposes
