"""HTML reports of a run, a comparison, a study and a sweep (charts from simulator.charts), each
beside the CSV files holding the same figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from simulator import charts
from simulator.chartdata import quote_series, records, trade_times
from simulator.headlines import HEADLINES, headline
from simulator.html import Page

DIFF_COLUMNS = [
    "arm",
    "metric",
    "n",
    "baseline_mean",
    "variant_mean",
    "diff_mean",
    "low",
    "high",
    "method",
    "t_low",
    "t_high",
    "boot_low",
    "boot_high",
    "normality_p",
    "rel_pct",
    "verdict",
]


def order(key: str) -> int:
    """A metric's place in the headline order (per-venue shares and refusals after)."""
    keys = [h.key for h in HEADLINES]
    return keys.index(key) if key in keys else len(keys)


def run_page(
    summary: dict[str, Any], tables: dict[str, pd.DataFrame], metrics: dict[str, pd.DataFrame]
) -> Page:
    start = dt.date.fromisoformat(summary["start"]) if summary.get("start") else None
    page = Page(f"Run: {summary.get('scenario', '?')} (seed {summary.get('seed', '?')})")
    if summary.get("question"):
        page.question(str(summary["question"]))
    page.text(f"run id {summary.get('run_id', '-')}, ledger {summary.get('ledger', '-')}", "muted")
    flat = [{"metric": h.key, "value": summary.get(h.key)} for h in HEADLINES]
    flat += [
        {"metric": f"market_share.{v}", "value": s}
        for v, s in sorted((summary.get("market_share") or {}).items())
    ]
    page.heading("Headline figures")
    page.figures(pd.DataFrame(flat), "summary.json", "metric", ("value",))
    trades, quotes = trade_times(tables), quote_series(tables)
    page.heading("Prices and liquidity over calendar time (gaps: market closed)")
    page.chart(charts.bind("price", records(trades), start), "Trade prices (KRW)")
    page.open_grid()
    page.chart(charts.bind("spread", records(quotes), start), "Quoted spread (bps)")
    page.chart(charts.bind("depth", records(quotes), start), "Depth at the best quotes (tokens)")
    page.close_grid()
    page.heading("Fees and settlement")
    page.open_grid()
    fees = metrics["fees_by_party"]
    page.chart(charts.bind("fees_by_party", records(fees)), "Who pays and who receives (KRW)")
    page.chart(charts.bind("settlement_hours", records(trades)), "Match to settlement")
    page.chart(charts.bind("market_shares", records(metrics["market_shares"])), "Venue shares")
    page.close_grid()
    for name in ("fees_by_party", "liquidity", "settlement", "investor_outcomes", "refusals"):
        if name in metrics:
            page.heading(name.replace("_", " "))
            page.figures(metrics[name], f"metrics/{name}.csv")
    return page


def comparison_page(
    summaries: dict[str, dict[str, Any]], parties: dict[str, pd.DataFrame]
) -> tuple[Page, pd.DataFrame]:
    """Runs side by side: headline bars, venue shares and the fee structure (who pays and who
    receives, per party type); returns the page and its figures (one row per run and metric)."""
    rows = []
    for run, summary in summaries.items():
        for head in HEADLINES:
            rows.append(
                {
                    "run": run,
                    "seed": summary.get("seed"),
                    "metric": head.key,
                    "value": summary.get(head.key),
                }
            )
        for venue, share in sorted((summary.get("market_share") or {}).items()):
            rows.append(
                {
                    "run": run,
                    "seed": summary.get("seed"),
                    "metric": f"market_share.{venue}",
                    "value": share,
                }
            )
    figures = pd.DataFrame(rows)
    page = Page("Comparison: " + ", ".join(summaries))
    seeds = {s.get("seed") for s in summaries.values()}
    if len(summaries) > 1:
        page.text(
            "Each column is one run of one seed: differences may be luck. `stosim study` "
            "compares arms over many seeds with paired intervals.",
            "warn",
        )
    if len(seeds) > 1:
        page.text(f"The runs have different seeds ({sorted(map(str, seeds))}).", "warn")
    bars = figures.dropna(subset=["value"])
    shares = bars["metric"].str.startswith("market_share.")
    bars = bars.assign(
        value=bars["value"].where(~shares, bars["value"] * 100),  # shares in %, as labelled
        metric=bars["metric"].map(lambda k: headline(k).title),
        order=bars["metric"].map(order),
    )
    page.chart(charts.bind("headline_bars", records(bars)), "Headline figures")
    structure = []
    for run, frame in parties.items():
        for row in frame.itertuples(index=False):
            structure.append({"run": run, "party_type": row.party_type, "krw": -row.paid_krw})
            structure.append({"run": run, "party_type": row.party_type, "krw": row.received_krw})
    page.chart(
        charts.bind("fee_structure", [r for r in structure if r["krw"]]),
        "Fee structure: who pays (left) and who receives (right)",
    )
    page.heading("Figures")
    page.figures(figures, "comparison.csv", "metric", ("value",))
    return page, figures


def interval_page(title: str, question: str, differences: pd.DataFrame, csv: str) -> Page:
    """A study's (or sweep's) paired differences to the baseline, with a chart per metric."""
    page = Page(title)
    page.question(question)
    few = differences[differences["n"] < 3]
    if len(few):
        page.text(
            "Fewer than 3 seeds: intervals are missing or too wide to tell the arms "
            "apart; run more seeds.",
            "warn",
        )
    shares = differences["metric"].str.startswith("market_share.")
    scale = shares.map({True: 100.0, False: 1.0})  # shares in %, as labelled
    chart_rows = differences.assign(
        metric=differences["metric"].map(lambda k: headline(k).title),
        value=differences["diff_mean"] * scale,
        low=differences["low"] * scale,
        high=differences["high"] * scale,
        order=differences["metric"].map(order),
    )
    page.heading("Difference to the baseline, with 95% intervals (paired over seeds)")
    page.chart(charts.bind("intervals", records(chart_rows)))
    page.heading("Figures")
    units = (
        "baseline_mean",
        "variant_mean",
        "diff_mean",
        "low",
        "high",
        "t_low",
        "t_high",
        "boot_low",
        "boot_high",
    )
    page.figures(differences[DIFF_COLUMNS], csv, "metric", units)
    return page
