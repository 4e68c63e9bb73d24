"""What the board's pages and the pack show of each measure: its latest figure, trend, chart and notes."""

from __future__ import annotations

from dataclasses import dataclass

from desist.board.charts import drawable, trend_charts
from desist.core.basket import ALL, BoardView, Cell, Measure
from desist.core.basket.charts import trend_description
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
    """Every measure of the basket as the view shows it; the charts read from those already rendered (one
    query), a chart never drawn before rendered now and kept (desist.board.charts)."""
    trends = [view.trend(measure) for measure in view.measures]
    drawn = [
        trend if charts and not view.no_data(measure) and drawable(trend) else []
        for measure, trend in zip(view.measures, trends, strict=True)
    ]
    svgs = trend_charts(drawn)
    return [
        Shown(
            measure,
            trend[-1],
            trend[-2] if len(trend) > 1 else None,
            trend,
            view.notes(measure, trend[-1].quarter),
            view.no_data(measure),
            chart,
            trend_description(trend),
        )
        for measure, trend, chart in zip(view.measures, trends, svgs, strict=True)
    ]


def labels(view: BoardView) -> dict[str, str]:
    groups = dict(PriorityGroup.choices)
    return {
        "district": "All districts" if view.district == ALL else view.district,
        "group": "Everyone"
        if view.priority_group == ALL
        else groups.get(view.priority_group, view.priority_group),
    }
