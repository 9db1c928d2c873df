"""Generate the Python gRPC stubs from proto/ with grpcio-tools.

The generated files are committed so the services run without a build step;
tests/proto/test_stubs_in_sync.py regenerates them and fails on any drift.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

from grpc_tools import protoc  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "proto"
PROTO_FILES = ["tvbridge/executor/v1/executor.proto"]
GENERATED = [
    "tvbridge/executor/v1/executor_pb2.py",
    "tvbridge/executor/v1/executor_pb2.pyi",
    "tvbridge/executor/v1/executor_pb2_grpc.py",
]


def generate(out_dir: Path, proto_root: Path = PROTO_ROOT) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    well_known = str(resources.files("grpc_tools") / "_proto")
    args = [
        "grpc_tools.protoc",
        f"-I{proto_root}",
        f"-I{well_known}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *PROTO_FILES,
    ]
    code = protoc.main(args)
    if code != 0:
        raise SystemExit(f"protoc failed with exit code {code}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=PROTO_ROOT, help="output root (default: proto/)")
    ns = parser.parse_args(argv)
    generate(ns.out)
    for rel in GENERATED:
        print(ns.out / rel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
