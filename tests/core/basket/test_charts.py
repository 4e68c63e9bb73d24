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
    values = spec["datasets"][next(iter(spec["datasets"]))] if "datasets" in spec else spec["data"]["values"]
    assert all(v["value"] is None for v in values)  # 1 of 3: withheld
    assert "no quarter has a figure that can be shown" in trend_description(cells)
    analyst = BoardView(result, analyst=True).trend(BY_CODE["proven_reoffending"])
    svg = render_svg(trend_spec(analyst))
    assert svg.startswith("<svg") and "Per cent" in svg
    assert svg_data_uri(svg).startswith("data:image/svg+xml;base64,")
    assert "33.3% in January to March 2024" in trend_description(analyst)
