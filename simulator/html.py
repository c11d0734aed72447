"""Self-contained HTML reports: text, tables of figures and Vega-Lite charts, with the chart
libraries (Vega, Vega-Lite, vega-embed, bundled by vl-convert) inlined, so a report opens
offline, from a mail attachment or a file share.

Each table of figures names the CSV file it was written to (`data-csv`) and carries every
number's exact value (`data-value`) beside its formatted text, so tests and tools can check the
page against the CSV.
"""

from __future__ import annotations

import functools
import html
import json
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from simulator.headlines import fmt, headline

VEGA_LITE = "6.4"  # the schema altair 6 writes
PLAIN = {"seed", "n", "task"}  # counts and identifiers: no thousands separators

CSS = """
body { font: 14px/1.45 system-ui, sans-serif; color: #1d2330; margin: 24px auto; max-width: 1240px;
       padding: 0 20px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
.question { font-size: 15px; background: #f3f5fa; border-left: 4px solid #3b6fd8;
            padding: 8px 12px; }
.muted { color: #667; }
table.figures { border-collapse: collapse; margin: 8px 0 16px; }
table.figures th, table.figures td { border-bottom: 1px solid #e2e5ee; padding: 4px 10px;
       text-align: right; vertical-align: top; }
table.figures th:first-child, table.figures td:first-child { text-align: left; }
table.figures th { background: #f3f5fa; font-weight: 600; max-width: 120px; }
.scroll { overflow-x: auto; } table.figures td.text { text-align: left; }
.chart { width: 100%; margin: 8px 0 20px; } .grid { display: grid;
       grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 12px 28px; }
.warn { color: #8a4b00; }
"""


@functools.cache
def vega_javascript() -> str:
    """Vega, Vega-Lite and vega-embed in one script (built once per process). Only the globals
    vegaEmbed, vegaLite and vega are set: the bundle's own top-level names (such as `$`) are
    wrapped in a function so that they cannot clash with the page's."""
    import vl_convert

    bundle: Any = vl_convert.javascript_bundle  # its stub wants a snippet; none is the default
    return f"(() => {{\n{bundle(vl_version=VEGA_LITE)}\n}})();"


@dataclass
class Page:
    title: str
    parts: list[str] = field(default_factory=list)
    specs: list[dict[str, Any]] = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.parts.append(f"<h2>{html.escape(text)}</h2>")

    def text(self, text: str, css: str = "") -> None:
        klass = f' class="{css}"' if css else ""
        self.parts.append(f"<p{klass}>{html.escape(text)}</p>")

    def question(self, text: str) -> None:
        self.parts.append(f'<p class="question">{html.escape(text)}</p>')

    def figures(
        self,
        frame: pd.DataFrame,
        csv: str,
        metric_column: str | None = None,
        unit_columns: tuple[str, ...] = (),
    ) -> None:
        """A table of figures. `metric_column` names the column of metric keys (shown as labels
        with units); the `unit_columns` are formatted in their row's metric's unit."""
        head = "".join(
            f'<th data-column="{html.escape(str(c))}">{html.escape(str(c).replace("_", " "))}</th>'
            for c in frame.columns
        )
        body = []
        for _, row in frame.iterrows():
            metric = str(row[metric_column]) if metric_column else None
            cells = [
                self._cell(row[c], metric if c in unit_columns else None, c == metric_column)
                if c not in PLAIN
                else f'<td data-value="{row[c]}">{html.escape(str(row[c]))}</td>'
                for c in frame.columns
            ]
            body.append("<tr>" + "".join(cells) + "</tr>")
        self.parts.append(
            f'<div class="scroll"><table class="figures" data-csv="{html.escape(csv)}"><thead>'
            f"<tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        )

    @staticmethod
    def _cell(value: Any, metric: str | None, is_metric: bool) -> str:
        if is_metric:
            title = headline(str(value)).title
            return (
                f'<td class="text" data-value="{html.escape(str(value))}">{html.escape(title)}</td>'
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            text = (
                "" if value is None or (isinstance(value, float) and math.isnan(value)) else value
            )
            shown = html.escape(str(text))
            return f'<td class="text" data-value="{shown}">{shown}</td>'
        exact = "" if isinstance(value, float) and not math.isfinite(value) else repr(value)
        shown = fmt(value, headline(metric)) if metric else _plain(value)
        return f'<td data-value="{exact}">{html.escape(shown)}</td>'

    def chart(self, spec: dict[str, Any], title: str = "") -> None:
        index = len(self.specs)
        self.specs.append(spec)
        caption = f"<h3>{html.escape(title)}</h3>" if title else ""
        self.parts.append(f'<div>{caption}<div class="chart" id="chart-{index}"></div></div>')

    def open_grid(self) -> None:
        self.parts.append('<div class="grid">')

    def close_grid(self) -> None:
        self.parts.append("</div>")

    def render(self) -> str:
        specs = json.dumps(self.specs).replace("</", "<\\/")  # no early </script>
        return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(self.title)}</title>
<style>{CSS}</style><script>{vega_javascript()}</script></head>
<body><h1>{html.escape(self.title)}</h1>
{chr(10).join(self.parts)}
<script>
const SPECS = {specs};
SPECS.forEach((spec, i) => vegaEmbed("#chart-" + i, spec, {{actions: false}}));
</script></body></html>
"""


def _plain(value: float | int) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1_000 else f"{value:,.4g}"
