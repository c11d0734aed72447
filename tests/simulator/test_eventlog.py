"""The columnar event log gives back exactly what was logged: the same events in the same order,
and tables equal (values and dtypes) to frames built from the events' rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import pytest

from simulator import eventlog
from simulator.eventlog import EventLog, frame
from simulator.events import EVENT_TYPES, Event
from simulator.runner import run_scenario
from simulator.scenario import load_scenario

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline-2027.yaml"
SMALL = {"market.days": 4, "investors.0.count": 8, "investors.1.count": 2, "investors.2.count": 2}


@dataclass(frozen=True, slots=True)
class Mixed(Event):
    kind: ClassVar[str] = "mixed"
    amount: Any
    flag: Any
    ratio: Any
    label: Any


def test_values_of_every_shape_survive_the_chunks(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(eventlog, "CHUNK", 3)
    logged = [
        Mixed(1, 5, True, 0.5, "a"),
        Mixed(2, 2**70, False, 1.5, "b"),  # beyond int64: kept as Python ints
        Mixed(3, 7, None, float("nan"), None),
        Mixed(4, None, True, 2.0, "c"),
        Mixed(5, 9, True, 3, "d"),  # an int among floats
        Mixed(6, 10, False, 4.0, "e"),
        Mixed(7, 11, True, 5.0, "f"),
    ]
    log = EventLog()
    for event in logged:
        log.append(event)
    assert [repr(e) for e in log] == [repr(e) for e in logged]
    assert [repr(e) for e in log.of(Mixed)] == [repr(e) for e in logged]
    pd.testing.assert_frame_equal(log._frame(Mixed), frame(logged, Mixed))


def test_a_run_logs_the_same_events_and_tables_as_rows_would(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(eventlog, "CHUNK", 7)  # every kind crosses chunk boundaries
    appended: list[Event] = []
    keep = EventLog.append

    def append(self: EventLog, event: Event) -> None:
        appended.append(event)
        keep(self, event)

    monkeypatch.setattr(EventLog, "append", append)
    result = run_scenario(load_scenario(BASELINE, overrides=SMALL), ledger="revm")
    assert len(result.log) == len(appended) > 100
    assert [repr(e) for e in result.log] == [repr(e) for e in appended]
    for event_type in EVENT_TYPES:
        rows = frame([e for e in appended if type(e) is event_type], event_type)
        pd.testing.assert_frame_equal(result.tables[event_type.kind], rows)
