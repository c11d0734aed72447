"""What the service serves beside the resources: the dashboard page, the chart definitions it
and the HTML reports share, and Vega's JavaScript (so nothing loads from the internet)."""

from __future__ import annotations

import functools
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[1] / "static" / "dashboard.html"


def dashboard_html() -> str:
    return DASHBOARD.read_text()


@functools.cache
def chart_specs() -> dict[str, object]:
    from simulator.charts import templates
    from simulator.headlines import HEADLINES

    return {"charts": templates(), "labels": {h.key: h.title for h in HEADLINES}}


def vega_javascript() -> str:
    from simulator.html import vega_javascript as bundled

    return bundled()
