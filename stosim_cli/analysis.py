"""The CLI's analysis commands: compare, sweep, study, report and findings."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from simulator.errors import StosimError
from stosim_cli.common import default_out, err, fail, hushed, parse_sets

SchedulerOption = Annotated[
    str | None,
    typer.Option(
        help="Address of a Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)."
    ),
]
WorkersOption = Annotated[
    int | None, typer.Option(min=1, help="Workers of the local cluster (default: one per core).")
]


def _raise_interrupt(*_: Any) -> None:
    raise KeyboardInterrupt


def write_run_report(run_dir: Path) -> Path:
    """report.html of a written run, beside its CSV files."""
    import yaml

    from simulator.output import read_metrics, read_summary, read_tables
    from simulator.reports import run_page

    summary = read_summary(run_dir)
    scenario = run_dir / "scenario.yaml"
    if scenario.exists():
        summary["question"] = (yaml.safe_load(scenario.read_text()) or {}).get("question", "")
    page = run_page(summary, read_tables(run_dir), read_metrics(run_dir))
    target = run_dir / "report.html"
    target.write_text(page.render())
    err.print(f"wrote {target}")
    return target


def report(
    run_dir: Annotated[Path, typer.Argument(help="A run's output directory (with summary.json).")],
) -> None:
    """Write a run's report.html: charts and every figure.

    Charts in calendar time (gaps while the market is closed), with units and tooltips, beside
    the run's CSV files. The page opens offline: nothing is loaded from the internet."""
    if not (run_dir / "summary.json").is_file():
        raise fail(f"{run_dir}: no summary.json here; give a directory written by `stosim run`")
    write_run_report(run_dir)


def compare(
    runs: Annotated[
        list[Path], typer.Argument(help="Run directories (with summary.json) or scenario files.")
    ],
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="FIELD=VALUE for the scenario files given (not for run dirs)."),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the scenario files' runs.")] = None,
    report_dir: Annotated[
        Path | None, typer.Option("--report", help="Write comparison.html and .csv here.")
    ] = None,
) -> None:
    """Put runs side by side, with seeds and differences to the first.

    Scenario files are run first (on the default ledger, with --set and --seed) and kept under
    out/<name>; run directories are read as they are."""
    from simulator.output import read_metrics
    from simulator.report import print_comparison

    if len(runs) < 2:
        raise fail(
            "compare needs two or more runs or scenario files; one run's figures: "
            "`stosim report RUN_DIR` or `stosim run SCENARIO`"
        )
    try:
        summaries, origins = _summaries(runs, parse_sets(set_), seed)
    except (OSError, ValueError) as exc:
        raise fail(f"{exc}") from None
    except StosimError as exc:
        raise fail(exc) from None
    seeds = {name: s.get("seed", "?") for name, s in summaries.items()}
    print_comparison(Console(), summaries, seeds)
    err.print(
        "[yellow]note:[/yellow] each column is a single seed, so a difference may be luck; "
        "`stosim study` compares over many seeds with paired intervals"
    )
    if len(set(map(str, seeds.values()))) > 1:
        err.print(f"[yellow]note:[/yellow] the runs have different seeds: {seeds}")
    if report_dir is not None:
        from simulator.reports import comparison_page

        parties = {
            n: read_metrics(origins_dir)["fees_by_party"]
            for n, origins_dir in _dirs(origins).items()
        }
        page, figures = comparison_page(summaries, parties)
        report_dir.mkdir(parents=True, exist_ok=True)
        figures.to_csv(report_dir / "comparison.csv", index=False)
        (report_dir / "comparison.html").write_text(page.render())
        err.print(f"wrote {report_dir}/ (comparison.html, comparison.csv)")


