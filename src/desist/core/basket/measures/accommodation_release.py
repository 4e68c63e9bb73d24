"""Settled accommodation on release from custody: the share of releases from custody where the person was in
settled accommodation."""

from __future__ import annotations

from ..measure import Definition, Measure
from ._shared import starting_units, status_units

MEASURE = Measure(
    code="accommodation_release",
    name="Settled accommodation on release from custody",
    area="Accommodation",
    kind="proportion",
    definition=Definition(
        numerator="Those whose latest accommodation status recorded at release from that sentence says "
        "settled accommodation.",
        denominator="Releases from custodial sentences in the quarter (the actual release date), with an "
        "accommodation status recorded at release.",
        inclusions=(
            "Settled: a home the person can expect to stay in (their own tenancy or home, living with "
            "family or friends long-term, supported housing) as the recording officer judged it.",
            "District and priority groups are read on the release date.",
        ),
        exclusions=(
            "Those with no accommodation status recorded at release: counted in the data-quality note.",
        ),
    ),
    unit_noun="releases from custody",
    missing="had no accommodation status recorded at release",
    requires=("statuses",),
    sql=status_units(topic="accommodation", stage="release", units=starting_units("release")),
    higher_is_better=True,
)
