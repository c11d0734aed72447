"""The append-only event log of a run, and its tables (one pandas DataFrame per event kind).

The log is columnar: an event's fields go into its kind's column lists, and every CHUNK events
of a kind the columns that are all int, all bool or all float become numpy arrays (8 bytes a
value instead of a Python object and a pointer). A one-year market logs millions of events;
kept as objects they took about 210 bytes each, and building the tables from row dicts doubled
that at the end. Events are rebuilt on demand (`of`, iteration) with the values they were
logged with, and `tables()` gives the same frames, with the same dtypes, as rows would.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.events import EVENT_TYPES, Event, columns

CHUNK = 65_536  # events of one kind between conversions to arrays
_INT64 = (-(2**63), 2**63 - 1)

Column = np.ndarray | list[Any]


def _compact(values: list[Any]) -> Column:
    """`values` as a numpy array when that loses nothing (every value an int in int64's range,
    every value a bool, or every value a float), else as they are."""
    kinds = {type(v) for v in values}
    if kinds == {int} and _INT64[0] <= min(values) and max(values) <= _INT64[1]:
        return np.array(values, dtype=np.int64)
    if kinds == {bool}:
        return np.array(values, dtype=bool)
    if kinds == {float}:
        return np.array(values, dtype=np.float64)
    return values


def _plain(column: Column) -> list[Any]:
    return column.tolist() if isinstance(column, np.ndarray) else column


class _Kind:
    """The columns of one event type: converted chunks, and the rows since the last one."""

    def __init__(self, event_type: type[Event], index: int) -> None:
        self.event_type = event_type
        self.index = index  # its place in the log's order of kinds
        self.names = columns(event_type)
        self.chunks: list[list[Column]] = []
        self.tail: list[list[Any]] = [[] for _ in self.names]
        self.count = 0

    def append(self, event: Event) -> None:
        for name, column in zip(self.names, self.tail, strict=True):
            column.append(getattr(event, name))
        self.count += 1
        if len(self.tail[0]) >= CHUNK:
            self.chunks.append([_compact(c) for c in self.tail])
            self.tail = [[] for _ in self.names]

    def events(self) -> Iterator[Event]:
        build: Any = self.event_type  # its fields, in columns' order, are its arguments
        parts: list[list[Column]] = [*self.chunks, list(self.tail)]
        for chunk in parts:
            for values in zip(*(_plain(c) for c in chunk), strict=True):
                yield build(*values)

    def frame(self) -> pd.DataFrame:
        """The kind's table, as pandas builds it from the events' rows (a test checks)."""
        if not self.count:
            return pd.DataFrame([], columns=self.names)
        parts = [*self.chunks, [_compact(c) for c in self.tail]] if self.tail[0] else self.chunks
        data: dict[str, Any] = {}
        for i, name in enumerate(self.names):
            pieces = [part[i] for part in parts]
            arrays = [p for p in pieces if isinstance(p, np.ndarray)]
            if len(arrays) == len(pieces) and len({a.dtype for a in arrays}) == 1:
                data[name] = np.concatenate(arrays)  # the dtype inference gives these values
            else:  # pandas infers the column's dtype from the values, as from rows
                data[name] = [v for p in pieces for v in _plain(p)]
        return pd.DataFrame(data, columns=self.names)


class EventLog:
    def __init__(self) -> None:
        self._kinds: dict[type[Event], _Kind] = {}
        self._order: list[_Kind] = []  # kinds in the order they first appeared
        self._sequence = array("H")  # each event's kind, by its place in _order

    def append(self, event: Event) -> None:
        kind = self._kinds.get(type(event))
        if kind is None:
            kind = self._kinds[type(event)] = _Kind(type(event), len(self._order))
            self._order.append(kind)
        kind.append(event)
        self._sequence.append(kind.index)

    def __iter__(self) -> Iterator[Event]:
        streams = [kind.events() for kind in self._order]
        for index in self._sequence:
            yield next(streams[index])

    def __len__(self) -> int:
        return len(self._sequence)

    def of(self, event_type: type[Event]) -> list[Event]:
        kind = self._kinds.get(event_type)
        return list(kind.events()) if kind is not None else []

    def tables(self) -> dict[str, pd.DataFrame]:
        """One DataFrame per event kind, with the kind's columns even when it never happened."""
        return {et.kind: self._frame(et) for et in EVENT_TYPES}

    def _frame(self, event_type: type[Event]) -> pd.DataFrame:
        kind = self._kinds.get(event_type)
        if kind is None:
            return pd.DataFrame([], columns=columns(event_type))
        return kind.frame()

    def to_parquet(self, directory: Path) -> None:
        """Write the log as Parquet files, one per event kind (events_<kind>.parquet)."""
        directory.mkdir(parents=True, exist_ok=True)
        for kind, table in self.tables().items():
            table.to_parquet(directory / f"events_{kind}.parquet", index=False)


def frame(events: list[Event], event_type: type[Event]) -> pd.DataFrame:
    """A table built from the events' rows: the reference the columnar tables must equal."""
    return pd.DataFrame([e.row() for e in events], columns=columns(event_type))
