"""Sweeps: grid parsing and validation, the confidence intervals, and whole sweeps on a local Dask
cluster (embedded ledger) from Python and from the command line."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from simulator.sweep import Sweep, SweepError, aggregate, flatten, parse_grid, run_sweep

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline-2027.yaml"


def _document(**overrides: object) -> dict:
    document = yaml.safe_load(BASELINE.read_text())
    document["market"]["days"] = 10  # long enough for T+2 over the Seollal holidays
    for group, count in zip(document["investors"], (8, 2, 2), strict=True):
        group["count"] = count
    return document


def test_grid_values_are_yaml_scalars():
    grid = parse_grid(["venues.0.settlement_days=0,2", "regime.rules.KR-SEP-1=true,false"])
    assert grid == {"venues.0.settlement_days": [0, 2], "regime.rules.KR-SEP-1": [True, False]}


@pytest.mark.parametrize(
    ("items", "says"),
    [
        (["venues.0.settlement_days"], "expected FIELD=v1,v2"),
        (["=1,2"], "expected FIELD=v1,v2"),
        (["market.days=1", "market.days=2"], "given twice"),
    ],
)
def test_bad_grid_options_say_what_is_expected(items: list[str], says: str):
    with pytest.raises(SweepError, match=says):
        parse_grid(items)


def test_a_grid_point_that_is_no_valid_scenario_is_refused_before_anything_runs():
    with pytest.raises(SweepError) as exc:
        Sweep(_document(), {"venues.0.settlement_days": [0, 99]}, seeds=2)
    assert "venues.0.settlement_days" in str(exc.value) and "99" in str(exc.value)
    with pytest.raises(SweepError, match="no such field"):
        Sweep(_document(), {"venues.7.settlement_days": [0]}, seeds=1)
    with pytest.raises(SweepError, match="use --seeds"):
        Sweep(_document(), {"seed": [1, 2]}, seeds=1)
    with pytest.raises(SweepError, match="--seeds 0"):
        Sweep(_document(), {"market.days": [2]}, seeds=0)


def test_tasks_give_every_point_the_same_seeds():
    sweep = Sweep(_document(), {"market.days": [2, 3]}, seeds=2)
    seed = sweep.scenario.seed
    assert [(t.point["market.days"], t.seed) for t in sweep.tasks()] == [
        (2, seed), (2, seed + 1), (3, seed), (3, seed + 1),
    ]  # fmt: skip


def test_aggregate_gives_the_t_interval_of_the_mean():
    runs = pd.DataFrame(
        {"task": range(4), "x": [1, 1, 2, 2], "seed": [1, 2, 1, 2], "m": [10.0, 14.0, 5.0, 5.0]}
    )
    table = aggregate(runs, ["x"]).set_index(["x", "metric"])
    first = table.loc[(1, "m")]
    # mean 12, s = 2.828..., t(0.975, 1) = 12.706: half-width 12.706 * 2.828 / sqrt(2) = 25.41
    assert first["mean"] == 12.0 and first["n"] == 2
    assert math.isclose(first["ci95_high"] - 12.0, 12.7062047 * 2.0, rel_tol=1e-6)
    assert table.loc[(2, "m")][["ci95_low", "ci95_high"]].tolist() == [5.0, 5.0]


def test_flatten_names_nested_metrics_by_path():
    assert flatten({"a": 1, "share": {"NXT": 0.5}}) == {"a": 1, "share.NXT": 0.5}


def test_a_sweep_runs_on_a_local_cluster_and_repeats_exactly():
    sweep = Sweep(_document(), {"venues.0.settlement_days": [0, 2]}, seeds=2, ledger="revm")
    seen: list[tuple[int, int]] = []
    first = run_sweep(
        sweep, workers=1, progress=lambda done, total, _eta: seen.append((done, total))
    )
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    runs = first.runs
    assert list(runs["task"]) == [0, 1, 2, 3] and (runs["trade_count"] > 0).all()
    summary = first.summary.set_index(["venues.0.settlement_days", "metric"])
    t0, t2 = summary.loc[(0, "match_to_settle_mean_s")], summary.loc[(2, "match_to_settle_mean_s")]
    assert t0["n"] == 2 and t0["mean"] < t2["mean"], "T+0 at NXT settles sooner on average"
    assert first.info["workers"] == 1 and first.info["tasks"] == 4
    again = run_sweep(sweep, workers=1)
    pd.testing.assert_frame_equal(runs.drop(columns="wall_s"), again.runs.drop(columns="wall_s"))


def test_stosim_sweep_prints_the_intervals_and_stores_the_sweep(tmp_path: Path):
    scenario = tmp_path / "small.yaml"
    scenario.write_text(yaml.safe_dump(_document()))
    database = tmp_path / "store.db"
    stosim = Path(sys.executable).parent / "stosim"
    done = subprocess.run(
        [
            str(stosim), "sweep", str(scenario), "--grid", "venues.1.fees.taker_bps=5,20",
            "--seeds", "2", "--workers", "1", "--out", str(tmp_path / "out"),
        ],
        capture_output=True, text=True, timeout=600,
        env={**__import__("os").environ, "DATABASE_URL": f"sqlite:///{database}"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "venues.1.fees.taker_bps = 5" in done.stdout and "95% CI" in done.stdout
    assert "4 tasks on 1 workers" in done.stdout
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    assert set(summary["venues.1.fees.taker_bps"]) == {5, 20}
    # each point against the first, paired over the seeds they share; no Dask chatter
    assert "Each grid point against the first" in done.stdout
    differences = pd.read_csv(tmp_path / "out" / "differences.csv")
    assert set(differences["arm"]) == {"venues.1.fees.taker_bps=20"}
    assert (tmp_path / "out" / "report.html").stat().st_size > 100_000
    assert "2 seed(s) per point" in done.stderr
    assert "nanny" not in done.stderr.lower() and "distributed." not in done.stderr
    from sqlmodel import Session, select

    from api.db import make_engine
    from api.models import SweepRow

    with Session(make_engine(f"sqlite:///{database}")) as session:
        (row,) = session.exec(select(SweepRow)).all()
    assert row.status == "finished" and row.tasks_done == row.tasks_total == 4
    assert len(row.runs or []) == 4 and row.summary


def test_stosim_sweep_names_a_bad_grid_field(tmp_path: Path):
    stosim = Path(sys.executable).parent / "stosim"
    done = subprocess.run(
        [str(stosim), "sweep", str(BASELINE), "--grid", "venues.0.settlement_days=0,abc"],
        capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"},
    )  # fmt: skip
    assert done.returncode == 1
    assert "venues.0.settlement_days" in done.stderr and "Traceback" not in done.stderr


def test_a_sweep_runs_on_an_existing_scheduler_and_its_workers(tmp_path: Path):
    """Scaling out: a scheduler and a worker started apart (here on this machine, from another
    directory), the sweep pointed at the scheduler's address."""
    from simulator.chain.toolchain import free_port

    bin_dir = Path(sys.executable).parent
    address = f"tcp://127.0.0.1:{free_port()}"
    port = address.rsplit(":", 1)[1]
    scheduler = subprocess.Popen(
        [str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", port,
         "--no-dashboard"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    worker = subprocess.Popen(
        [str(bin_dir / "dask"), "worker", address, "--nthreads", "1", "--no-dashboard"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        sweep = Sweep(_document(), {"market.days": [2, 3]}, seeds=1, ledger="revm")
        result = run_sweep(sweep, scheduler=address)
        assert result.info["scheduler"] == address and result.info["workers"] >= 1
        assert len(result.runs) == 2 and (result.runs["trade_count"] > 0).all()
    finally:
        for process in (worker, scheduler):
            process.terminate()
            process.wait(timeout=30)


def test_an_unreachable_scheduler_is_named():
    from simulator.chain.toolchain import free_port

    sweep = Sweep(_document(), {"market.days": [2]}, seeds=1, ledger="revm")
    address = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(SweepError, match=f"--scheduler {address}: cannot reach it"):
        run_sweep(sweep, scheduler=address)
