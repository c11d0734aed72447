"""The statuses of runs, sweeps and trades: one definition for the store, the service and the
API's shapes (stored as their string values)."""

from __future__ import annotations

import enum


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # its server stopped or went away
    CANCELLED = "cancelled"  # on request


class SweepStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class TradeStatus(enum.StrEnum):
    SETTLED = "settled"
    FAILED = "failed"
    PENDING = "pending"


# a run or sweep that still holds a place in the queue
UNFINISHED = (RunStatus.QUEUED, RunStatus.RUNNING)
