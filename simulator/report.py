"""Terminal tables (rich) of a run's headline metrics, and of several runs side by side."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

# (label, summary key, format)
HEADLINES: tuple[tuple[str, str, str], ...] = (
    ("settled value (KRW)", "total_settled_value_krw", "{:,.0f}"),
    ("trades matched", "trade_count", "{:,.0f}"),
    ("fees (KRW)", "fees_krw", "{:,.0f}"),
    ("fees (bps of value)", "fees_bps", "{:.1f}"),
    ("HHI of venue shares", "hhi", "{:,.0f}"),
    ("quoted spread (bps)", "quoted_spread_bps_mean", "{:.1f}"),
    ("effective spread (bps)", "effective_spread_bps_mean", "{:.1f}"),
    ("order to match, mean (s)", "order_to_match_mean_s", "{:,.0f}"),
    ("match to settlement, mean (s)", "match_to_settle_mean_s", "{:,.0f}"),
    ("match to settlement, p95 (s)", "match_to_settle_p95_s", "{:,.0f}"),
    ("settlement fails", "settlement_fails", "{:,.0f}"),
)


def _fmt(value: Any, pattern: str) -> str:
    if value is None:
        return "-"
    try:
        return pattern.format(value)
    except (TypeError, ValueError):
        return str(value)


def print_run(console: Console, summary: dict[str, Any], metrics: dict[str, pd.DataFrame]) -> None:
    table = Table(title="Run summary")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for label, key, pattern in HEADLINES:
        table.add_row(label, _fmt(summary.get(key), pattern))
    for venue, share in sorted((summary.get("market_share") or {}).items()):
        table.add_row(f"market share {venue}", f"{share:.1%}")
    for rule_id, count in sorted((summary.get("refusals") or {}).items()):
        table.add_row(f"refusals {rule_id}", str(count))
    console.print(table)
    for name in ("fees_by_party", "liquidity", "investor_outcomes"):
        frame = metrics.get(name)
        if frame is not None and not frame.empty:
            console.print(_frame_table(name.replace("_", " "), frame))


def print_comparison(console: Console, summaries: dict[str, dict[str, Any]]) -> None:
    names = list(summaries)
    table = Table(title="Runs side by side")
    table.add_column("metric")
    for name in names:
        table.add_column(name, justify="right")
    if len(names) > 1:
        table.add_column(f"{names[-1]} - {names[0]}", justify="right")
    venues = sorted({v for s in summaries.values() for v in (s.get("market_share") or {})})
    rows = [(label, key, pattern) for label, key, pattern in HEADLINES]
    for label, key, pattern in rows:
        values = [summaries[n].get(key) for n in names]
        cells = [_fmt(v, pattern) for v in values]
        if len(names) > 1:
            first, last = values[0], values[-1]
            diff = (
                last - first
                if isinstance(first, (int, float)) and isinstance(last, (int, float))
                else None
            )
            cells.append(_fmt(diff, "{:+,.1f}"))
        table.add_row(label, *cells)
    for venue in venues:
        shares = [(summaries[n].get("market_share") or {}).get(venue) for n in names]
        cells = [_fmt(v, "{:.1%}") for v in shares]
        if len(names) > 1:
            cells.append("")
        table.add_row(f"market share {venue}", *cells)
    console.print(table)


def _frame_table(title: str, frame: pd.DataFrame) -> Table:
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(str(column), justify="right")
    for _, row in frame.head(20).iterrows():
        table.add_row(*[_cell(v) for v in row])
    return table


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "-" if value != value else f"{value:,.2f}"
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
        table = Table(title=title or "sweep")
        for column in ("metric", "seeds", "mean", "95% CI"):
            table.add_column(column, justify="left" if column == "metric" else "right")
        by_metric = group.set_index("metric")
        for label, key_name, pattern in HEADLINES:
            if key_name not in by_metric.index:
                continue
            row = by_metric.loc[key_name]
            interval = (
                "-"
                if pd.isna(row["ci95_low"])
                else f"{_fmt(row['ci95_low'], pattern)} .. {_fmt(row['ci95_high'], pattern)}"
            )
            table.add_row(label, str(int(row["n"])), _fmt(row["mean"], pattern), interval)
        console.print(table)
    console.print(
        f"{info['tasks']} tasks on {info['workers']} workers ({info['scheduler']}) in "
        f"{info['wall_s']:.1f} s: {info['tasks_per_s']:.2f} tasks/s"
    )
