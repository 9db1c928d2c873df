"""Every series name the two services can export, as PromQL would spell it."""

from __future__ import annotations

from prometheus_client import REGISTRY

import executor.metrics  # noqa: F401 - registers the executor's metrics
import gateway.metrics  # noqa: F401 - registers the gateway's metrics


def exported_names() -> set[str]:
    families = list(REGISTRY.collect())
    names = {m.name for m in families} | {s.name for m in families for s in m.samples}
    # Whether or not a label set has been seen yet, these series belong to the family.
    for m in families:
        if m.type == "histogram":
            names |= {f"{m.name}_bucket", f"{m.name}_sum", f"{m.name}_count"}
        elif m.type == "counter":
            names.add(f"{m.name}_total")
    return names | {"up"}
