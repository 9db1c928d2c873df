"""When each user-data frame left the simulator and each venue request arrived, on one clock.

The simulator is the one place that sees both ends of the keeper's reaction: the fill it tells
on the stream, and the cancel of the sibling order that comes back. The benchmark
(bench/oco.py) reads these marks through `/_sim/timeline` to time that round, with nothing of
the network or the client's clock in between.

A mark names what it is about with the keys both venues share in their order and algo events
(`o.s` symbol, `o.i` or Binance's `o.aid` order id, `o.o` type, `o.x` execution, `o.X` status)
and in their position events (`a.P[].s`); a request names its `symbol` and `orderId` or `algoId`.
Memory is bounded: the oldest marks go first.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

CAPACITY = 20_000

SENT = "sent"
REQUEST = "request"


@dataclass(frozen=True)
class Mark:
    at_ms: float  # the simulator's monotonic clock
    kind: str  # SENT (a stream frame) or REQUEST (a venue request arrived)
    name: str  # the frame's event name, or "METHOD /path"
    symbol: str = ""  # as the venue spells it; a position event's symbols comma-joined
    order_id: str = ""
    order_type: str = ""
    execution: str = ""
    status: str = ""

    def view(self) -> dict[str, Any]:
        return asdict(self)


class Timeline:
    def __init__(self, capacity: int = CAPACITY, clock: Callable[[], float] = time.monotonic) -> None:
        self._marks: deque[Mark] = deque(maxlen=capacity)
        self._clock = clock
        self._lock = threading.Lock()

    def sent(self, name: str, payload: Mapping[str, Any] | str) -> None:
        about = _about(payload) if isinstance(payload, Mapping) else {}
        self._add(Mark(self._now_ms(), SENT, name, **about))

    def request(self, method: str, path: str, query: Mapping[str, str]) -> None:
        order_id = query.get("orderId") or query.get("algoId") or ""
        self._add(Mark(self._now_ms(), REQUEST, f"{method} {path}", query.get("symbol", ""), order_id))

    def marks(self) -> list[Mark]:
        with self._lock:
            return list(self._marks)

    def clear(self) -> None:
        with self._lock:
            self._marks.clear()

    def _add(self, mark: Mark) -> None:
        with self._lock:
            self._marks.append(mark)

    def _now_ms(self) -> float:
        return self._clock() * 1000


def _about(payload: Mapping[str, Any]) -> dict[str, str]:
    order = payload.get("o")
    if isinstance(order, Mapping):
        return {
            "symbol": str(order.get("s") or ""),
            "order_id": str(order.get("i") or order.get("aid") or ""),
            "order_type": str(order.get("o") or ""),
            "execution": str(order.get("x") or ""),
            "status": str(order.get("X") or ""),
        }
    account = payload.get("a")
    if isinstance(account, Mapping):
        positions = account.get("P") or []
        return {"symbol": ",".join(str(p.get("s") or "") for p in positions if isinstance(p, Mapping))}
    return {}
