"""The `stosim` command line."""

from __future__ import annotations

import enum
import json
import signal
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from simulator import __version__
from simulator.errors import StosimError

app = typer.Typer(
    help="stosim: simulate Korean tokenized-securities markets with the contracts in the loop.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)


class LedgerChoice(enum.StrEnum):
    anvil = "anvil"
    revm = "revm"


@app.command()
def version() -> None:
    """Print stosim's version."""
    typer.echo(f"stosim {__version__}")


@app.command()
def deploy(
    rpc: Annotated[
        str | None,
        typer.Option(help="Deploy to the chain at this URL instead of starting a fresh Anvil."),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(help="Port for the fresh Anvil (default 8545, or a free one if taken)."),
    ] = None,
    exit_: Annotated[
        bool,
        typer.Option(
            "--exit", help="Print the manifest and stop the chain instead of keeping it running."
        ),
    ] = False,
) -> None:
    """Deploy the market's contracts and print a JSON manifest (RPC URL, contracts, accounts).

    With a fresh Anvil the chain keeps running until interrupted (Ctrl-C), so that you can talk
    to the contracts with web3 or any other client; --exit stops it after printing.
    """
    from simulator.chain.brownie_ledger import BrownieLedger
    from simulator.chain.deploy import deploy_market, list_sample_issue

    try:
        err.print("[dim]compiling contracts and starting the chain...[/dim]")
        ledger = BrownieLedger.attach(rpc) if rpc else BrownieLedger.start(port)
    except StosimError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None
    try:
        market = deploy_market(ledger)
        list_sample_issue(ledger, market)
        typer.echo(json.dumps(market.manifest(), indent=2))
        if ledger.owns_chain and not exit_:
            err.print(f"[green]chain running at {ledger.rpc_url}[/green]; press Ctrl-C to stop it")
            _wait_for_interrupt()
    except StosimError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None
    finally:
        ledger.close()


def _wait_for_interrupt() -> None:
    """Block until Ctrl-C or SIGTERM, so that the caller's cleanup stops the chain either way."""

    def _stop(*_: Any) -> None:
        raise KeyboardInterrupt

    # both explicitly: a shell that starts a job in the background makes it ignore SIGINT
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        err.print("stopping the chain")


def _raise_interrupt(*_: Any) -> None:
    raise KeyboardInterrupt


def _fail(exc: StosimError) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(str(exc))}")
    return typer.Exit(1)


@app.command()
def validate(
    scenario: Annotated[Path, typer.Argument(help="A scenario YAML file.")],
) -> None:
    """Check a scenario file; every problem is reported with its field path and what is allowed."""
    from simulator.scenario import load_scenario

    try:
        loaded = load_scenario(scenario)
    except StosimError as exc:
        raise _fail(exc) from None
    typer.echo(f"{scenario}: valid ({loaded.name}, schema version {loaded.schema_version})")


@app.command()
def schema() -> None:
    """Print the scenario file's JSON schema (every field, its type, default and limits)."""
    from simulator.scenario import Scenario

    typer.echo(json.dumps(Scenario.model_json_schema(), indent=2))


