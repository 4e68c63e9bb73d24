"""Who a service takes, and how long its waiting list is: the one place these rules live."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PersonFacts:
    """What eligibility reads about a person on a date."""

    sex: str
    age: int | None
    rosh: str  # the current RoSH level, "" when none is known
    priority_groups: frozenset[str]


@dataclass(frozen=True)
class Eligibility:
    """Who a service takes; empty means anyone."""

    sexes: frozenset[str] = frozenset()
    min_age: int | None = None
    max_age: int | None = None
    risk_bands: frozenset[str] = frozenset()
    priority_groups: frozenset[str] = frozenset()


def age_on(date_of_birth: date | None, on: date) -> int | None:
    if date_of_birth is None:
        return None
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def eligibility_reasons(rule: Eligibility, person: PersonFacts) -> list[str]:
    """Why the person does not fit the service, in words; an empty list means they fit.

    An unknown age or RoSH level does not fit a service that asks for one: the referrer is told what is
    missing."""
    reasons = []
    if rule.sexes and person.sex not in rule.sexes:
        reasons.append(f"The service is for {' or '.join(sorted(rule.sexes))} people only.")
    if rule.min_age is not None or rule.max_age is not None:
        low, high = rule.min_age or 0, rule.max_age
        if person.age is None:
            reasons.append("The service has an age range and the person's date of birth is not known.")
        elif person.age < low or (high is not None and person.age > high):
            span = f"{low} to {high}" if high is not None else f"{low} and over"
            reasons.append(f"The service is for people aged {span}; the person is {person.age}.")
    if rule.risk_bands:
        bands = ", ".join(b.replace("_", " ") for b in sorted(rule.risk_bands))
        if not person.rosh:
            reasons.append(f"The service takes risk of serious harm {bands} and no RoSH level is recorded.")
        elif person.rosh not in rule.risk_bands:
            reasons.append(
                f"The service takes risk of serious harm {bands}; "
                f"the person is {person.rosh.replace('_', ' ')}."
            )
    if rule.priority_groups and not (rule.priority_groups & person.priority_groups):
        groups = ", ".join(g.replace("_", " ") for g in sorted(rule.priority_groups))
        reasons.append(f"The service is for people in these priority groups: {groups}.")
    return reasons


def weekly_throughput(finished: int, weeks: int) -> float:
    """Places that came free a week: referrals completed or ended over the last `weeks` weeks."""
    return finished / weeks if weeks > 0 else 0.0


def expected_wait_weeks(position: int, *, free_places: int, throughput: float) -> int | None:
    """Weeks until the referral at `position` (1 is next) starts: none if a place is free for it now, else the
    places ahead of it divided by the weekly throughput, rounded up; None when nothing has come free
    lately."""
    ahead = position - max(free_places, 0)
    if ahead <= 0:
        return 0
    if throughput <= 0:
        return None
    return math.ceil(ahead / throughput)