def _summaries(
    runs: list[Path], overrides: dict[str, Any], seed: int | None
) -> tuple[dict[str, dict[str, Any]], dict[str, Path]]:
    """Each run's summary by name (scenario files are run first, into out/<name>), and where
    each came from; two runs of one name are refused."""
    from simulator.output import read_summary, write_run
    from simulator.scenario import load_scenario
    from stosim_cli.main import run_with_progress

    summaries: dict[str, dict[str, Any]] = {}
    origins: dict[str, Path] = {}
    for path in runs:
        loaded = None if path.is_dir() else load_scenario(path, overrides)
        name = path.name if loaded is None else loaded.name
        run_dir = path if loaded is None else default_out(loaded.name)
        if name in origins:
            raise StosimError(
                f"two runs are both called {name!r} ({origins[name]}, {path}): the columns "
                "would be ambiguous; give one a folder of another name (stosim run --out)"
            )
        origins[name] = path
        if loaded is not None:
            write_run(run_with_progress(loaded, seed, None), run_dir)
            err.print(f"[dim]kept the run of {path} in {run_dir}/[/dim]")
        summaries[name] = read_summary(run_dir)
    return summaries, origins


def _dirs(origins: dict[str, Path]) -> dict[str, Path]:
    return {n: p if p.is_dir() else default_out(n) for n, p in origins.items()}


def study(
    file: Annotated[Path, typer.Argument(help="A study file, e.g. studies/t0-vs-t2.yaml.")],
    seeds: Annotated[
        int | None, typer.Option(min=1, help="Seeds per arm (default: the file's).")
    ] = None,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    out: Annotated[Path | None, typer.Option(help="Output (default: out/studies/<name>).")] = None,
) -> None:
    """Answer a study's question: paired differences over seeds, with a report.

    Every arm runs on the same seeds on Dask; each variant's paired difference to the baseline
    gets a 95% interval (bootstrap where normality is doubtful) and a verdict; report.html with
    charts and the same figures as CSV go to out/studies/<name>/."""
    from simulator.report import print_paired
    from simulator.study import load_study, run_study, write_study

    try:
        loaded = load_study(file)
        if seeds is not None:
            loaded = loaded.with_seeds(seeds)
        target = out or default_out("studies", loaded.name)
    except StosimError as exc:
        raise fail(exc) from None
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        with hushed() as console:
            result = _with_tasks_bar(
                console,
                f"study {loaded.name}",
                lambda show: run_study(loaded, scheduler, workers, show),
            )
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except StosimError as exc:
        raise fail(exc) from None
    write_study(result, target)
    console = Console()
    console.print(f"[bold]{loaded.spec.question}[/bold]")
    print_paired(
        console, f"{loaded.name}: difference to {loaded.spec.baseline.name}", result.differences
    )
    if loaded.spec.seeds < 3:
        err.print(
            f"[yellow]note:[/yellow] {loaded.spec.seeds} seed(s) per arm: too few to tell "
            "arms apart; use 5 or more"
        )
    err.print(f"wrote {target}/ (report.html, differences.csv, runs.csv, study.json)")


def _with_tasks_bar(console: Console, title: str, work: Any) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs  ETA {task.fields[eta]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(title, total=None, eta="-")

        def show(done: int, total: int, eta: float | None) -> None:
            left = "-" if eta is None else f"{eta:,.0f} s"
            bar.update(task, completed=done, total=total, eta=left)

        return work(show)


def findings(
    readme: Annotated[Path, typer.Option(help="The README to update.")] = Path("README.md"),
    studies_dir: Annotated[Path, typer.Option("--studies", help="Study files.")] = Path("studies"),
    results: Annotated[Path, typer.Option(help="Where the studies' results are.")] = Path(
        "out/studies"
    ),
) -> None:
    """Regenerate the README's "Findings" section from the studies' latest results."""
    from simulator.findings import update_readme

    try:
        count = update_readme(readme, studies_dir, results)
    except StosimError as exc:
        raise fail(exc) from None
    err.print(f"{readme}: Findings rewritten from {count} studies")


def register(app: typer.Typer) -> None:
    from stosim_cli.sweep import sweep

    for command in (compare, sweep, study, report, findings):
        app.command()(command)
