"""Charts render offline to SVG, leave suppressed quarters out and describe themselves in words."""

from __future__ import annotations

from desist.core.basket import BoardView
from desist.core.basket.charts import render_svg, svg_data_uri, trend_description, trend_spec
from desist.core.basket.measures import BY_CODE

from .test_basket import AS_OF, Q1, hand_built


def test_a_trend_renders_to_svg_without_the_suppressed_values() -> None:
    from desist.core.basket import BasketInputs, basket

    result = basket(BasketInputs(hand_built()), Q1.last(2), as_of=AS_OF)
    public = BoardView(result, analyst=False)
    cells = public.trend(BY_CODE["proven_reoffending"])
    spec = trend_spec(cells)
    values = spec["layer"][0]["data"]["values"]
    assert all(v["value"] is None for v in values)  # 1 of 3: withheld
    assert "no quarter has a figure that can be shown" in trend_description(cells)
    analyst = BoardView(result, analyst=True).trend(BY_CODE["proven_reoffending"])
    svg = render_svg(trend_spec(analyst))
    assert svg.startswith("<svg") and "Per cent" in svg
    assert svg_data_uri(svg).startswith("data:image/svg+xml;base64,")
    assert "33.3% in January to March 2024" in trend_description(analyst)


def _layers(spec: dict) -> list[dict]:
    return spec["layer"]


def test_provisional_quarters_are_drawn_apart_from_final_ones() -> None:
    """A provisional fall from 58% is drawn dashed to hollow points, with a legend saying "Provisional";
    the final quarters solid with filled points (issue 17)."""
    from dataclasses import replace

    from desist.core.basket import BasketInputs, basket
    from desist.core.basket.charts import PROVISIONAL, trend_key

    result = basket(BasketInputs(hand_built()), Q1.last(4), as_of=AS_OF)
    cells = BoardView(result, analyst=True).trend(BY_CODE["proven_reoffending"])
    cells = [
        replace(cell, rate=0.583 - 0.2 * i, low=None, high=None, provisional=i >= 2, units=10)
        for i, cell in enumerate(cells)
    ]
    spec = trend_spec(cells)
    line = next(layer for layer in _layers(spec) if layer["mark"]["type"] == "line")
    dash = line["encoding"]["strokeDash"]
    assert dash["field"] == "series" and dash["scale"]["domain"] == ["Final", "Provisional"]
    assert dash["scale"]["range"][0] == [1, 0] and dash["scale"]["range"][1] != [1, 0]  # solid, then dashed
    assert dash["legend"] is not None  # the legend names the provisional line
    series = [(v["quarter"], v["series"]) for v in line["data"]["values"]]
    provisional_line = [q for q, s in series if s == PROVISIONAL]
    assert provisional_line[-1] == cells[1].quarter.short_label  # the dashed line starts at the last final
    points = next(layer for layer in _layers(spec) if layer["mark"]["type"] == "point")
    fill = points["encoding"]["fill"]
    assert fill["field"] == "status" and fill["scale"]["range"][1] == "#ffffff"  # hollow provisional points
    assert [v["status"] for v in points["data"]["values"]] == ["Final", "Final", "Provisional", "Provisional"]
    assert "Provisional" in render_svg(spec)
    # Nothing provisional: no legend, one solid line; and the chart's key changes with what it draws.
    final = [replace(cell, provisional=False) for cell in cells]
    line = next(layer for layer in _layers(trend_spec(final)) if layer["mark"]["type"] == "line")
    assert line["encoding"]["strokeDash"]["legend"] is None
    assert trend_key(final) != trend_key(cells) and trend_key(cells) == trend_key(list(cells))
