"""Which parameters an endpoint reads, so a request carrying any other can be answered the way
its venue answers it. Each venue keeps one table (`<venue>/params.py`); the route registrar asks
it for every endpoint it serves, and refuses to serve an endpoint the table does not list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from simulator import wire

Endpoint = tuple[str, str]  # (method, path)


@dataclass(frozen=True)
class ParamTable:
    endpoints: Mapping[Endpoint, frozenset[str]]  # each endpoint's own parameters
    common: frozenset[str]  # read by every endpoint of the venue
    signed: frozenset[str]  # read by every signed endpoint, on top of `common`

    def accepted(self, method: str, path: str, *, signed: bool) -> frozenset[str]:
        own = self.endpoints.get((method, path))
        if own is None:
            raise LookupError(
                f"{method} {path} is served but its venue's params.py does not list its parameters"
            )
        return own | self.common | (self.signed if signed else frozenset())


def unknown(sent: wire.Sent, accepted: frozenset[str]) -> list[str]:
    """The names sent that the endpoint does not read, each once, in the order sent."""
    return list(dict.fromkeys(p.key for p in sent.query + sent.body if p.key not in accepted))
