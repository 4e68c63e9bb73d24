"""The Troubled Families criteria (RULES.md §10), 2012 and 2015 versions, as pure functions.

Each criterion returns *met*, *not met* or *no data recorded*, with the evidence behind it (which member,
which record, which dates). "No data recorded" is said where desist holds no record that could show the
criterion either way: for school attendance when a child of school age has no school record, and for
out-of-work benefits when no member has a job centre (employment and benefits) involvement, because the
job centre shares only the people it works with, so silence is not evidence of work.

2012 programme: a family qualifies on all three of (1) crime or anti-social behaviour, (2) school
attendance or exclusion, (3) an adult on out-of-work benefits; or on two of them plus a local-discretion
criterion (``TroubledFamiliesSettings.local_discretion``: need domains chosen by the partnership).
2015 expanded programme: two or more of six problems.

Readings of the published text (settings, documented in docs/families.md):

- "in the last 12 months" and "current" read as any record overlapping the ``window_days`` before the
  date of assessment (365);
- a child is under 18 on the date (of the offence, for crime); school age is 5 to 15 on the date;
- persistent absence is 15% or more unauthorised absence over three terms; excluded is 3 or more
  fixed-term exclusions over three terms, or a permanent exclusion (the 2015 programme uses the same
  thresholds here unless ``absence_percent_2015`` is set otherwise);
- out-of-work benefits: an adult with an involvement in the employment and benefits need domain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from desist.core.families import NEED_DOMAINS, Evidence, MemberFacts, overlaps

MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"
STATUS_LABELS = {MET: "Met", NOT_MET: "Not met", NO_DATA: "No data recorded"}


@dataclass(frozen=True)
class TroubledFamiliesSettings:
    window_days: int = 365
    absence_percent: float = 15.0
    absence_percent_2015: float = 15.0
    fixed_term_exclusions: int = 3
    school_ages: tuple[int, int] = (5, 15)
    adult_age: int = 18
    local_discretion: tuple[str, ...] = (
        "domestic_abuse",
        "mental_health",
        "substance_misuse",
        "childrens_social_care",
    )


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    status: str
    evidence: tuple[Evidence, ...] = ()
    note: str = ""

    @property
    def met(self) -> bool:
        return self.status == MET

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class Programme:
    version: str  # "2012" or "2015"
    criteria: tuple[Criterion, ...]
    qualifies: bool
    reason: str

    @property
    def met_count(self) -> int:
        return sum(c.met for c in self.criteria)


def _status(evidence: list[Evidence]) -> str:
    return MET if evidence else NOT_MET


def _domain_evidence(
    members: Sequence[MemberFacts],
    domains: Sequence[str],
    since: date,
    as_of: date,
    *,
    min_age: int | None = None,
    max_age: int | None = None,
) -> list[Evidence]:
    """Involvements and register entries in these need domains during the window."""
    out: list[Evidence] = []
    for member in members:
        age = member.age_on(as_of)
        if min_age is not None and (age is None or age < min_age):
            continue
        if max_age is not None and (age is None or age > max_age):
            continue
        for inv in member.involvements:
            if inv.domain in domains and overlaps(inv.start, inv.end, since, as_of):
                out.append(
                    Evidence(
                        member.person_id,
                        "involvement",
                        inv.record_id,
                        f"{NEED_DOMAINS[inv.domain]}: {inv.agency_name}, {inv.reason}",
                        inv.start,
                        inv.end,
                    )
                )
        for reg in member.registers:
            if reg.domain in domains and overlaps(reg.start, reg.end, since, as_of):
                out.append(
                    Evidence(
                        member.person_id,
                        "register",
                        reg.record_id,
                        f"{NEED_DOMAINS[reg.domain]}: on the {reg.label} register",
                        reg.start,
                        reg.end,
                    )
                )
    return out


def crime_or_asb(
    members: Sequence[MemberFacts],
    *,
    as_of: date,
    settings: TroubledFamiliesSettings,
    children_only: bool = True,
) -> Criterion:
    """2012 (1): a child with a proven offence, or anyone with anti-social behaviour, in the window.
    2015 (1) (``children_only=False``): anyone with a proven offence or anti-social behaviour."""
    since = as_of - timedelta(days=settings.window_days)
    evidence: list[Evidence] = []
    for member in members:
        for offence in member.offences:
            if not since <= offence.outcome_date <= as_of:
                continue
            age = member.age_on(offence.offence_date)
            if children_only and (age is None or age >= settings.adult_age):
                continue
            who = f"aged {age} at the offence" if age is not None else "age not recorded"
            evidence.append(
                Evidence(
                    member.person_id,
                    "offence",
                    offence.record_id,
                    f"Proven offence ({who})",
                    offence.offence_date,
                    offence.outcome_date,
                )
            )
    evidence += _domain_evidence(members, ("asb",), since, as_of)
    label = (
        "A child involved in crime, or anyone in anti-social behaviour"
        if children_only
        else "Crime or anti-social behaviour"
    )
    return Criterion("crime_asb", label, _status(evidence), tuple(evidence))


def school(
    members: Sequence[MemberFacts],
    *,
    as_of: date,
    settings: TroubledFamiliesSettings,
    absence_percent: float | None = None,
) -> Criterion:
    """2012 (2) and 2015 (2): a child of school age persistently absent or excluded over three terms."""
    threshold = settings.absence_percent if absence_percent is None else absence_percent
    low, high = settings.school_ages
    since = as_of - timedelta(days=settings.window_days)
    evidence: list[Evidence] = []
    without_record: list[int] = []
    children = 0
    for member in members:
        age = member.age_on(as_of)
        if age is None or not low <= age <= high:
            continue
        children += 1
        records = [s for s in member.school if overlaps(s.period_start, s.period_end, since, as_of)]
        if not records:
            without_record.append(member.person_id)
        for record in records:
            reasons = []
            if (
                record.unauthorised_absence_percent is not None
                and record.unauthorised_absence_percent >= threshold
            ):
                reasons.append(f"{record.unauthorised_absence_percent:g}% unauthorised absence")
            if record.fixed_term_exclusions >= settings.fixed_term_exclusions:
                reasons.append(f"{record.fixed_term_exclusions} fixed-term exclusions")
            if record.permanently_excluded:
                reasons.append("permanently excluded")
            if reasons:
                evidence.append(
                    Evidence(
                        member.person_id,
                        "school",
                        record.record_id,
                        f"Over three terms: {', '.join(reasons)}",
                        record.period_start,
                        record.period_end,
                    )
                )
    label = f"A child persistently absent ({threshold:g}%+ unauthorised) or excluded"
    if evidence:
        return Criterion("school", label, MET, tuple(evidence))
    if children == 0:
        return Criterion("school", label, NOT_MET, note="No child of school age in the family")
    if without_record:
        return Criterion(
            "school",
            label,
            NO_DATA,
            note=f"No school record for {len(without_record)} child"
            f"{'ren' if len(without_record) != 1 else ''} of school age",
            evidence=tuple(Evidence(pk, "school", None, "No school record") for pk in without_record),
        )
    return Criterion("school", label, NOT_MET)


def out_of_work(
    members: Sequence[MemberFacts],
    *,
    as_of: date,
    settings: TroubledFamiliesSettings,
    label: str = "An adult on out-of-work benefits",
) -> Criterion:
    """2012 (3) and 2015 (4): an adult with an involvement in the employment and benefits domain."""
    since = as_of - timedelta(days=settings.window_days)
    evidence = _domain_evidence(members, ("employment_benefits",), since, as_of, min_age=settings.adult_age)
    if evidence:
        return Criterion("out_of_work", label, MET, tuple(evidence))
    return Criterion(
        "out_of_work",
        label,
        NO_DATA,
        note="No out-of-work benefit claim recorded: the job centre shares only the people it works with",
    )


def _domains_criterion(
    code: str,
    label: str,
    domains: Sequence[str],
    members: Sequence[MemberFacts],
    *,
    as_of: date,
    settings: TroubledFamiliesSettings,
    domestic_offences: bool = False,
) -> Criterion:
    since = as_of - timedelta(days=settings.window_days)
    evidence = _domain_evidence(members, domains, since, as_of)
    if domestic_offences:
        for member in members:
            for offence in member.offences:
                if offence.domestic_abuse and since <= offence.outcome_date <= as_of:
                    evidence.append(
                        Evidence(
                            member.person_id,
                            "offence",
                            offence.record_id,
                            "Domestic abuse: a proven offence flagged as domestic abuse",
                            offence.offence_date,
                            offence.outcome_date,
                        )
                    )
    return Criterion(code, label, _status(evidence), tuple(evidence))


def troubled_families_2012(
    members: Sequence[MemberFacts], *, as_of: date, settings: TroubledFamiliesSettings | None = None
) -> Programme:
    """The 2012 programme: all three criteria, or two plus a local-discretion criterion."""
    settings = settings or TroubledFamiliesSettings()
    criteria = (
        crime_or_asb(members, as_of=as_of, settings=settings),
        school(members, as_of=as_of, settings=settings),
        out_of_work(members, as_of=as_of, settings=settings),
    )
    labels = ", ".join(NEED_DOMAINS[d].lower() for d in settings.local_discretion)
    discretion = _domains_criterion(
        "local_discretion",
        f"Local discretion ({labels})",
        settings.local_discretion,
        members,
        as_of=as_of,
        settings=settings,
        domestic_offences="domestic_abuse" in settings.local_discretion,
    )
    met = sum(c.met for c in criteria)
    if met == 3:
        qualifies, reason = True, "All three criteria are met"
    elif met == 2 and discretion.met:
        qualifies, reason = True, "Two criteria are met, with a local-discretion criterion"
    else:
        unknown = sum(c.status == NO_DATA for c in criteria)
        reason = f"{met} of 3 criteria met" + (f"; {unknown} with no data recorded" if unknown else "")
        qualifies = False
    return Programme("2012", (*criteria, discretion), qualifies, reason)


def troubled_families_2015(
    members: Sequence[MemberFacts], *, as_of: date, settings: TroubledFamiliesSettings | None = None
) -> Programme:
    """The 2015 expanded programme: two or more of six problems."""
    settings = settings or TroubledFamiliesSettings()
    criteria = (
        crime_or_asb(members, as_of=as_of, settings=settings, children_only=False),
        school(members, as_of=as_of, settings=settings, absence_percent=settings.absence_percent_2015),
        _domains_criterion(
            "children_need_help",
            "Children who need help",
            ("childrens_social_care",),
            members,
            as_of=as_of,
            settings=settings,
        ),
        out_of_work(members, as_of=as_of, settings=settings, label="Worklessness or financial exclusion"),
        _domains_criterion(
            "domestic_abuse",
            "Domestic abuse",
            ("domestic_abuse",),
            members,
            as_of=as_of,
            settings=settings,
            domestic_offences=True,
        ),
        _domains_criterion(
            "health",
            "Physical or mental health problems",
            ("mental_health", "physical_health", "substance_misuse"),
            members,
            as_of=as_of,
            settings=settings,
        ),
    )
    met = sum(c.met for c in criteria)
    return Programme("2015", criteria, met >= 2, f"{met} of 6 problems")
