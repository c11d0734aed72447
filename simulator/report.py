"""Terminal tables (rich) of a run's headline figures, of several runs side by side and of sweeps.

Tables fold instead of cutting: no number ever ends in "..." at 80 columns. Wide metric tables
(one column per measure) are turned on their side, one column per venue and asset.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table

from simulator.headlines import HEADLINES, Headline, fmt, headline

WIDE = 6  # a metric table with more measures than this is printed on its side


def _table(title: str, *columns: str) -> Table:
    """Labels in the first column wrap; figures wrap only at their spaces ("5,606 s (1.6 h)")."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for i, column in enumerate(columns):
        table.add_column(
            column,
            justify="left" if i == 0 else "right",
            overflow="fold",
            min_width=None if i == 0 else min(len(column.split("\n")[0]), 12),
        )
    return table


def print_run(console: Console, summary: dict[str, Any], metrics: dict[str, pd.DataFrame]) -> None:
    seed = summary.get("seed")
    table = _table(
        "Run summary" + (f" (seed {seed})" if seed is not None else ""), "metric", "value"
    )
    for head in HEADLINES:
        table.add_row(head.title, fmt(summary.get(head.key), head))
    for venue, share in sorted((summary.get("market_share") or {}).items()):
        table.add_row(f"market share {venue}", fmt(share, headline(f"market_share.{venue}")))
    for rule_id, count in sorted((summary.get("refusals") or {}).items()):
        table.add_row(f"refusals {rule_id}", f"{count:,}")
    console.print(table)
    for name in ("fees_by_party", "liquidity", "investor_outcomes"):
        frame = metrics.get(name)
        if frame is not None and not frame.empty:
            console.print(frame_table(name.replace("_", " "), frame))


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def print_comparison(
    console: Console, summaries: dict[str, dict[str, Any]], seeds: dict[str, Any]
) -> None:
    """Runs side by side, each with its seed; then every run's difference to the first."""
    names = list(summaries)
    venues = sorted({v for s in summaries.values() for v in (s.get("market_share") or {})})
    rules = sorted({r for s in summaries.values() for r in (s.get("refusals") or {})})
    rows: list[tuple[Headline, list[Any]]] = [
        (h, [summaries[n].get(h.key) for n in names]) for h in HEADLINES
    ]
    for venue in venues:
        shares = [(summaries[n].get("market_share") or {}).get(venue) for n in names]
        rows.append((headline(f"market_share.{venue}"), shares))
    for rule in rules:
        counts = [(summaries[n].get("refusals") or {}).get(rule, 0) for n in names]
        rows.append((headline(f"refusals.{rule}"), counts))
    values = [[fmt(v, head) for v in vals] for head, vals in rows]
    headers = [f"{n}\nseed {seeds.get(n, '?')}" for n in names]
    console.print(_figures("Runs side by side", headers, [h.title for h, _ in rows], values))
    if len(names) < 2:
        return
    diffs = []
    for head, vals in rows:
        first = _number(vals[0])
        others = [_number(v) for v in vals[1:]]
        diffs.append(
            [fmt(o - first if o is not None and first is not None else None, head, True)
             for o in others]
        )  # fmt: skip
    headers = [f"{n}\n- {names[0]}" for n in names[1:]]
    title = f"Differences to {names[0]}"
    console.print(_figures(title, headers, [h.title for h, _ in rows], diffs))


