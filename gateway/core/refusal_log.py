"""Refused webhooks in the log without letting a flood of them write the log.

A guesser sending wrong passphrases, or a sender off the allow-list, could otherwise have one
line written per request: disk, log shipping and the operator's attention spent at the rate
they choose, with the lines that matter buried. So the first refusal from an address is logged
as it happens (the first of each kind: a wrong passphrase, a body that is not JSON, a sender
refused at the edge), and the ones after it from that address are only counted; every `interval_s`
the counts go out as one summary line per address ("N refused from this address in the last
S s"), and an address with nothing refused in an interval is forgotten, so its next refusal is
logged in full again. Every refusal is still counted in `tvbridge_gateway_webhooks_total`.

At most `max_sources` addresses are followed at once; refusals from further ones are counted
together and summed up in one line, so many addresses cannot flood the log either.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger("gateway.refusals")

SUMMARY_INTERVAL_S = 60.0
MAX_SOURCES = 1_000


@dataclass
class _Counted:
    """One address's refusals since the last summary: the kinds already logged, the rest counted."""

    logged: set[str] = field(default_factory=set)
    level: int = logging.DEBUG
    outcomes: dict[str, int] = field(default_factory=dict)


class RefusalLog:
    """Called on the event loop only (the edge and the webhook service), so it takes no lock."""

    def __init__(self, interval_s: float = SUMMARY_INTERVAL_S, max_sources: int = MAX_SOURCES) -> None:
        self.interval_s = interval_s
        self.max_sources = max_sources
        self._sources: dict[str, _Counted] = {}
        self._others = _Counted()

    def refused(
        self,
        logger: logging.Logger,
        level: int,
        message: str,
        *,
        client_ip: str,
        outcome: str,
        **fields: object,
    ) -> None:
        """A refusal of `outcome` (a webhooks_total outcome) from `client_ip`: logged with
        `message` if it is the address's first of that kind since it was last quiet, else counted."""
        counted = self._sources.get(client_ip)
        if counted is None:
            if len(self._sources) < self.max_sources:
                counted = self._sources[client_ip] = _Counted()
            else:
                counted = self._others
        if counted is not self._others and outcome not in counted.logged:
            counted.logged.add(outcome)
            logger.log(level, message, extra={"client_ip": client_ip, **fields})
            return
        counted.level = max(counted.level, level)
        counted.outcomes[outcome] = counted.outcomes.get(outcome, 0) + 1

    def flush(self) -> None:
        """The summaries of the interval just ended; run every `interval_s` (and at shutdown)."""
        for client_ip, counted in list(self._sources.items()):
            if not counted.outcomes:
                del self._sources[client_ip]  # quiet for an interval: its next refusal is news
                continue
            self._summary(counted, "webhooks refused from this address", client_ip=client_ip)
            # Still refusing: what it sends next is counted on, not logged again.
            self._sources[client_ip] = _Counted(logged=counted.logged)
        if self._others.outcomes:
            self._summary(self._others, "webhooks refused from addresses past the ones followed")
            self._others = _Counted()

    def _summary(self, counted: _Counted, message: str, **fields: object) -> None:
        log.log(
            counted.level,
            message,
            extra={
                **fields,
                "refused": sum(counted.outcomes.values()),
                "outcomes": dict(sorted(counted.outcomes.items())),
                "interval_s": self.interval_s,
            },
        )
