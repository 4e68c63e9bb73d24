"""docs/measures.md holds the basket's definitions exactly as the measure modules generate them."""

from __future__ import annotations

from pathlib import Path

from desist.core.basket.docs import definitions_markdown
from desist.core.basket.measures import BASKET

DOCS = Path(__file__).resolve().parents[3] / "docs" / "measures.md"


def test_the_documented_definitions_are_the_generated_ones() -> None:
    assert definitions_markdown() in DOCS.read_text(encoding="utf-8"), (
        "docs/measures.md is out of date: replace its generated block with "
        "`python -m desist.core.basket.docs`"
    )


def test_every_measure_is_fully_defined() -> None:
    codes = [m.code for m in BASKET]
    assert len(codes) == len(set(codes))
    for measure in BASKET:
        assert (
            measure.name and measure.area and measure.definition.numerator and measure.definition.denominator
        )
        assert measure.sql or measure.units is not None
        assert measure.requires
