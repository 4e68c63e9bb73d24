"""IOM cohort: proven offences in the 12 months before and after adoption."""

from __future__ import annotations

from ..measure import Definition, Measure
from ._shared import iom_before_after

MEASURE = Measure(
    code="iom_offending",
    name="IOM cohort: proven offences before and after adoption",
    area="IOM cohort",
    kind="before_after",
    definition=Definition(
        numerator="Proven offences committed in the 12 months after adoption (proven by the data's date).",
        denominator="Proven offences committed in the 12 months up to and including the day of adoption.",
        inclusions=(
            "People adopted onto the IOM cohort in the quarter, in any strand.",
            "The value is the change: after ÷ before − 1 (−40% means 40% fewer offences).",
            "District and priority groups are read on the adoption day.",
        ),
        exclusions=(
            "People whose 12 months after adoption had not ended by the data's date: counted in the "
            "data-quality note.",
        ),
        notes=(
            "Offences committed late in the 12 months may still be proven later, so a recent quarter's "
            "change can still rise.",
            "A fall is expected even without IOM (people are adopted at a peak of their offending, and "
            "regress to the mean); compare with a matched group before crediting the programme.",
        ),
    ),
    unit_noun="people adopted",
    missing="had not yet had 12 months since adoption",
    requires=("iom_cohort",),
    sql=iom_before_after("1.0"),
    higher_is_better=False,
    provisional_note="Offences committed after adoption can still be proven until 18 months after it.",
)
