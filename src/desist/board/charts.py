"""The board's trend charts, rendered once and kept in the database (``BasketChart``) for every process.

A chart is found by a SHA-256 of what it draws (``trend_key``), so finding one needs neither Altair nor
vl-convert: a page reads all its charts in one query, and only a chart never drawn before is rendered (and
kept). The background refresh of the basket renders the charts of the views people open most, so the board
and its packs rarely render any on a request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.utils import timezone

from desist.board.models import BasketChart
from desist.core.basket import Cell
from desist.core.basket.charts import render_svg, svg_data_uri, trend_key, trend_spec

KEEP_DAYS = 35  # charts not rendered again for this long are dropped (they are rendered again when needed)


def drawable(trend: Sequence[Cell]) -> bool:
    return any(cell.has_value for cell in trend)


def trend_charts(trends: Sequence[Sequence[Cell]]) -> list[str]:
    """Each trend's chart as a data: address ("" for a trend with nothing to draw): one query for those
    already rendered; the others rendered now and kept."""
    keys = [trend_key(trend) if drawable(trend) else "" for trend in trends]
    wanted = {key for key in keys if key}
    found = dict(BasketChart.objects.filter(key__in=wanted).values_list("key", "svg")) if wanted else {}
    new = []
    for key, trend in zip(keys, trends, strict=True):
        if key and key not in found:
            found[key] = render_svg(trend_spec(trend))
            new.append(BasketChart(key=key, svg=found[key]))
    if new:
        BasketChart.objects.bulk_create(new, ignore_conflicts=True)
    return [svg_data_uri(found[key]) if key else "" for key in keys]


def charts_prune() -> int:
    """Drop the charts not rendered in the last KEEP_DAYS days."""
    deleted, _ = BasketChart.objects.filter(
        rendered_at__lt=timezone.now() - timedelta(days=KEEP_DAYS)
    ).delete()
    return deleted