def _figures(title: str, headers: list[str], labels: list[str], cells: list[list[str]]) -> Table:
    """A table of labelled figures whose numbers keep their width (labels wrap instead)."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("metric", overflow="fold", min_width=12)
    for i, header in enumerate(headers):
        # a duration may wrap before its "(3.9 d)"; a number never wraps
        parts = [part for row in cells for part in row[i].split(" (")]
        widest = max([len(part) + 1 for part in parts] + [len(w) for w in header.split()])
        width = min(widest, 18)
        table.add_column(header, justify="right", overflow="fold", min_width=width, max_width=width)
    for label, row in zip(labels, cells, strict=True):
        table.add_row(label, *row)
    return table


def frame_table(title: str, frame: pd.DataFrame, limit: int = 20) -> Table:
    """A metric table; on its side when it has more measures than fit across 80 columns.
    Numbers are never wrapped or cut; labels and headers wrap instead."""
    frame = frame.head(limit)
    keys = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    measures = [c for c in frame.columns if c not in keys]
    if len(measures) > WIDE and keys and len(frame) <= 6:
        names = [" ".join(str(v) for v in row) for row in frame[keys].itertuples(index=False)]
        columns = [[_cell(v) for v in frame[m]] for m in measures]
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
        table.add_column("measure", overflow="fold")
        for i, name in enumerate(names):
            cells = [column[i] for column in columns]
            table.add_column(name, justify="right", no_wrap=True, min_width=_widest(cells))
        for measure, cells in zip(measures, columns, strict=True):
            table.add_row(measure.replace("_", " "), *cells)
        return table
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    rows = [[c.replace(":", ": ") for c in r] for r in rows]  # "investor: general" wraps whole
    for i, column in enumerate(frame.columns):
        header = str(column).replace("_", " ")
        # numbers keep their width, headers wrap between words, labels fold past 12 characters
        width = max(_widest([r[i] for r in rows]), _widest(header.split()))
        if column in keys:
            table.add_column(header, overflow="fold", min_width=min(width, 12))
        else:
            table.add_column(header, justify="right", overflow="fold", min_width=width)
    for cells in rows:
        table.add_row(*cells)
    return table


def _widest(cells: list[str]) -> int:
    return max((len(c) for c in cells), default=1)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if value != value:
            return "-"
        return f"{value:,.0f}" if abs(value) >= 1_000 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_sweep(
    console: Console, summary: pd.DataFrame, parameters: list[str], info: dict[str, Any]
) -> None:
    """One table per grid point: each headline metric's mean and 95% confidence interval."""
    groups = summary.groupby(parameters, sort=False) if parameters else [((), summary)]
    for key, group in groups:
        values = key if isinstance(key, tuple) else (key,)
        title = ", ".join(f"{p} = {v}" for p, v in zip(parameters, values, strict=True))
        table = _table(title or "sweep", "metric", "seeds", "mean", "95% CI")
        by_metric = group.set_index("metric")
        for head in HEADLINES:
            if head.key not in by_metric.index:
                continue
            row = by_metric.loc[head.key]
            interval = (
                "-"
                if pd.isna(row["ci95_low"])
                else f"{fmt(row['ci95_low'], head)} .. {fmt(row['ci95_high'], head)}"
            )
            table.add_row(head.title, str(int(row["n"])), fmt(row["mean"], head), interval)
        console.print(table)
    console.print(
        f"{info['tasks']} tasks on {info['workers']} workers ({info['scheduler']}) in "
        f"{info['wall_s']:.1f} s: {info['tasks_per_s']:.2f} tasks/s"
    )


def print_paired(console: Console, title: str, rows: pd.DataFrame) -> None:
    """Paired differences to the baseline: one row per arm and metric (see simulator.stats)."""
    table = _table(title, "metric", "arm", "baseline", "difference\n[95% interval]", "verdict")
    table.columns[-1].justify = "left"
    for row in rows.itertuples(index=False):
        head = headline(str(row.metric))
        difference = fmt(row.diff_mean, head, signed=True)
        if not pd.isna(row.low):
            low, high = fmt(row.low, head, signed=True), fmt(row.high, head, signed=True)
            boot = " boot" if row.method == "bootstrap" else ""
            difference += f"\n[{low}, {high}]{boot}"
        verdict = str(row.verdict)
        table.add_row(head.title, str(row.arm), fmt(row.baseline_mean, head), difference, verdict)
    console.print(table)
