"""Who a service takes, and how long its waiting list is: the one place these rules live."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from desist.core.sharing import ALL, FAMILY, HEALTH, IDENTITY, RISK

# What a referral's need says of the person, by sharing category (core.sharing): a referral for health, or for
# drugs and alcohol, is health data (that someone is referred to a drug service says they use drugs); one for
# children and families is family data. The other pathways hold none beyond the referral itself.
NEED_CATEGORIES: dict[str, frozenset[str]] = {
    "health": frozenset({HEALTH}),
    "drugs_alcohol": frozenset({HEALTH}),
    "children_families_community": frozenset({FAMILY}),
}


def need_categories(need: str) -> frozenset[str]:
    """The sharing categories a referral for this need holds of its person (none beyond the referral)."""
    return NEED_CATEGORIES.get(need, frozenset())


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


def eligibility_reasons(rule: Eligibility, person: PersonFacts, shared: frozenset[str] = ALL) -> list[str]:
    """Why the person does not fit the service, in words; an empty list means they fit.

    An unknown age or RoSH level does not fit a service that asks for one: the referrer is told what is
    missing. The rule reads the person's facts whatever is shared; the words give only what `shared` (the
    reader's categories of this person, sharing.selectors.shared_categories) allows: sex and age are identity,
    the RoSH level is risk, and a withheld one is said to be not shared, never shown."""
    reasons = []
    identity, risk = IDENTITY in shared, RISK in shared
    if rule.sexes and person.sex not in rule.sexes:
        reasons.append(
            f"The service is for {' or '.join(sorted(rule.sexes))} people only."
            + ("" if identity else " The person's sex is not shared with your agency.")
        )
    if rule.min_age is not None or rule.max_age is not None:
        low, high = rule.min_age or 0, rule.max_age
        span = f"{low} to {high}" if high is not None else f"{low} and over"
        if person.age is None or not (low <= person.age and (high is None or person.age <= high)):
            if not identity:
                reasons.append(
                    f"The service is for people aged {span}; the person's age is not shared with your agency."
                )
            elif person.age is None:
                reasons.append("The service has an age range and the person's date of birth is not known.")
            else:
                reasons.append(f"The service is for people aged {span}; the person is {person.age}.")
    if rule.risk_bands:
        bands = ", ".join(b.replace("_", " ") for b in sorted(rule.risk_bands))
        if person.rosh in rule.risk_bands:
            pass
        elif not risk:
            reasons.append(
                f"The service takes risk of serious harm {bands}; "
                "the person's RoSH level is not shared with your agency."
            )
        elif not person.rosh:
            reasons.append(f"The service takes risk of serious harm {bands} and no RoSH level is recorded.")
        else:
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
