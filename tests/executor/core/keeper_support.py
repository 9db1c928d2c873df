"""A keeper over one fake account, with a clock the test moves and the news it told."""

from __future__ import annotations

from dataclasses import dataclass, field

from common.trading import NewsKind
from executor.core.keeper import Keeper, News
from executor.core.keeper.news import AccountStats
from executor.core.model import Venue
from tests.support.fake_watch import FakeWatch

RECONCILE_S = 30.0


class Clock:
    """Epoch seconds that move only when the test says."""

    def __init__(self, now: float = 10.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Rig:
    venue: FakeWatch = field(default_factory=FakeWatch)
    clock: Clock = field(default_factory=Clock)
    told: list[News] = field(default_factory=list)
    memory: int = 10_000
    keeper: Keeper = field(init=False)

    def __post_init__(self) -> None:
        self.keeper = Keeper(
            [self.venue],
            RECONCILE_S,
            on_news=self.told.append,
            clock=self.clock,
            monotonic=self.clock,
            memory=self.memory,
        )

    @property
    def stats(self) -> AccountStats:
        return self.keeper.stats(Venue.BINANCE, "default")

    def kinds(self) -> list[NewsKind]:
        return [n.kind for n in self.told]

    def reconcile(self) -> bool:
        return self.keeper.reconcile(Venue.BINANCE, "default")
