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

from simulator import __version__
from simulator.errors import StosimError
from stosim_cli.common import err, fail, hushed, parse_sets, set_verbose

app = typer.Typer(
    help="stosim: simulate Korean tokenized-securities markets with the contracts in the loop.",
    no_args_is_help=True,
    add_completion=False,
)


class LedgerChoice(enum.StrEnum):
    anvil = "anvil"
    revm = "revm"


LedgerOption = Annotated[
    LedgerChoice | None,
    typer.Option(help="revm (embedded EVM, the default) or anvil; default: the scenario's."),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="FIELD=VALUE: override a scenario field (dotted path, e.g. "
        "venues.0.settlement_days=0); repeat for more.",
    ),
]


@app.callback()
def main(
    verbose: Annotated[
        bool,
        typer.Option("-v", "--verbose", help="Show compiler, Anvil and Dask output (on stderr)."),
    ] = False,
) -> None:
    """stosim: simulate Korean tokenized-securities markets with the contracts in the loop."""
    set_verbose(verbose)


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
        with hushed():
            ledger = BrownieLedger.attach(rpc) if rpc else BrownieLedger.start(port)
    except StosimError as exc:
        raise fail(exc) from None
    try:
        with hushed():
            market = deploy_market(ledger)
            list_sample_issue(ledger, market)
        typer.echo(json.dumps(market.manifest(), indent=2))
        if ledger.owns_chain and not exit_:
            err.print(f"[green]chain running at {ledger.rpc_url}[/green]; press Ctrl-C to stop it")
            _wait_for_interrupt()
    except StosimError as exc:
        raise fail(exc) from None
    finally:
        with hushed():
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


@app.command()
def validate(
    scenario: Annotated[Path, typer.Argument(help="A scenario YAML file.")],
) -> None:
    """Check a scenario file; every problem is reported with its field path and what is allowed."""
    from simulator.scenario import load_scenario

    try:
        loaded = load_scenario(scenario)
    except StosimError as exc:
        raise fail(exc) from None
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
    set_: SetOption = None,
    out: Annotated[
        Path | None, typer.Option(help="Output directory (default: out/<scenario name>).")
    ] = None,
    ledger: LedgerOption = None,
    report: Annotated[
        bool, typer.Option("--report", help="Also write report.html (charts) in the output.")
    ] = False,
) -> None:
    """Run a scenario on a fresh ledger; print and write its results.

    Writes the event log (Parquet), metric tables (CSV), summary.json and the scenario as run to
    out/<scenario name>/ (or --out)."""
    from simulator.output import write_run
    from simulator.report import print_run
    from simulator.scenario import load_scenario
    from stosim_cli.common import default_out

    try:
        loaded = load_scenario(scenario, parse_sets(set_))
        target = out or default_out(loaded.name)
    except StosimError as exc:
        raise fail(exc) from None
    result = run_with_progress(loaded, seed, ledger.value if ledger else None)
    write_run(result, target)
    print_run(Console(), {"seed": result.seed, **result.summary}, result.metrics)
    if report:
        from stosim_cli.analysis import write_run_report

        write_run_report(target)
    err.print(f"wrote {target}/ (events/*.parquet, metrics/*.csv, summary.json, scenario.yaml)")


def run_with_progress(loaded: Any, seed: int | None, ledger: str | None) -> Any:
    """One run with a progress bar on stderr, library chatter held back."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from simulator.runner import run_scenario

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    try:
        with hushed() as console, Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(f"running {loaded.name}", total=1.0)
            return run_scenario(
                loaded,
                seed,
                progress=lambda share: bar.update(task, completed=share),
                ledger=ledger,  # type: ignore[arg-type]
            )
    except StosimError as exc:
        raise fail(exc) from None


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def test(
    args: Annotated[
        list[str] | None,
        typer.Argument(help="Your test files or folders, and any pytest options (-x, -k NAME)."),
    ] = None,
) -> None:
    """Run your own rule tests (pytest) with stosim's fixtures and strategies, from any folder.

    Brownie's own pytest plugin is kept out (it would take over the chain), and stosim's
    fixtures (a fresh Anvil, a deployed market, snapshot isolation) are loaded."""
    import pytest

    plugins = ["-p", "no:pytest-brownie", "-p", "simulator.testing.fixtures"]
    plugins += ["-p", "simulator.testing.rule_marker"]
    quiet = ["-W", "ignore:rpc\\.\\w+ should not be called directly:FutureWarning"]
    raise typer.Exit(int(pytest.main([*plugins, *quiet, *(args or [])])))


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


from stosim_cli import analysis  # noqa: E402  (registers compare, sweep, study, report)

analysis.register(app)

if __name__ == "__main__":
    app()
