"""Settled accommodation at the end of supervision."""

from __future__ import annotations

from ..measure import Definition, Measure
from ._shared import ENDING_UNITS, status_units

MEASURE = Measure(
    code="accommodation_termination",
    name="Settled accommodation at the end of supervision",
    area="Accommodation",
    kind="proportion",
    definition=Definition(
        numerator="Those whose latest accommodation status recorded at the end (termination) of that "
        "sentence's supervision says settled accommodation.",
        denominator="Supervision that ended in the quarter (an order reaching its end date or revoked early, "
        "or a licence expiring), with an accommodation status recorded at the end.",
        inclusions=(
            "Settled as for the start of supervision.",
            "District and priority groups are read on the day supervision ended.",
        ),
        exclusions=(
            "Those with no accommodation status recorded at the end: counted in the data-quality note.",
        ),
    ),
    unit_noun="periods of supervision ending",
    missing="had no accommodation status recorded at the end",
    requires=("statuses",),
    sql=status_units(topic="accommodation", stage="termination", units=ENDING_UNITS),
    higher_is_better=True,
)
