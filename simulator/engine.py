"""The discrete-event core: virtual time, a heap of scheduled actions, one seeded generator.

Ties break by priority, then by the order of scheduling, so a run is a pure function of the
scenario and the seed. Time is an int: seconds since the scenario's start.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

Action = Callable[[], None]


@dataclass(order=True)
class _Scheduled:
    t: int
    priority: int
    seq: int
    action: Action = field(compare=False)


class Engine:
    def __init__(self, seed: int) -> None:
        self.now = 0
        self.rng = np.random.default_rng(seed)
        self._queue: list[_Scheduled] = []
        self._seq = itertools.count()

    def child_rng(self) -> np.random.Generator:
        """An independent generator for one actor, drawn from the root in a fixed order."""
        return np.random.default_rng(self.rng.integers(0, 2**63))

    def at(self, t: int, action: Action, priority: int = 50) -> None:
        """Run `action` at virtual time `t` (never in the past); lower priority runs first."""
        heapq.heappush(
            self._queue, _Scheduled(max(int(t), self.now), priority, next(self._seq), action)
        )

    def after(self, delay: int, action: Action, priority: int = 50) -> None:
        self.at(self.now + int(delay), action, priority)

    def run(self, until: int, on_progress: Callable[[int], None] | None = None) -> None:
        """Run every action scheduled before `until`, in order."""
        while self._queue and self._queue[0].t < until:
            item = heapq.heappop(self._queue)
            self.now = item.t
            item.action()
            if on_progress is not None:
                on_progress(self.now)
        self.now = until
