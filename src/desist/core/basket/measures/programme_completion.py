"""Accredited programmes completed."""

from __future__ import annotations

from ..measure import Definition, Measure
from ._shared import completion_units

MEASURE = Measure(
    code="programme_completion",
    name="Accredited programmes completed",
    area="Completion",
    kind="proportion",
    definition=Definition(
        numerator="Programme requirements with the status completed.",
        denominator="Accredited programme requirements whose end date fell in the quarter and whose status "
        "is completed or terminated.",
        inclusions=("District and priority groups are read on the requirement's end date.",),
        exclusions=(
            "Programme requirements still shown as active after their end date: counted in the "
            "data-quality note.",
        ),
    ),
    unit_noun="programme requirements ending",
    missing="were still shown as active after their end date",
    requires=("requirements",),
    sql=completion_units("r.kind = 'programme'"),
    higher_is_better=True,
)
