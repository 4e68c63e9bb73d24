"""The partnership's meetings as plain rules: how often a series meets (a cadence named in the settings), the
next dates after a day, and which agencies a MAPPA meeting invites (RULES.md §6; Criminal Justice Act 2003
ss.325-327: the responsible authority and the agencies with a duty to co-operate)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

WEEKLY = "weekly"
FORTNIGHTLY = "fortnightly"
MONTHLY = "monthly"
QUARTERLY = "quarterly"
CADENCES = (WEEKLY, FORTNIGHTLY, MONTHLY, QUARTERLY)

# The MAPPA responsible authority (CJA 2003 s.325(1)): police, probation and prisons.
RESPONSIBLE_AUTHORITY = frozenset({"police", "probation", "prison"})
# The duty-to-co-operate agencies (CJA 2003 s.325(6)) as desist's agency kinds: youth offending teams,
# Jobcentre Plus, the local authority's housing, education and social services, health bodies. The
# electronic monitoring provider and the Home Office's immigration teams are not the partnership's.
DUTY_TO_COOPERATE = frozenset(
    {"youth_justice", "job_centre", "housing", "social_care", "health", "council_community_safety"}
)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_date(day: date, cadence: str) -> date:
    """The meeting after one held on `day`, at the cadence: a week, two weeks, a calendar month (the same day,
    or the month's last when it is shorter) or three months later."""
    if cadence == WEEKLY:
        return day + timedelta(days=7)
    if cadence == FORTNIGHTLY:
        return day + timedelta(days=14)
    if cadence == MONTHLY:
        return _add_months(day, 1)
    if cadence == QUARTERLY:
        return _add_months(day, 3)
    raise ValueError(f"Unknown cadence {cadence!r}: one of {', '.join(CADENCES)}")


def dates_between(first: date, last: date, cadence: str) -> list[date]:
    """Every meeting date from `first` to `last` (both included) at the cadence. A monthly series keeps the
    first date's day of the month, so 31 January is followed by 29 February and then 31 March."""
    days: list[date] = []
    n = 0
    day = first
    while day <= last:
        days.append(day)
        n += 1
        if cadence == MONTHLY:
            day = _add_months(first, n)
        elif cadence == QUARTERLY:
            day = _add_months(first, 3 * n)
        else:
            day = next_date(day, cadence)
    return days


def mappa_invited(agency_kind: str) -> bool:
    """Whether a MAPPA meeting invites an agency of this kind: the responsible authority or a duty to
    co-operate."""
    return agency_kind in RESPONSIBLE_AUTHORITY or agency_kind in DUTY_TO_COOPERATE
