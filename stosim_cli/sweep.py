"""`stosim sweep`: a scenario over a grid of field values and seeds on Dask, stored like the
API's sweeps, with each grid point's paired difference to the first."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from simulator.errors import StosimError
from stosim_cli.analysis import SchedulerOption, WorkersOption, _raise_interrupt, _with_tasks_bar
from stosim_cli.common import default_out, err, fail, hushed

if TYPE_CHECKING:  # imported when run: the simulator's modules take a while to load
    from simulator.sweep import Sweep, SweepResult


def sweep(
    scenario: Annotated[Path, typer.Argument(help="A scenario YAML file.")],
    grid: Annotated[
        list[str],
        typer.Option(
            help="FIELD=v1,v2,... (dotted path, as in overrides); repeat for more fields. Every "
            "combination is a grid point, e.g. --grid venues.0.settlement_days=0,2"
        ),
    ],
    seeds: Annotated[
        int, typer.Option(help="Seeds per grid point (the scenario's seed, +1, ...).")
    ] = 3,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    ledger: Annotated[
        str | None, typer.Option(help="revm or anvil (default: the scenario's, revm unless set).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Output directory (default: out/sweeps/<name>-<id>).")
    ] = None,
) -> None:
    """Run a scenario over a grid of field values and seeds on Dask.

    Prints and stores the mean and 95% confidence interval of every headline metric per grid
    point, and each point's paired difference to the first (the points share their seeds)."""
    from api import sweeps as service
    from api.settings import Settings

    planned, document = _plan(scenario, grid, seeds, ledger)
    settings = Settings.from_env()
    engine = service.open_store(settings.database_url)
    sweep_id = service.store_new_sweep(engine, document, planned, scheduler or "local")
    signal.signal(signal.SIGTERM, _raise_interrupt)  # `kill` ends it as Ctrl-C does
    try:
        with hushed() as console:
            result = _with_tasks_bar(
                console,
                f"sweep {sweep_id}: {planned.scenario.name}",
                lambda show: service.execute_sweep(
                    engine, sweep_id, planned, scheduler, workers, show
                ),
            )
    except KeyboardInterrupt:
        err.print(f"sweep {sweep_id} interrupted")
        raise typer.Exit(130) from None
    if result is None:
        failed = service.failure_of(engine, sweep_id)
        raise fail(StosimError(f"sweep {sweep_id} failed: {failed}"))
    target = out or default_out("sweeps", f"{planned.scenario.name}-{sweep_id}")
    written = _write(result, planned, sweep_id, target)
    err.print(
        f"sweep {sweep_id} stored ({settings.database_url.split('://')[0]}); "
        f"wrote {target}/ ({written})"
    )


def _plan(
    scenario: Path, grid: list[str], seeds: int, ledger: str | None
) -> tuple[Sweep, dict[str, Any]]:
    """The sweep to run and the scenario document to store, or a CLI error."""
    from api.services.scenarios import jsonable
    from simulator.scenario import ScenarioError, load_scenario, load_yaml
    from simulator.sweep import Sweep, parse_grid

    try:
        if ledger not in (None, "revm", "anvil"):
            raise StosimError(f"--ledger {ledger}: revm or anvil")
        load_scenario(scenario)  # every problem of the file, by its field path
        document = jsonable(load_yaml(scenario.read_bytes(), str(scenario)))
        return Sweep(document, parse_grid(grid), seeds, ledger), document  # type: ignore[arg-type]
    except (StosimError, ScenarioError) as exc:
        raise fail(exc) from None


def _write(result: SweepResult, planned: Sweep, sweep_id: int, target: Path) -> str:
    """Print the sweep's tables and write its CSV files (and report); what was written."""
    from simulator.report import print_paired, print_sweep
    from simulator.reports import interval_page
    from simulator.sweep import paired_to_first

    target.mkdir(parents=True, exist_ok=True)
    result.runs.to_csv(target / "runs.csv", index=False)
    result.summary.to_csv(target / "summary.csv", index=False)
    parameters = list(planned.grid)
    print_sweep(Console(), result.summary, parameters, result.info)
    differences = paired_to_first(result.runs, parameters)
    written = "runs.csv, summary.csv"
    if len(differences):
        differences.to_csv(target / "differences.csv", index=False)
        print_paired(
            Console(), "Each grid point against the first (paired over seeds)", differences
        )
        question = (
            f"{planned.scenario.name}: grid {dict(planned.grid)}, {planned.seeds} seeds per point"
        )
        page = interval_page(f"Sweep {sweep_id}", question, differences, "differences.csv")
        (target / "report.html").write_text(page.render())
        written += ", differences.csv, report.html"
    if planned.seeds < 3:
        err.print(
            f"[yellow]note:[/yellow] {planned.seeds} seed(s) per point: intervals are missing or "
            "too wide to tell points apart (and can stray below 0); use 5 or more"
        )
    return written
