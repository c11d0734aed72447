"""The discrete-event core: virtual time, a heap of scheduled actions, one seeded generator.

Ties break by priority, then by the order of scheduling, so a run is a pure function of the
scenario and the seed. Time is an int: seconds since the scenario's start.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from enum import IntEnum

import numpy as np

Action = Callable[[], None]


class Priority(IntEnum):
    """What happens first at one instant."""

    DAY = 0  # the day's start, a session's close, entry and listings
    SESSION = 1  # a session opens
    NEWS = 3
    INCOME = 5  # distributions to holders
    KSD = 10  # KSD finalizes deferred trades due now
    QUOTES = 40  # market makers and support desks
    ORDERS = 50  # investors
    ARBITRAGE = 55
    SNAPSHOT = 60
    CALL_AUCTION = 65
    SETTLEMENT = 70  # venues' settlement batches


class Engine:
    def __init__(self, seed: int) -> None:
        self.now = 0
        self.rng = np.random.default_rng(seed)
        # (t, priority, seq, action): tuples compare in C, and seq is unique, so the action is
        # never compared
        self._queue: list[tuple[int, int, int, Action]] = []
        self._seq = itertools.count()

    def child_rng(self) -> np.random.Generator:
        """An independent generator for one actor, drawn from the root in a fixed order."""
        return np.random.default_rng(self.rng.integers(0, 2**63))

    def at(self, t: int, action: Action, priority: int = 50) -> None:
        """Run `action` at virtual time `t` (never in the past); lower priority runs first."""
        heapq.heappush(self._queue, (max(int(t), self.now), priority, next(self._seq), action))

    def after(self, delay: int, action: Action, priority: int = 50) -> None:
        self.at(self.now + int(delay), action, priority)

    def step(self, until: int) -> bool:
        """Run the next action scheduled before `until`; False when there is none."""
        if not self._queue or self._queue[0][0] >= until:
            return False
        t, _, _, action = heapq.heappop(self._queue)
        self.now = t
        action()
        return True

    def run(self, until: int, on_progress: Callable[[int], None] | None = None) -> None:
        """Run every action scheduled before `until`, in order."""
        step = max(until // 1_000, 1)  # progress is reported a thousand times at most
        reported = -step
        queue = self._queue
        while queue and queue[0][0] < until:
            t, _, _, action = heapq.heappop(queue)
            self.now = t
            action()
            if on_progress is not None and t - reported >= step:
                reported = t
                on_progress(t)
        self.now = until
