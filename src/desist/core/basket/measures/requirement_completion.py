"""Requirements completed: every requirement of a community or suspended sentence order."""

from __future__ import annotations

from ..measure import Definition, Measure
from ._shared import completion_units

MEASURE = Measure(
    code="requirement_completion",
    name="Requirements completed",
    area="Completion",
    kind="proportion",
    definition=Definition(
        numerator="Requirements with the status completed.",
        denominator="Requirements whose end date fell in the quarter and whose status is completed or "
        "terminated.",
        inclusions=(
            "Every kind of requirement (Sentencing Act 2020; RULES.md §9).",
            "District and priority groups are read on the requirement's end date.",
        ),
        exclusions=(
            "Requirements still shown as active after their end date: counted in the data-quality note.",
        ),
    ),
    unit_noun="requirements ending",
    missing="were still shown as active after their end date",
    requires=("requirements",),
    sql=completion_units("TRUE"),
    higher_is_better=True,
)
