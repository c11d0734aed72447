"""Write a run to a directory: the event log (Parquet), metric tables (CSV), summary.json and the
scenario as run; and read runs back for comparisons and reports.

Every Parquet file carries the run id, the seed and the calendar time (KST) beside the virtual
seconds `t`, and has the same schema whether or not its event ever happened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import yaml

from simulator.events import EVENT_TYPES, Event
from simulator.runner import RunResult
from simulator.scenario import Scenario

KST = "Asia/Seoul"  # UTC+9 all year (no daylight saving since 1988)
_ARROW = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string()}


def run_id(scenario: Scenario, seed: int) -> str:
    """Names a run by what determines it: the scenario as run and the seed."""
    content = json.dumps(scenario.model_dump(mode="json", by_alias=True), sort_keys=True)
    return hashlib.sha256(f"{content}|{seed}".encode()).hexdigest()[:12]


def schema(event_type: type[Event]) -> pa.Schema:
    columns = [pa.field("run_id", pa.string()), pa.field("seed", pa.int64())]
    columns += [pa.field(f.name, _ARROW[str(f.type)]) for f in fields(event_type)]
    return pa.schema([*columns, pa.field("time", pa.timestamp("s", tz=KST))])


def event_frame(
    table: pd.DataFrame, event_type: type[Event], rid: str, seed: int, start: dt.date
) -> pd.DataFrame:
    midnight = pd.Timestamp(start).tz_localize(KST)
    out = table.astype({f.name: _dtype(str(f.type)) for f in fields(event_type)})
    out.insert(0, "seed", pd.Series(seed, index=out.index, dtype="int64"))
    out.insert(0, "run_id", pd.Series(rid, index=out.index, dtype="object"))
    out["time"] = midnight + pd.to_timedelta(out["t"], unit="s")
    return out


def _dtype(kind: str) -> str:
    return {"int": "int64", "float": "float64", "bool": "bool"}.get(kind, "object")


def write_run(result: RunResult, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rid = run_id(result.scenario, result.seed)
    events = out / "events"
    events.mkdir(exist_ok=True)
    start = result.scenario.market.start
    for event_type in EVENT_TYPES:
        frame = event_frame(result.tables[event_type.kind], event_type, rid, result.seed, start)
        frame.to_parquet(
            events / f"events_{event_type.kind}.parquet", index=False, schema=schema(event_type)
        )
    metrics_dir = out / "metrics"
    metrics_dir.mkdir(exist_ok=True)
    for name, table in result.metrics.items():
        table.to_csv(metrics_dir / f"{name}.csv", index=False)
    summary = {
        "scenario": result.scenario.name,
        "seed": result.seed,
        "run_id": rid,
        "start": start.isoformat(),
        "ledger": result.info.get("ledger"),
        **result.summary,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    document = result.scenario.model_dump(mode="json", by_alias=True)
    (out / "scenario.yaml").write_text(yaml.safe_dump(document, sort_keys=False))


def read_summary(run_dir: Path) -> dict[str, Any]:
    return dict(json.loads((run_dir / "summary.json").read_text()))


def read_tables(run_dir: Path) -> dict[str, pd.DataFrame]:
    """The event tables of a written run, by kind (without run id, seed and time)."""
    tables = {}
    for event_type in EVENT_TYPES:
        path = run_dir / "events" / f"events_{event_type.kind}.parquet"
        if path.exists():
            frame = pd.read_parquet(path)
            tables[event_type.kind] = frame.drop(
                columns=["run_id", "seed", "time"], errors="ignore"
            )
    return tables


def read_metrics(run_dir: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p) for p in sorted((run_dir / "metrics").glob("*.csv"))}
