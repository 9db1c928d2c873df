"""The committed Python stubs are exactly what grpcio-tools makes of the proto."""

from __future__ import annotations

from pathlib import Path

from common.trading import SizeKind
from tools.gen_proto import GENERATED, PROTO_FILES, PROTO_ROOT, generate
from tvbridge.executor.v1 import executor_pb2 as pb


def _drifted(generated_root: Path) -> list[str]:
    return [
        rel for rel in GENERATED if (generated_root / rel).read_bytes() != (PROTO_ROOT / rel).read_bytes()
    ]


def test_committed_stubs_match_a_fresh_generation(tmp_path: Path) -> None:
    generate(tmp_path)
    assert not _drifted(tmp_path), "stubs drifted from the proto; run `make proto` and commit them"


def test_a_changed_proto_is_reported_as_drift(tmp_path: Path) -> None:
    changed_root = tmp_path / "proto"
    for rel in PROTO_FILES:
        target = changed_root / rel
        target.parent.mkdir(parents=True)
        text = (PROTO_ROOT / rel).read_text()
        target.write_text(
            text.replace("string strategy = 33;", "string strategy = 33;\n  string extra = 34;")
        )
    generate(tmp_path / "out", proto_root=changed_root)
    assert "tvbridge/executor/v1/executor_pb2.py" in _drifted(tmp_path / "out")


def test_package_and_service_names_are_the_contract() -> None:
    assert pb.DESCRIPTOR.package == "tvbridge.executor.v1"
    service = pb.DESCRIPTOR.services_by_name["ExecutorService"]
    assert {m.name for m in service.methods} == {
        "ExecuteSignal",
        "GetAccount",
        "TestConnection",
        "SetTradingEnabled",
        "GetTradingStatus",
        "Flatten",
        "WatchKeeper",
        "GetPositions",
        "ResumeExits",
        "SyncRiskPauses",
        "RememberRisk",
    }
    size = pb.Signal.DESCRIPTOR.oneofs_by_name["size"]
    # Each size kind travels in the field of its name (both convert modules rely on it).
    assert {f.name for f in size.fields} == {k.value for k in SizeKind}
    assert {"quantity", "balance", "balance_pct", "position_pct"} <= {k.value for k in SizeKind}
