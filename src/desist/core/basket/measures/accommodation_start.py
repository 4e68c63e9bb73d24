"""Settled accommodation at the start of supervision: the share of orders starting where the person was in
settled accommodation."""

from __future__ import annotations

from ..measure import Definition, Measure
from ._shared import starting_units, status_units

MEASURE = Measure(
    code="accommodation_start",
    name="Settled accommodation at the start of supervision",
    area="Accommodation",
    kind="proportion",
    definition=Definition(
        numerator="Those whose latest accommodation status recorded at the start of that sentence's "
        "supervision says settled accommodation.",
        denominator="Community and suspended sentence orders whose supervision started in the quarter, "
        "with an accommodation status recorded at the start.",
        inclusions=(
            "Settled: a home the person can expect to stay in (their own tenancy or home, living with "
            "family or friends long-term, supported housing) as the recording officer judged it.",
            "District and priority groups are read on the start date.",
        ),
        exclusions=(
            "Those with no accommodation status recorded at the start: counted in the data-quality note.",
        ),
    ),
    unit_noun="orders starting",
    missing="had no accommodation status recorded at the start",
    requires=("statuses",),
    sql=status_units(topic="accommodation", stage="start", units=starting_units("start")),
    higher_is_better=True,
)
