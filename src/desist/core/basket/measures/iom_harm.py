"""IOM cohort: crime harm in the 12 months before and after adoption."""

from __future__ import annotations

from ..measure import Definition, Measure
from ._shared import iom_before_after

MEASURE = Measure(
    code="iom_harm",
    name="IOM cohort: crime harm before and after adoption",
    area="IOM cohort",
    kind="before_after",
    definition=Definition(
        numerator="The crime harm (days of custody, from the crime harm table of docs/iom.md) of proven "
        "offences committed in the 12 months after adoption (proven by the data's date).",
        denominator="The crime harm of proven offences committed in the 12 months up to and including the "
        "day of adoption.",
        inclusions=(
            "People adopted onto the IOM cohort in the quarter, in any strand.",
            "The value is the change: after ÷ before − 1.",
            "District and priority groups are read on the adoption day.",
        ),
        exclusions=(
            "People whose 12 months after adoption had not ended by the data's date: counted in the "
            "data-quality note.",
            "Offences whose code has no row in the crime harm table add no harm (counted in a note).",
        ),
        notes=("The crime harm table holds illustrative defaults for the partnership to set (docs/iom.md).",),
    ),
    unit_noun="people adopted",
    missing="had not yet had 12 months since adoption",
    requires=("iom_cohort",),
    sql=iom_before_after("COALESCE(o.harm_days, 0.0)"),
    higher_is_better=False,
    provisional_note="Offences committed after adoption can still be proven until 18 months after it.",
)
