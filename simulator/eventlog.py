"""The append-only event log of a run, and its tables (one pandas DataFrame per event kind)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from simulator.events import EVENT_TYPES, Event, columns


class EventLog:
    def __init__(self) -> None:
        self._events: list[Event] = []

    def append(self, event: Event) -> None:
        self._events.append(event)

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events)

    def __len__(self) -> int:
        return len(self._events)

    def of(self, event_type: type[Event]) -> list[Event]:
        return [e for e in self._events if type(e) is event_type]

    def tables(self) -> dict[str, pd.DataFrame]:
        """One DataFrame per event kind, with the kind's columns even when it never happened."""
        return {et.kind: frame(self.of(et), et) for et in EVENT_TYPES}

    def to_parquet(self, directory: Path) -> None:
        """Write the log as Parquet files, one per event kind (events_<kind>.parquet)."""
        directory.mkdir(parents=True, exist_ok=True)
        for kind, table in self.tables().items():
            table.to_parquet(directory / f"events_{kind}.parquet", index=False)


def frame(events: list[Event], event_type: type[Event]) -> pd.DataFrame:
    return pd.DataFrame([e.row() for e in events], columns=columns(event_type))
