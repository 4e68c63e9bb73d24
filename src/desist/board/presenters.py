"""What the board's pages and the pack show of each measure: its latest figure, trend, chart and notes."""

from __future__ import annotations

from dataclasses import dataclass

from desist.core.basket import ALL, BoardView, Cell, Measure
from desist.core.basket.charts import render_svg, svg_data_uri, trend_description, trend_spec
from desist.priority.models import PriorityGroup


@dataclass
class Shown:
    """One measure on a page: its latest figure, the trend, the chart and what to say about it."""

    measure: Measure
    latest: Cell
    previous: Cell | None
    trend: list[Cell]
    notes: list[str]
    no_data: str
    chart: str  # a data: address of the SVG, empty without figures
    chart_text: str


def shown_measures(view: BoardView, *, charts: bool = True) -> list[Shown]:
    """Every measure of the basket as the view shows it."""
    shown = []
    for measure in view.measures:
        trend = view.trend(measure)
        latest = trend[-1]
        chart = ""
        if charts and not view.no_data(measure) and any(c.has_value for c in trend):
            chart = svg_data_uri(render_svg(trend_spec(trend)))
        shown.append(
            Shown(
                measure,
                latest,
                trend[-2] if len(trend) > 1 else None,
                trend,
                view.notes(measure, latest.quarter),
                view.no_data(measure),
                chart,
                trend_description(trend),
            )
        )
    return shown


def labels(view: BoardView) -> dict[str, str]:
    groups = dict(PriorityGroup.choices)
    return {
        "district": "All districts" if view.district == ALL else view.district,
        "group": "Everyone"
        if view.priority_group == ALL
        else groups.get(view.priority_group, view.priority_group),
    }
