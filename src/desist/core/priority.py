"""Who is in each priority group, and when: the rules in one place (issue 3 §3; the seeds' Kent and
Medway plan). Each rule is a plain function over a person's facts that returns dated periods.

Each group, its rule and, where it has one, its setting:

- IOM cohort: while on the IOM register (the cohort decisions keep it).
- Troubled family: while their family meets the Troubled Families criteria (desist.families: from the
  earliest record behind the criteria met, no earlier than the criteria's window), or while a troubled-family
  flag is recorded for them. Setting: DESIST_TF_PRIORITY_PROGRAMME = "2012".
- Young person: aged 16 to 24 with a proven offence: from the later of the 16th birthday and the first
  proven offence, to the day before the 25th birthday. Setting: DESIST_YOUNG_PERSON_AGES = (16, 24).
- Woman offender: a woman, from her first proven offence.
- ASB perpetrator: while an ASB case, injunction or behaviour order is recorded (ASB register).
- DA perpetrator: while on the domestic abuse perpetrator register, and for N years after each
  domestic-abuse-flagged proven offence. Setting: DESIST_DA_OFFENCE_YEARS = 3.
- MAPPA: while on the MAPPA register (category and level in the basis).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    group: str
    start: date
    end: date | None
    basis: str


@dataclass
class GroupFacts:
    person_id: int
    sex: str
    date_of_birth: date | None
    # (kind, start, end, mappa_category, mappa_level)
    registers: list[tuple[str, date, date | None, int | None, int | None]] = field(default_factory=list)
    # (offence_date, outcome_date, domestic_abuse)
    offences: list[tuple[date, date, bool]] = field(default_factory=list)
    # When their family's Troubled Families assessment says it meets the criteria: (since, programme)
    troubled_family: tuple[date, str] | None = None


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def merge(periods: list[Period]) -> list[Period]:
    """Join overlapping or touching periods of the same group, keeping the first basis."""
    merged: list[Period] = []
    for period in sorted(periods, key=lambda p: (p.group, p.start)):
        last = merged[-1] if merged else None
        if (
            last
            and last.group == period.group
            and (last.end is None or period.start <= last.end + timedelta(days=1))
        ):
            end = None if last.end is None or period.end is None else max(last.end, period.end)
            merged[-1] = Period(last.group, last.start, end, last.basis)
        else:
            merged.append(period)
    return merged


def _register_periods(facts: GroupFacts, kind: str, group: str, label: str) -> list[Period]:
    periods = []
    for register_kind, start, end, category, level in facts.registers:
        if register_kind == kind:
            detail = f" (category {category}, level {level})" if kind == "mappa" else ""
            periods.append(Period(group, start, end, f"{label}{detail} from {start:%d %b %Y}"))
    return periods


def young_person(facts: GroupFacts, ages: tuple[int, int]) -> list[Period]:
    if facts.date_of_birth is None or not facts.offences:
        return []
    first, last = ages
    first_offence = min(outcome for _, outcome, _ in facts.offences)
    start = max(_add_years(facts.date_of_birth, first), first_offence)
    end = _add_years(facts.date_of_birth, last + 1) - timedelta(days=1)
    if start > end:
        return []
    return [
        Period(
            "young_person",
            start,
            end,
            f"Aged {first} to {last} (born {facts.date_of_birth:%d %b %Y}) with a proven offence",
        )
    ]


def woman(facts: GroupFacts) -> list[Period]:
    if facts.sex != "female" or not facts.offences:
        return []
    first = min(outcome for _, outcome, _ in facts.offences)
    return [Period("woman", first, None, f"A woman with a proven offence from {first:%d %b %Y}")]


def da_perpetrator(facts: GroupFacts, offence_years: int) -> list[Period]:
    periods = _register_periods(
        facts, "domestic_abuse_perpetrator", "da_perpetrator", "On the domestic abuse perpetrator register"
    )
    for _offence_date, outcome_date, domestic_abuse in facts.offences:
        if domestic_abuse:
            periods.append(
                Period(
                    "da_perpetrator",
                    outcome_date,
                    _add_years(outcome_date, offence_years) - timedelta(days=1),
                    f"Domestic abuse offence proven {outcome_date:%d %b %Y} "
                    f"(counts for {offence_years} years)",
                )
            )
    return periods


def troubled_family(facts: GroupFacts) -> list[Period]:
    """A member of a family that meets the Troubled Families criteria, or flagged as one by an agency."""
    periods = _register_periods(facts, "troubled_family", "troubled_family", "Troubled family flag")
    if facts.troubled_family is not None:
        since, programme = facts.troubled_family
        periods.append(
            Period(
                "troubled_family",
                since,
                None,
                f"Family meets the Troubled Families {programme} criteria (records from {since:%d %b %Y})",
            )
        )
    return periods


def periods_for(
    facts: GroupFacts, *, young_person_ages: tuple[int, int] = (16, 24), da_offence_years: int = 3
) -> list[Period]:
    """Every priority group period for one person, merged."""
    periods = [
        *_register_periods(facts, "iom", "iom", "On the IOM cohort"),
        *troubled_family(facts),
        *young_person(facts, young_person_ages),
        *woman(facts),
        *_register_periods(facts, "asb", "asb_perpetrator", "ASB case or order recorded"),
        *da_perpetrator(facts, da_offence_years),
        *_register_periods(facts, "mappa", "mappa", "MAPPA"),
    ]
    return merge(periods)
