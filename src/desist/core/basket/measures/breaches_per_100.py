"""Compliance: referrals for breach (enforcement action started) for an unacceptable failure to comply, per
100 people under supervision (RULES.md §9)."""

from __future__ import annotations

from ..measure import Definition, Measure
from ._shared import enforcement_units

MEASURE = Measure(
    code="breaches_per_100",
    name="Breaches per 100 people supervised",
    area="Compliance",
    kind="per_100",
    definition=Definition(
        numerator="The number of referrals for breach (enforcement action started) for an unacceptable "
        "failure to comply dated in the quarter, to people supervised in it.",
        denominator="People under community supervision (a community or suspended sentence order, or a "
        "licence after release) on at least one day of the quarter, each counted once.",
        inclusions=(
            "Every referral counts, so one person can add more than one.",
            "District and priority groups are read on the first day of the quarter the person was "
            "supervised.",
        ),
        exclusions=("People in custody and not on licence.",),
        notes=(
            "The interval is Byar's approximation to the exact Poisson interval.",
            'Shows "no data" until enforcement actions are recorded in desist: a count of none could not be '
            "told from nothing recorded.",
        ),
    ),
    unit_noun="people supervised",
    missing="",
    requires=("enforcement",),
    sql=enforcement_units("breach"),
    higher_is_better=False,
    provisional_note="The quarter had not ended by the data's date: more actions can be recorded.",
)
