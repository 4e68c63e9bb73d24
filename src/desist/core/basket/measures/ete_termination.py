"""Employment, training or education at the end of supervision (the plan's "sustainable employment")."""

from __future__ import annotations

from ..measure import Definition, Measure
from ._shared import ENDING_UNITS, status_units

MEASURE = Measure(
    code="ete_termination",
    name="In employment, training or education at the end of supervision",
    area="Employment",
    kind="proportion",
    definition=Definition(
        numerator="Those whose latest employment status recorded at the end (termination) of that sentence's "
        "supervision says employed, self-employed, in training or in education.",
        denominator="Supervision that ended in the quarter (an order reaching its end date or revoked early, "
        "or a licence expiring), with an employment status recorded at the end.",
        inclusions=("District and priority groups are read on the day supervision ended.",),
        exclusions=(
            "Those with no employment status recorded at the end: counted in the data-quality note.",
            "People above state pension age or unable to work are still counted: record them as not in "
            "employment, training or education.",
        ),
    ),
    unit_noun="periods of supervision ending",
    missing="had no employment status recorded at the end",
    requires=("statuses",),
    sql=status_units(topic="ete", stage="termination", units=ENDING_UNITS),
    higher_is_better=True,
)
