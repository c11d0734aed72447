"""Write a run to a directory: the event log (Parquet), metric tables (CSV) and summary.json;
and read summaries back for comparisons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from simulator.runner import RunResult


def write_run(result: RunResult, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    result.log.to_parquet(out / "events")
    metrics_dir = out / "metrics"
    metrics_dir.mkdir(exist_ok=True)
    for name, table in result.metrics.items():
        table.to_csv(metrics_dir / f"{name}.csv", index=False)
    summary = {"scenario": result.scenario.name, "seed": result.seed, **result.summary}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")


def read_summary(run_dir: Path) -> dict[str, Any]:
    return dict(json.loads((run_dir / "summary.json").read_text()))
