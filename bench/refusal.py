"""The refusal path: how many webhooks a second tvbridge refuses, against a bare FastAPI endpoint
that only parses the JSON and refuses (bench/reference/), measured side by side in the same run,
on the same closed loop of kept connections (bench/load.py keep_alive), for each way a webhook
is refused:

- **wrong passphrase**: a well-formed alert with a passphrase that is not the one;
- **bad JSON**: a body cut short;
- **unknown source**: a well-formed alert from an address the allow-list does not name (both
  take webhooks from the bench's 127.0.0.1 only; these come from 127.0.0.2).

Only answers refusing for that reason count (401; 400 or 422; 403). Each kind runs in four
turns, tvbridge, reference, reference, tvbridge, so that the machine's other load weighs on
both alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bench import load
from bench.alerts import alert
from bench.stats import spread_of
from bench.systems import UNKNOWN_ADDRESS, Target


@dataclass(frozen=True)
class Kind:
    body: bytes
    refused: frozenset[int]  # the statuses that refuse for this reason
    source: str | None = None

    def request(self, n: int) -> bytes:
        """Request n's body: the same every time (a refusal dedupes nothing)."""
        return self.body


KINDS = {
    "wrong passphrase": Kind(
        json.dumps(alert(0, "refused") | {"passphrase": "wrong"}).encode(), frozenset({401})
    ),
    "bad JSON": Kind(
        b'{"action": "buy", "ticker": "BTCUSDT", "quantity": "0.001", "passp', frozenset({400, 422})
    ),
    # A test signal: were the allow-list ever to let it through, nothing would trade.
    "unknown source": Kind(
        json.dumps(alert(0, "refused") | {"test": True}).encode(), frozenset({403}), UNKNOWN_ADDRESS
    ),
}
WARM_S = 0.5


def measure(ours: Target, reference: Target, *, seconds: float, connections: int) -> dict[str, Any]:
    """`seconds` a kind and a target, in two turns each."""
    for target in (ours, reference):
        load.keep_alive(
            target.url, KINDS["wrong passphrase"].request, connections=connections, seconds=WARM_S
        )
    out: dict[str, Any] = {"connections": connections, "seconds": seconds, "kinds": {}}
    for name, kind in KINDS.items():
        turns: dict[str, list[load.Run]] = {ours.name: [], reference.name: []}
        for target in (ours, reference, reference, ours):
            turns[target.name].append(
                load.keep_alive(
                    target.url,
                    kind.request,
                    connections=connections,
                    seconds=seconds / 2,
                    source=kind.source,
                )
            )
        figures = {target: _figures(runs, kind) for target, runs in turns.items()}
        ratio = figures[ours.name]["per_s"] / max(figures[reference.name]["per_s"], 1e-9)
        out["kinds"][name] = figures | {"ratio": round(ratio, 3)}
    return out


def _figures(runs: list[load.Run], kind: Kind) -> dict[str, Any]:
    answers = [a for run in runs for a in run.answers]
    refused = [a for a in answers if a.status in kind.refused]
    elapsed = sum(run.seconds for run in runs)
    statuses: dict[str, int] = {}
    for run in runs:
        for status, n in run.statuses.items():
            statuses[str(status)] = statuses.get(str(status), 0) + n
    return {
        "per_s": round(len(refused) / elapsed, 1),
        "answered_ms": spread_of([(a.done - a.sent) * 1000 for a in refused], digits=2),
        "statuses": statuses,
        "generator_cpu_s": round(sum(run.cpu_s for run in runs), 2),
    }
