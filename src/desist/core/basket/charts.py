"""Charts of the basket: Altair (Vega-Lite) specifications rendered to SVG offline by vl-convert, so pages and
the PDF need no JavaScript and nothing is fetched at run time. Every chart comes with a text alternative; the
page and the pack show the same figures in a table beside it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from .present import Cell

FONT = "Arial, Helvetica, sans-serif"
BLUE = "#1d70b8"  # GOV.UK blue: 4.5:1 on white


CHART_VERSION = "2"  # change when the drawing changes, so charts stored under an older key are not reused
FINAL, PROVISIONAL = "Final", "Provisional"
_SCALES = {"proportion": 100.0, "before_after": 100.0, "per_100": 1.0}


def trend_values(cells: Sequence[Cell]) -> list[dict[str, Any]]:
    """The points of a trend as the chart draws them: percentages for proportions, per 100 for rates, change
    in per cent for before-and-after; suppressed or missing quarters are gaps; each point final or
    provisional."""
    if not cells:
        raise ValueError("a trend needs at least one quarter")
    scale = _SCALES[cells[0].measure.kind]
    return [
        {
            "quarter": cell.quarter.short_label,
            "value": None if not cell.has_value or cell.rate is None else round(scale * cell.rate, 2),
            "low": None if cell.suppressed or cell.low is None else round(scale * cell.low, 2),
            "high": None if cell.suppressed or cell.high is None else round(scale * cell.high, 2),
            "status": PROVISIONAL if cell.provisional else FINAL,
        }
        for cell in cells
    ]


def trend_key(cells: Sequence[Cell], *, width: int = 320, height: int = 140) -> str:
    """A SHA-256 of everything the trend chart draws: equal keys give the same SVG, so a chart rendered once
    can be stored and found again without building its specification."""
    payload = {
        "version": CHART_VERSION,
        "kind": cells[0].measure.kind if cells else "",
        "values": trend_values(cells) if cells else [],
        "size": [width, height],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def trend_spec(cells: Sequence[Cell], *, width: int = 320, height: int = 140) -> dict[str, Any]:
    """A line of the measure's value by quarter with its 95% interval as a band; suppressed or missing
    quarters are gaps. Percentages for proportions, per 100 for rates, change in per cent for
    before-and-after. Provisional quarters (whose follow-up has not ended, so the figure can still change)
    are drawn apart: a dashed line to hollow points, with a legend saying which are provisional."""
    import altair as alt

    values = trend_values(cells)
    kind = cells[0].measure.kind
    # The dashed line starts at the last final point, so the trend reads as one line that turns provisional.
    final = [v for v in values if v["status"] == FINAL and v["value"] is not None]
    provisional = [v for v in values if v["status"] == PROVISIONAL]
    line_values = [dict(v, series=v["status"]) for v in values]
    if final and provisional:
        line_values.append(dict(final[-1], series=PROVISIONAL))
    order: list[str] = [cell.quarter.short_label for cell in cells]
    title = {"proportion": "Per cent", "per_100": "Per 100 people", "before_after": "Change (%)"}[kind]
    x = alt.X("quarter:O", sort=order, title=None, axis=alt.Axis(labelAngle=-40, labelFont=FONT))
    y_scale = alt.Scale(domain=[0, 100]) if kind == "proportion" else alt.Scale(zero=True)
    y = alt.Y("value:Q", title=title, scale=y_scale)
    statuses = [FINAL, PROVISIONAL] if provisional else [FINAL]
    band = (
        alt.Chart(alt.Data(values=values))  # type: ignore[no-untyped-call]
        .mark_area(opacity=0.25, color=BLUE)
        .encode(x=x, y=alt.Y("low:Q", title=title, scale=y_scale), y2="high:Q")
    )
    line = (
        alt.Chart(alt.Data(values=line_values))  # type: ignore[no-untyped-call]
        .mark_line(color=BLUE)
        .encode(
            x=x,
            y=y,
            strokeDash=alt.StrokeDash(
                "series:N",
                title=None,
                scale=alt.Scale(domain=statuses, range=[[1, 0], [5, 4]][: len(statuses)]),
                legend=alt.Legend(orient="bottom", labelFont=FONT, symbolStrokeColor=BLUE)
                if provisional
                else None,
            ),
        )
    )
    points = (
        alt.Chart(alt.Data(values=values))  # type: ignore[no-untyped-call]
        .mark_point(color=BLUE, size=40, strokeWidth=1.5, opacity=1)
        .encode(
            x=x,
            y=y,
            fill=alt.Fill(
                "status:N", scale=alt.Scale(domain=[FINAL, PROVISIONAL], range=[BLUE, "#ffffff"]), legend=None
            ),
        )
    )
    chart = (
        (band + line + points)
        .properties(width=width, height=height)
        .configure_axis(
            titleFont=FONT,
            labelFont=FONT,
            labelColor="#0b0c0c",
            titleColor="#0b0c0c",
        )
        .configure_view(stroke=None)
    )
    spec: dict[str, Any] = chart.to_dict(validate=False)
    return spec


@lru_cache(maxsize=1024)
def _svg(spec_json: str) -> str:
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(json.loads(spec_json))
    return svg


def render_svg(spec: dict[str, Any]) -> str:
    """The chart as SVG text (vl-convert, offline; the same specification is rendered once per process)."""
    return _svg(json.dumps(spec, sort_keys=True))


def svg_data_uri(svg: str) -> str:
    """An SVG as a data: address, for an <img> in a page or the PDF."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def trend_description(cells: Sequence[Cell]) -> str:
    """The text alternative of a trend chart: the first and last quarters with a value, in words."""
    shown = [cell for cell in cells if cell.has_value]
    name = cells[0].measure.name if cells else "The measure"
    if not shown:
        return f"{name}: no quarter has a figure that can be shown."
    first, last = shown[0], shown[-1]
    if first is last:
        return (
            f"{name}: {first.value_text} in {first.quarter.label}; "
            "no other quarter has a figure that can be shown."
        )
    provisional = [cell for cell in cells if cell.provisional and cell.has_value]
    caveat = (
        f" Figures from {provisional[0].quarter.label} are provisional and can still rise."
        if provisional and cells[0].measure.kind == "proportion"
        else f" Figures from {provisional[0].quarter.label} are provisional."
        if provisional
        else ""
    )
    return (
        f"{name} by quarter: {first.value_text} in {first.quarter.label} and {last.value_text} in "
        f"{last.quarter.label}.{caveat} The table gives every quarter with its 95% interval."
    )
