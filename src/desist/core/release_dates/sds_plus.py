"""Whether a standard sentence is SDS+: released at two-thirds (CJA 2003 s.244ZA, Sentencing Code s.264A).

The prison records the offence's PCSC lists (from the offence's schedule); the rule is then dates and lengths:

- list A (a violent or sexual offence carrying life), 7 years or more, passed from 1 April 2020 (SDS+ began);
- list D (further offences carrying life), 7 years or more, passed from 28 June 2022 (the PCSC Act 2022);
- list B (violent or sexual offences with a maximum of life), 4 to under 7 years, passed from 28 June 2022;
- list C, detention of a child under s.250 of 7 years or more, passed from 28 June 2022.

"Eligible" says the offence, type and length are of the SDS+ kind whenever passed: such sentences get no HDC
and the progression model leaves them out ("would be SDS+ if sentenced today"), as in the MoJ calculator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from desist.core.release_dates.duration import Duration, add_months, add_years
from desist.core.release_dates.legislation import PCSC, SDS_PLUS


@dataclass(frozen=True)
class SdsPlus:
    """The answer and why."""

    applies: bool
    eligible: bool
    reason: str


def sds_plus(
    sentenced_on: date, length: Duration, lists: frozenset[str], section_250: bool = False
) -> SdsPlus:
    """Whether a standard sentence (or s.250 detention) of ``length`` for an offence on ``lists`` is SDS+."""
    # The length as a calendar period from the sentence date, compared with 4 and 7 years the same way.
    end = add_months(sentenced_on, 12 * length.years + length.months) + timedelta(
        weeks=length.weeks, days=length.days
    )
    seven = end >= add_years(sentenced_on, 7)
    four_to_seven = add_years(sentenced_on, 4) <= end < add_years(sentenced_on, 7)
    after_pcsc = sentenced_on >= PCSC
    if section_250:
        eligible = seven and "C" in lists
        return SdsPlus(eligible and after_pcsc, eligible, "s.250, list C, 7 years or more, from 28 June 2022")
    if seven and lists & {"A", "D"}:
        if after_pcsc:
            return SdsPlus(True, True, "7 years or more for a list A or D offence, from 28 June 2022")
        in_window = "A" in lists and sentenced_on >= SDS_PLUS
        return SdsPlus(in_window, True, "7 years or more for a list A offence, from 1 April 2020")
    if four_to_seven and "B" in lists:
        return SdsPlus(after_pcsc, True, "4 to under 7 years for a list B offence, from 28 June 2022")
    return SdsPlus(False, False, "not an SDS+ offence, type and length")