@app.command()
def run(
    scenario: Annotated[
        Path, typer.Argument(help="A scenario YAML file, e.g. scenarios/baseline-2027.yaml.")
    ],
    seed: Annotated[int | None, typer.Option(help="Seed (default: the scenario's own).")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Output directory (default: out/<scenario name>).")
    ] = None,
    ledger: Annotated[
        LedgerChoice | None,
        typer.Option(help="anvil or revm (embedded EVM); default: the scenario's ledger.backend."),
    ] = None,
) -> None:
    """Run a scenario on a fresh chain; write the event log, metric tables and summary.json."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from simulator.output import write_run
    from simulator.report import print_run
    from simulator.runner import run_scenario
    from simulator.scenario import load_scenario

    try:
        loaded = load_scenario(scenario)
    except StosimError as exc:
        raise _fail(exc) from None
    target = out or Path("out") / loaded.name
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task(f"running {loaded.name}", total=1.0)
            result = run_scenario(
                loaded,
                seed,
                progress=lambda share: bar.update(task, completed=share),
                ledger=ledger.value if ledger else None,
            )
    except StosimError as exc:
        raise _fail(exc) from None
    write_run(result, target)
    print_run(Console(), result.summary, result.metrics)
    err.print(f"wrote {target}/ (events/*.parquet, metrics/*.csv, summary.json)")


@app.command()
def compare(
    runs: Annotated[
        list[Path], typer.Argument(help="Run directories (with summary.json) or scenario files.")
    ],
) -> None:
    """Print fees, liquidity and settlement of several runs side by side."""
    from simulator.output import read_summary
    from simulator.report import print_comparison
    from simulator.runner import run_scenario
    from simulator.scenario import load_scenario

    summaries: dict[str, dict[str, Any]] = {}
    for path in runs:
        try:
            if path.is_dir():
                summaries[path.name] = read_summary(path)
            else:
                loaded = load_scenario(path)
                err.print(f"[dim]running {loaded.name}...[/dim]")
                summaries[loaded.name] = run_scenario(loaded).summary
        except (OSError, ValueError) as exc:
            raise _fail(StosimError(f"{path}: {exc}")) from None
        except StosimError as exc:
            raise _fail(exc) from None
    print_comparison(Console(), summaries)


@app.command()
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
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Address of a Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Workers of the local cluster (default: one per core)."),
    ] = None,
    ledger: Annotated[
        LedgerChoice, typer.Option(help="Ledger of every task: revm (fast, same results) or anvil.")
    ] = LedgerChoice.revm,
    out: Annotated[
        Path | None, typer.Option(help="Output directory (default: out/sweeps/<name>-<id>).")
    ] = None,
) -> None:
    """Run a scenario over a grid of parameter values and seeds on Dask; print and store the mean
    and 95% confidence interval of every headline metric per grid point."""
    import yaml
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from sqlmodel import Session

    from api.db import init_store, make_engine
    from api.routes.scenarios import jsonable
    from api.settings import Settings
    from api.sweeps import create_sweep, execute_sweep, scenario_row
    from simulator.report import print_sweep
    from simulator.scenario import ScenarioError, load_scenario
    from simulator.sweep import Sweep, parse_grid

    try:
        loaded = load_scenario(scenario)
        document = jsonable(yaml.safe_load(scenario.read_text()))
        planned = Sweep(document, parse_grid(grid), seeds, ledger.value)
    except (StosimError, ScenarioError) as exc:
        raise _fail(exc) from None
    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    init_store(engine)
    with Session(engine) as session:
        stored = create_sweep(
            session, scenario_row(session, loaded.name, document), planned, scheduler or "local"
        )
    sweep_id = stored.id or 0
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("tasks  ETA {task.fields[eta]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(f"sweep {sweep_id}: {loaded.name}", total=stored.tasks_total, eta="-")

        def show(done: int, total: int, eta: float | None) -> None:
            bar.update(task, completed=done, eta="-" if eta is None else f"{eta:,.0f} s")

        signal.signal(signal.SIGTERM, _raise_interrupt)  # `kill` ends it as Ctrl-C does
        try:
            result = execute_sweep(engine, sweep_id, planned, scheduler, workers, show)
        except KeyboardInterrupt:
            err.print(f"sweep {sweep_id} interrupted")
            raise typer.Exit(130) from None
    if result is None:
        with Session(engine) as session:
            from api.models import SweepRow

            failed = session.get(SweepRow, sweep_id)
        raise _fail(StosimError(f"sweep {sweep_id} failed: {failed.error if failed else '?'}"))
    target = out or Path("out") / "sweeps" / f"{loaded.name}-{sweep_id}"
    target.mkdir(parents=True, exist_ok=True)
    result.runs.to_csv(target / "runs.csv", index=False)
    result.summary.to_csv(target / "summary.csv", index=False)
    print_sweep(Console(), result.summary, list(planned.grid), result.info)
    err.print(
        f"sweep {sweep_id} stored ({settings.database_url.split('://')[0]}); "
        f"wrote {target}/ (runs.csv, summary.csv)"
    )


@app.command()
def rules() -> None:
    """Print the rule-coverage table: where each rule is enforced and which tests check it."""
    from simulator.rule_coverage import coverage, markdown

    typer.echo(markdown(coverage()))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the API and the dashboard (DATABASE_URL picks the store; SQLite by default)."""
    from api.serve import serve as serve_api

    serve_api(host, port)


if __name__ == "__main__":
    app()
