"""Chart definitions (Vega-Lite, built with altair): one definition per chart, used by the HTML
reports and served to the dashboard (GET /api/charts), which fills in the same rows from the API.

Every template reads its rows from the named dataset "rows"; `bind` fills it in. Time charts take
virtual seconds `t` and the parameter `start_ms` (the scenario's first midnight, KST, as epoch
milliseconds) and compute calendar time themselves; each trading session is its own line, so
nights, weekends and holidays show as gaps instead of straight lines across them. Times are shown
in KST whatever the viewer's time zone (a UTC scale over KST wall-clock times).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import altair as alt

DATA = alt.Data(name="rows")
START = alt.param(name="start_ms", value=0)
DAY_S = 86_400
WIDTH = 560
# panels in the rows' order (the headline order), not alphabetically: rows carry `order`
BY_ORDER = alt.EncodingSortField(field="order", op="min")


def _time_axis() -> alt.X:
    return alt.X(
        "time:T", scale=alt.Scale(type="utc"), title="date (KST)", axis=alt.Axis(format="%b %d")
    )


def _time_tip() -> alt.Tooltip:
    return alt.Tooltip("time:T", title="time (KST)", format="%Y-%m-%d %H:%M", formatType="utc")


def _over_time(field: str, title: str, tip_format: str) -> alt.Chart:
    return (
        alt.Chart(DATA, width="container", height=220)
        .add_params(START)
        .transform_filter(f"isValid(datum.{field})")
        .transform_calculate(time="start_ms + datum.t * 1000", session=f"floor(datum.t / {DAY_S})")
        .mark_line(point=alt.OverlayMarkDef(size=12))
        .encode(
            x=_time_axis(),
            y=alt.Y(f"{field}:Q", title=title),
            color=alt.Color("venue:N", title="venue"),
            detail="session:N",  # one line per session: gaps where the market is closed
            tooltip=[
                _time_tip(),
                "venue:N",
                alt.Tooltip(f"{field}:Q", title=title, format=tip_format),
            ],
        )
    )


def spread() -> alt.Chart:
    """Rows: t, venue, spread_bps (mean over assets of each quote snapshot)."""
    return _over_time("spread_bps", "quoted spread (bps)", ",.1f")


def depth() -> alt.Chart:
    """Rows: t, venue, depth (tokens at the best bid plus the best ask)."""
    return _over_time("depth", "depth at best bid + ask (tokens)", ",.0f")


def price() -> alt.Chart:
    """Rows: t, venue, asset, price, quantity (one per matched trade); a panel per asset."""
    line = (
        alt.Chart(DATA, width=WIDTH, height=160)
        .mark_line(point=alt.OverlayMarkDef(size=14), strokeWidth=1)
        .encode(
            x=_time_axis(),
            y=alt.Y("price:Q", title="price (KRW)", scale=alt.Scale(zero=False)),
            color=alt.Color("venue:N", title="venue"),
            detail="session:N",
            tooltip=[
                _time_tip(),
                "venue:N",
                "asset:N",
                alt.Tooltip("price:Q", format=",.0f", title="price (KRW)"),
                alt.Tooltip("quantity:Q", title="quantity (tokens)"),
            ],
        )
    )
    return (
        line.add_params(START)
        .transform_calculate(time="start_ms + datum.t * 1000", session=f"floor(datum.t / {DAY_S})")
        .facet(row=alt.Row("asset:N", title=None))
        .resolve_scale(y="independent")
    )


def settlement_hours() -> alt.Chart:
    """Rows: matched_t, settled_t (null while unsettled), one per trade."""
    hours = "match to settlement (hours)"
    return (
        alt.Chart(DATA, width="container", height=220)
        .transform_filter("isValid(datum.settled_t)")
        .transform_calculate(hours="(datum.settled_t - datum.matched_t) / 3600")
        .mark_bar()
        .encode(
            x=alt.X("hours:Q", bin=alt.Bin(maxbins=24), title=hours),
            y=alt.Y("count():Q", title="trades"),
            tooltip=[
                alt.Tooltip("hours:Q", bin=True, title=hours),
                alt.Tooltip("count():Q", title="trades"),
            ],
        )
    )


def fees_by_party() -> alt.Chart:
    """Rows: party_type, paid_krw, received_krw (and paid_bps): who pays and who receives."""
    return (
        alt.Chart(DATA, width="container", height=200)
        .transform_fold(["paid_krw", "received_krw"], as_=["flow", "krw"])
        .transform_calculate(flow="datum.flow == 'paid_krw' ? 'paid' : 'received'")
        .mark_bar()
        .encode(
            y=alt.Y("party_type:N", title=None),
            yOffset="flow:N",
            x=alt.X("krw:Q", title="fees (KRW)"),
            color=alt.Color("flow:N", title=None, scale=alt.Scale(range=["#e07a1f", "#3b6fd8"])),
            tooltip=[
                "party_type:N",
                "flow:N",
                alt.Tooltip("krw:Q", format=",.0f", title="KRW"),
                alt.Tooltip(
                    "paid_bps:Q", format=",.1f", title="trading fees paid (bps of own traded value)"
                ),
            ],
        )
    )


def market_shares() -> alt.Chart:
    """Rows: asset, venue, share (of settled value)."""
    return (
        alt.Chart(DATA, width="container", height=120)
        .mark_bar()
        .encode(
            y=alt.Y("asset:N", title=None),
            x=alt.X("share:Q", title="share of settled value", axis=alt.Axis(format="%")),
            color=alt.Color("venue:N", title="venue"),
            tooltip=["asset:N", "venue:N", alt.Tooltip("share:Q", format=".1%")],
        )
    )


def fee_structure() -> alt.Chart:
    """Rows: run, party_type, krw: paid as negative, received as positive; one bar per run."""
    return (
        alt.Chart(DATA, width="container", height=alt.Step(28))
        .mark_bar()
        .encode(
            y=alt.Y("run:N", title=None),
            x=alt.X("krw:Q", title="fees paid (left of 0) and received (right of 0), KRW"),
            color=alt.Color("party_type:N", title="party"),
            tooltip=["run:N", "party_type:N", alt.Tooltip("krw:Q", format=",.0f", title="KRW")],
        )
    )


def headline_bars() -> alt.Chart:
    """Rows: run, metric (label with unit), value, order (of the panel): a panel per metric."""
    return (
        alt.Chart(DATA, width=300, height=alt.Step(18))
        .mark_bar()
        .encode(
            y=alt.Y("run:N", title=None),
            x=alt.X("value:Q", title=None),
            color=alt.Color("run:N", legend=None),
            tooltip=["run:N", "metric:N", alt.Tooltip("value:Q", format=",.4~f")],
        )
        .facet(facet=alt.Facet("metric:N", title=None, sort=BY_ORDER), columns=3)
        .resolve_scale(x="independent")
    )


def intervals() -> alt.Chart:
    """Rows: arm, metric (label with unit), value, low, high, order (of the panel): a point and
    its 95% interval per arm, a panel per metric, with a line at 0 (for differences)."""
    base = alt.Chart(width=300, height=alt.Step(22))
    tips = [
        "arm:N",
        "metric:N",
        alt.Tooltip("value:Q", format=",.4~f"),
        alt.Tooltip("low:Q", format=",.4~f", title="95% low"),
        alt.Tooltip("high:Q", format=",.4~f", title="95% high"),
        "verdict:N",
    ]
    layers = alt.layer(
        base.mark_rule(color="#999", strokeDash=[3, 3]).encode(x=alt.datum(0)),
        base.mark_rule(strokeWidth=2).encode(
            y=alt.Y("arm:N", title=None), x=alt.X("low:Q", title=None), x2="high:Q", tooltip=tips
        ),
        base.mark_point(filled=True, size=60).encode(
            y="arm:N", x="value:Q", color=alt.Color("arm:N", legend=None), tooltip=tips
        ),
        data=DATA,
    )
    return layers.facet(
        facet=alt.Facet("metric:N", title=None, sort=BY_ORDER), columns=2
    ).resolve_scale(x="independent")


TEMPLATES: dict[str, Callable[[], alt.TopLevelMixin]] = {
    "spread": spread,
    "depth": depth,
    "price": price,
    "settlement_hours": settlement_hours,
    "fees_by_party": fees_by_party,
    "market_shares": market_shares,
    "fee_structure": fee_structure,
    "headline_bars": headline_bars,
    "intervals": intervals,
}


def templates() -> dict[str, dict[str, Any]]:
    """Every chart's Vega-Lite spec, its rows left empty."""
    return {name: build().to_dict() for name, build in TEMPLATES.items()}


def start_ms(start: dt.date) -> int:
    """The scenario's first midnight as the charts' epoch: KST wall-clock time on a UTC scale."""
    return int(dt.datetime.combine(start, dt.time(0), dt.UTC).timestamp() * 1000)


def bind(name: str, rows: list[dict[str, Any]], start: dt.date | None = None) -> dict[str, Any]:
    """The chart `name` with its rows (and the scenario's start date, for time charts)."""
    spec = copy.deepcopy(TEMPLATES[name]().to_dict())
    spec["datasets"] = {"rows": rows}
    for param in spec.get("params", []):
        if param.get("name") == "start_ms" and start is not None:
            param["value"] = start_ms(start)
    return spec
