"""`stosim run`, `report` and `compare` as a newcomer meets them: quiet, readable at 80 columns,
outputs confined to out/, comparisons that show seeds and refuse what would mislead."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from stosim_cli.common import safe_name

ROOT = Path(__file__).resolve().parents[2]
STOSIM = ROOT / "stosim"  # the launcher a user runs: set-up, then the CLI
BASELINE = ROOT / "scenarios" / "baseline-2027.yaml"
SMALL = ["--set", "market.days=3", "--set", "investors.0.count=6", "--set", "investors.1.count=2",
         "--set", "investors.2.count=2"]  # fmt: skip
CHATTER = re.compile(r"Launching|Terminating|Compiling|solc|anvil|npm|up to date|nanny", re.I)


def stosim(*args: str, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "80"}
    return subprocess.run(
        [str(STOSIM), *args], capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env
    )


@pytest.fixture(scope="module")
def small_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    where = tmp_path_factory.mktemp("run")
    done = stosim("run", str(BASELINE), "--seed", "7", *SMALL, "--out", "small", cwd=where)
    assert done.returncode == 0, done.stderr
    return where / "small", done


def test_run_prints_only_tables_that_fit_80_columns(small_run):
    _, done = small_run
    assert "Run summary (seed 7)" in done.stdout
    assert not CHATTER.search(done.stdout), done.stdout
    assert not CHATTER.search(done.stderr), done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    assert "…" not in done.stdout  # nothing cut
    assert re.search(r"order to match, mean \(s\) +[\d,]+ s", done.stdout)


def test_durations_show_hours_or_days_beside_seconds():
    from simulator.headlines import duration

    assert duration(333_344) == "333,344 s (3.9 d)"
    assert duration(5_606) == "5,606 s (1.6 h)"
    assert duration(891) == "891 s"


def test_the_set_option_overrides_fields_and_the_run_is_recorded(small_run):
    run_dir, _ = small_run
    scenario = (run_dir / "scenario.yaml").read_text()
    assert "days: 3" in scenario
    summary = pd.read_json(run_dir / "summary.json", typ="series")
    assert summary["seed"] == 7 and summary["ledger"] == "revm" and len(summary["run_id"]) == 12


def test_parquet_carries_run_id_seed_and_calendar_time_with_fixed_schemas(small_run):
    run_dir, _ = small_run
    trades = pd.read_parquet(run_dir / "events" / "events_trade_matched.parquet")
    assert {"run_id", "seed", "time"} <= set(trades.columns)
    assert str(trades["time"].dt.tz) == "Asia/Seoul"
    first = trades.iloc[0]
    assert first["time"] == pd.Timestamp("2027-02-04", tz="Asia/Seoul") + pd.Timedelta(
        seconds=int(first["t"])
    )
    # a kind that never happened still has typed columns, the same in every run
    failed = pq.read_schema(run_dir / "events" / "events_trade_failed.parquet")
    assert str(failed.field("trade_id").type) == "int64"
    assert str(failed.field("rule_id").type) == "string"


def test_report_writes_a_self_contained_page_with_charts(small_run):
    run_dir, _ = small_run
    done = stosim("report", str(run_dir), cwd=run_dir.parent)
    assert done.returncode == 0, done.stderr
    page = (run_dir / "report.html").read_text()
    assert 'data-csv="summary.json"' in page and "vegaEmbed" in page
    assert '"start_ms"' in page and "date (KST)" in page
    missing = stosim("report", str(run_dir / "nowhere"), cwd=run_dir.parent)
    assert missing.returncode == 1 and "summary.json" in missing.stderr


def test_compare_shows_seeds_and_differences_and_warns_about_single_seeds(small_run, tmp_path):
    run_dir, _ = small_run
    other = tmp_path / "other"
    done = stosim("run", str(BASELINE), "--seed", "8", *SMALL, "--out", str(other), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    compared = stosim("compare", str(run_dir), str(other), "--report", "cmp", cwd=tmp_path)
    assert compared.returncode == 0, compared.stderr
    assert "seed 7" in compared.stdout and "seed 8" in compared.stdout
    assert "Differences to small" in compared.stdout and "refusals KR-INV-3" in compared.stdout
    assert "single seed" in compared.stderr and "different seeds" in compared.stderr
    assert max(len(line) for line in compared.stdout.splitlines()) <= 80
    figures = pd.read_csv(tmp_path / "cmp" / "comparison.csv")
    assert set(figures["seed"]) == {7, 8}


def test_compare_refuses_one_run_and_ambiguous_names(small_run, tmp_path):
    run_dir, _ = small_run
    alone = stosim("compare", str(run_dir), cwd=tmp_path)
    assert alone.returncode == 1 and "two or more" in alone.stderr
    twin = tmp_path / "elsewhere" / run_dir.name
    twin.parent.mkdir()
    twin.symlink_to(run_dir)
    both = stosim("compare", str(run_dir), str(twin), cwd=tmp_path)
    assert both.returncode == 1 and "ambiguous" in both.stderr


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("../../escape", "escape"),
        ("/etc/passwd", "etc-passwd"),
        ("..", "run"),
        ("ok-1.2", "ok-1.2"),
    ],
)
def test_scenario_names_never_lead_outside_out(name: str, folder: str):
    assert safe_name(name) == folder


def test_a_climbing_scenario_name_writes_inside_out(tmp_path: Path):
    done = stosim("run", str(BASELINE), *SMALL, "--set", "market.days=2", "--set",
                  "name=../../../escaped", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "escaped" / "summary.json").is_file()
    assert not (tmp_path.parent / "escaped").exists()


def test_the_python_api_returns_dataframes_and_the_summary():
    import stosim

    result = stosim.run(BASELINE, seed=7, overrides={"market.days": 2, "investors.0.count": 4})
    assert result.seed == 7 and result.summary["trade_count"] >= 0
    assert isinstance(result.metrics["liquidity"], pd.DataFrame)
    assert {"run_id", "seed", "time"} <= set(result.events["order_submitted"].columns)
    assert repr(result).startswith("<stosim run ")


def test_the_readme_rule_test_example_passes_in_a_folder_of_its_own(tmp_path: Path):
    """Copied out of the README into a new folder, run with the documented command."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```python\n# conftest.py\n(.*?)```", readme, re.S)
    assert block, "the README's worked example"
    conftest, test = block.group(1).split("# test_stricter_limit.py\n")
    (tmp_path / "conftest.py").write_text(conftest)
    (tmp_path / "test_stricter_limit.py").write_text(test)
    command = re.search(r"`<checkout>/stosim (test [^`]+)`", readme)
    assert command, "the README documents how to run it"
    done = stosim(*command.group(1).split(), cwd=tmp_path, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\b\d+ passed\b", done.stdout) and "failed" not in done.stdout
    assert not (tmp_path / ".venv-tools").exists()  # no test tools (schemathesis) were needed
