"""Release from custody: the release-date rules, Home Detention Curfew (HDC) and parole eligibility, early
release schemes held as data, short-notice releases, the resettlement pathways and the release-plan
catalogue, and when open plan tasks escalate (RULES.md §7 and §8). Plain Python: no Django.

Every function returns its working as plain sentences, so a page can show why a date is what it is.
Where RULES.md is silent (the conditional release point by sentence type, licence and sentence expiry)
the rule is written here as a field of `ReleaseRules` with a documented default (docs/release.md).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction


class SentenceType(StrEnum):
    """The kinds of custodial sentence whose release rules differ."""

    STANDARD = "standard"  # standard determinate sentence (SDS)
    EXTENDED = "extended"  # extended determinate sentence (EDS): custodial term plus an extended licence
    SOPC = "sopc"  # sentence for offenders of particular concern: custodial term plus one year's licence
    INDETERMINATE = "indeterminate"  # life or IPP: release only on the Parole Board's direction


SENTENCE_TYPE_LABELS = {
    SentenceType.STANDARD: "Standard determinate sentence",
    SentenceType.EXTENDED: "Extended determinate sentence",
    SentenceType.SOPC: "Sentence for offenders of particular concern",
    SentenceType.INDETERMINATE: "Life or imprisonment for public protection",
}


class OffenceGroup(StrEnum):
    """Offence groups that release rules and early-release schemes exclude."""

    SEXUAL = "sexual"
    VIOLENCE = "violence"
    TERRORISM = "terrorism"
    DOMESTIC_ABUSE = "domestic_abuse"


OFFENCE_GROUP_LABELS = {
    OffenceGroup.SEXUAL: "sexual offence",
    OffenceGroup.VIOLENCE: "violent offence",
    OffenceGroup.TERRORISM: "terrorism offence",
    OffenceGroup.DOMESTIC_ABUSE: "domestic abuse offence",
}

# Which OGRS3 offence categories (desist.core.reference) fall in which group.
OGRS3_CATEGORY_GROUPS = {
    "Sexual (against child)": OffenceGroup.SEXUAL,
    "Sexual (not against child)": OffenceGroup.SEXUAL,
    "Violence": OffenceGroup.VIOLENCE,
    "Robbery": OffenceGroup.VIOLENCE,
}


def offence_groups(
    ogrs3_categories: Iterable[str], *, domestic_abuse: bool = False, terrorism: bool = False
) -> frozenset[str]:
    """The offence groups of a sentence from its offences' OGRS3 categories and flags."""
    groups = {OGRS3_CATEGORY_GROUPS[c] for c in ogrs3_categories if c in OGRS3_CATEGORY_GROUPS}
    if domestic_abuse:
        groups.add(OffenceGroup.DOMESTIC_ABUSE)
    if terrorism:
        groups.add(OffenceGroup.TERRORISM)
    return frozenset(str(g) for g in groups)


# Statutory HDC exclusions a prison records (RULES.md §7: "registered sex offenders, extended sentences,
# recent curfew breach or HDC recall, etc.").
HDC_EXCLUSIONS = {
    "sex_offender_register": "subject to sex offender notification requirements",
    "extended_sentence": "serving an extended sentence",
    "curfew_breach": "returned to custody for breaching a curfew condition during this sentence",
    "hdc_recall": "recalled from Home Detention Curfew in the last two years",
    "terrorism": "convicted of a terrorism offence",
    "deportation": "liable to deportation",
}


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day where it is shorter (31 Jan + 1 month = 28/29
    Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ReleaseRules:
    """The release-date rules, each a setting with its default (docs/release.md says where each comes
    from)."""

    standard_fraction: Fraction = Fraction(1, 2)
    # SDS40 (from 10 September 2024): eligible standard sentences passed from that day release at 40%.
    sds40_fraction: Fraction = Fraction(2, 5)
    sds40_from: date = date(2024, 9, 10)
    sds40_excluded_groups: frozenset[str] = frozenset(
        {OffenceGroup.SEXUAL, OffenceGroup.TERRORISM, OffenceGroup.DOMESTIC_ABUSE}
    )
    sds40_excluded_long_groups: frozenset[str] = frozenset({OffenceGroup.VIOLENCE})  # 4 years or more
    # Serious sexual and violent offences with 7 years or more release at two-thirds.
    two_thirds_years: int = 7
    two_thirds_groups: frozenset[str] = frozenset({OffenceGroup.SEXUAL, OffenceGroup.VIOLENCE})
    # Sentences over one day and under two years: supervision until 12 months after release (the top-up).
    top_up_under_years: int = 2
    top_up_months: int = 12
    sopc_licence_years: int = 1
    # HDC (RULES.md §7).
    hdc_min_days: int = 84  # 12 weeks
    hdc_under_years: int = 4
    hdc_min_custodial_days: int = 42
    hdc_earliest_after_days: int = 14
    hdc_min_days_served: int = 28
    hdc_half_below_days: int = 730
    hdc_before_crd_days: int = 364
    # Parole: extended sentences become eligible at two-thirds of the custodial term; SOPC at half.
    extended_parole_fraction: Fraction = Fraction(2, 3)
    sopc_parole_fraction: Fraction = Fraction(1, 2)


DEFAULT_RULES = ReleaseRules()


@dataclass(frozen=True)
class CustodialSentence:
    """What the release rules read about one custodial sentence."""

    sentence_date: date
    length_days: int  # the custodial term (for an extended sentence or SOPC, without the extended licence)
    sentence_type: str = SentenceType.STANDARD
    offence_groups: frozenset[str] = frozenset()
    extended_licence_days: int = 0
    tariff_expiry: date | None = None  # indeterminate sentences: the minimum term ends
    parole_board_case: bool = False
    hdc_exclusions: frozenset[str] = frozenset()  # codes of HDC_EXCLUSIONS recorded by the prison


@dataclass(frozen=True)
class ReleaseDates:
    """The computed dates of a custodial sentence, with the working."""

    conditional_release: date | None
    licence_expiry: date | None
    sentence_expiry: date | None
    automatic_release: bool  # False: release only on the Parole Board's direction (before the CRD, or at all)
    parole_eligibility: date | None
    hdc_eligible: bool
    hdc_eligibility: date | None
    hdc_reasons: tuple[str, ...]  # why not eligible for HDC
    working: tuple[str, ...]


def _fraction_days(length_days: int, fraction: Fraction) -> int:
    # Part-days count as a whole day: a prisoner is released on a day, never part-way through one.
    return math.ceil(length_days * fraction)


def _standard_fraction(s: CustodialSentence, rules: ReleaseRules, working: list[str]) -> Fraction:
    end = s.sentence_date + timedelta(days=s.length_days)
    groups = set(s.offence_groups)
    if end >= add_years(s.sentence_date, rules.two_thirds_years) and groups & rules.two_thirds_groups:
        working.append(
            f"{rules.two_thirds_years} years or more for a sexual or violent offence: release at two-thirds."
        )
        return Fraction(2, 3)
    if s.sentence_date >= rules.sds40_from:
        long_violent = end >= add_years(s.sentence_date, 4) and groups & rules.sds40_excluded_long_groups
        excluded = groups & rules.sds40_excluded_groups
        if not excluded and not long_violent:
            working.append(
                f"Passed on or after {rules.sds40_from:%d %B %Y} and not excluded: release at 40% (SDS40)."
            )
            return rules.sds40_fraction
        why = (
            ", ".join(sorted(OFFENCE_GROUP_LABELS[OffenceGroup(g)] for g in excluded))
            or "violent offence with 4 years or more"
        )
        working.append(f"Excluded from the 40% point ({why}): release at half.")
        return rules.standard_fraction
    working.append("Standard determinate sentence: release at half.")
    return rules.standard_fraction


def release_dates(s: CustodialSentence, rules: ReleaseRules = DEFAULT_RULES) -> ReleaseDates:
    """Conditional release, licence and sentence expiry, parole and HDC eligibility for one sentence."""
    working: list[str] = [
        f"Sentenced on {s.sentence_date:%d %B %Y} to {s.length_days} days "
        f"({SENTENCE_TYPE_LABELS.get(SentenceType(s.sentence_type), s.sentence_type).lower()})."
    ]
    term_end = s.sentence_date + timedelta(days=s.length_days)
    parole: date | None = None
    crd: date | None
    led: date | None
    sed: date | None
    automatic = True
    if s.sentence_type == SentenceType.INDETERMINATE:
        crd = led = sed = None
        automatic = False
        parole = s.tariff_expiry
        working.append(
            "Indeterminate sentence: no conditional release date; the Parole Board decides release once "
            "the minimum term ends"
            + (f" on {parole:%d %B %Y}." if parole else " (minimum term not recorded).")
        )
    elif s.sentence_type == SentenceType.EXTENDED:
        crd = term_end
        parole = s.sentence_date + timedelta(
            days=_fraction_days(s.length_days, rules.extended_parole_fraction)
        )
        led = sed = term_end + timedelta(days=s.extended_licence_days)
        working.append(
            f"Extended sentence: parole eligibility at two-thirds of the custodial term ({parole:%d %B %Y}); "
            f"automatic release at its end ({crd:%d %B %Y}); licence for the {s.extended_licence_days}-day "
            f"extension period after it, to {led:%d %B %Y}."
        )
    elif s.sentence_type == SentenceType.SOPC:
        crd = term_end
        parole = s.sentence_date + timedelta(days=_fraction_days(s.length_days, rules.sopc_parole_fraction))
        led = sed = add_years(term_end, rules.sopc_licence_years)
        working.append(
            f"Sentence for offenders of particular concern: parole eligibility at half ({parole:%d %B %Y}), "
            f"automatic release at the end of the custodial term ({crd:%d %B %Y}), then "
            f"{rules.sopc_licence_years} year on licence to {led:%d %B %Y}."
        )
    else:
        fraction = _standard_fraction(s, rules, working)
        crd = s.sentence_date + timedelta(days=_fraction_days(s.length_days, fraction))
        led = term_end
        working.append(
            f"Conditional release date: {s.sentence_date:%d %B %Y} "
            f"+ {_fraction_days(s.length_days, fraction)} "
            f"days = {crd:%d %B %Y}. Licence to the end of the sentence, {led:%d %B %Y}."
        )
        if s.length_days > 1 and term_end < add_years(s.sentence_date, rules.top_up_under_years):
            sed = max(led, add_months(crd, rules.top_up_months))
            working.append(
                f"Under {rules.top_up_under_years} years: supervision continues until "
                f"{rules.top_up_months} months after release, to {sed:%d %B %Y}."
            )
        else:
            sed = led
    if s.parole_board_case and automatic and s.sentence_type == SentenceType.STANDARD:
        working.append(
            "Referred to the Parole Board: release before the conditional release date only on its direction."
        )
    hdc_date, hdc_reasons = hdc_eligibility(s, crd, rules)
    if hdc_date is not None:
        working.append(f"Home Detention Curfew eligibility: {hdc_date:%d %B %Y}.")
    return ReleaseDates(
        conditional_release=crd,
        licence_expiry=led,
        sentence_expiry=sed,
        automatic_release=automatic,
        parole_eligibility=parole,
        hdc_eligible=hdc_date is not None,
        hdc_eligibility=hdc_date,
        hdc_reasons=hdc_reasons,
        working=tuple(working),
    )


def hdc_eligibility(
    s: CustodialSentence, crd: date | None, rules: ReleaseRules = DEFAULT_RULES
) -> tuple[date | None, tuple[str, ...]]:
    """The earliest HDC date (RULES.md §7), or None with every reason the sentence is not eligible."""
    reasons: list[str] = []
    term_end = s.sentence_date + timedelta(days=s.length_days)
    if s.sentence_type == SentenceType.INDETERMINATE:
        reasons.append("indeterminate sentence")
    if s.sentence_type == SentenceType.EXTENDED:
        reasons.append(HDC_EXCLUSIONS["extended_sentence"])
    if s.sentence_type == SentenceType.SOPC:
        reasons.append("sentence for offenders of particular concern")
    if s.length_days < rules.hdc_min_days:
        reasons.append(f"sentence under 12 weeks ({s.length_days} days)")
    if term_end >= add_years(s.sentence_date, rules.hdc_under_years):
        reasons.append(f"sentence of {rules.hdc_under_years} years or more")
    for code in sorted(s.hdc_exclusions):
        label = HDC_EXCLUSIONS.get(code, code)
        if label not in reasons:
            reasons.append(label)
    if OffenceGroup.TERRORISM in s.offence_groups and HDC_EXCLUSIONS["terrorism"] not in reasons:
        reasons.append(HDC_EXCLUSIONS["terrorism"])
    if crd is None:
        return None, tuple(reasons or ["no conditional release date"])
    custodial = (crd - s.sentence_date).days
    if custodial < rules.hdc_min_custodial_days:
        reasons.append(f"custodial period under {rules.hdc_min_custodial_days} days ({custodial} days)")
    if reasons:
        return None, tuple(reasons)
    if custodial < rules.hdc_half_below_days:
        point = s.sentence_date + timedelta(days=max(rules.hdc_min_days_served, math.ceil(custodial / 2)))
    else:
        point = crd - timedelta(days=rules.hdc_before_crd_days)
    earliest = max(s.sentence_date + timedelta(days=rules.hdc_earliest_after_days), point)
    if earliest >= crd:
        return None, ("no HDC period before the conditional release date",)
    return earliest, ()


# --- Early release schemes --------------------------------------------------------------------------


@dataclass(frozen=True)
class EarlyReleaseScheme:
    """An early-release scheme as data: the seeds' "10 or 20 days earlier, only with a robust plan"."""

    name: str
    starts_on: date
    ends_on: date | None
    days_early: int
    excluded_offence_groups: frozenset[str] = frozenset()
    # Groups excluded only with a sentence of `long_sentence_days` or more (ECSL: violence with 4 years or
    # more).
    long_sentence_groups: frozenset[str] = frozenset()
    long_sentence_days: int | None = None
    min_sentence_days: int | None = None
    max_sentence_days: int | None = None
    excludes_parole_cases: bool = True
    plan_required: bool = True

    def in_force(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)


@dataclass(frozen=True)
class SchemeEligibility:
    """Whether one sentence may be released early under one scheme, and why (or why not)."""

    eligible: bool
    reasons: tuple[str, ...]  # why not eligible
    earliest_release: date | None
    releasable_early: bool  # eligible and, where the scheme asks for one, an approved risk management plan
    waiting_for: tuple[str, ...]

    @property
    def status(self) -> str:
        if self.releasable_early:
            return "releasable_early"
        return "waiting_for_plan" if self.eligible else "not_eligible"


def scheme_eligibility(
    scheme: EarlyReleaseScheme,
    s: CustodialSentence,
    *,
    release_date: date | None,
    on: date,
    plan_approved: bool,
) -> SchemeEligibility:
    """Eligibility of one sentence for one scheme on `on`. Never releasable early without a required plan."""
    reasons: list[str] = []
    groups = set(s.offence_groups)
    if not scheme.in_force(on):
        reasons.append(f"the scheme is not in force on {on:%d %B %Y}")
    if release_date is None:
        reasons.append("no release date")
    elif release_date < on:
        reasons.append("already released")
    if s.sentence_type == SentenceType.INDETERMINATE:
        reasons.append("indeterminate sentence")
    if scheme.excludes_parole_cases and (
        s.parole_board_case or s.sentence_type in (SentenceType.EXTENDED, SentenceType.SOPC)
    ):
        reasons.append("a Parole Board case")
    if scheme.min_sentence_days is not None and s.length_days < scheme.min_sentence_days:
        reasons.append(f"sentence under {scheme.min_sentence_days} days")
    if scheme.max_sentence_days is not None and s.length_days > scheme.max_sentence_days:
        reasons.append(f"sentence over {scheme.max_sentence_days} days")
    for group in sorted(groups & set(scheme.excluded_offence_groups)):
        reasons.append(f"excluded offence group: {OFFENCE_GROUP_LABELS.get(OffenceGroup(group), group)}")
    if scheme.long_sentence_days is not None and s.length_days >= scheme.long_sentence_days:
        for group in sorted(groups & set(scheme.long_sentence_groups)):
            reasons.append(
                f"excluded: {OFFENCE_GROUP_LABELS.get(OffenceGroup(group), group)} with a sentence of "
                f"{scheme.long_sentence_days} days or more"
            )
    if reasons or release_date is None:
        return SchemeEligibility(
            eligible=False,
            reasons=tuple(reasons),
            earliest_release=None,
            releasable_early=False,
            waiting_for=(),
        )
    earliest = max(release_date - timedelta(days=scheme.days_early), on, scheme.starts_on)
    waiting = ("an approved risk management plan",) if scheme.plan_required and not plan_approved else ()
    return SchemeEligibility(
        eligible=True,
        reasons=(),
        earliest_release=earliest,
        releasable_early=not waiting,
        waiting_for=waiting,
    )


# --- Release date changes and short notice ------------------------------------------------------------


class DateChange(StrEnum):
    SET = "set"
    BROUGHT_FORWARD = "brought_forward"
    PUT_BACK = "put_back"
    CONFIRMED = "confirmed"


DEFAULT_SHORT_NOTICE_DAYS = 14


def date_change_kind(old: date | None, new: date, *, confirmed: bool = False) -> DateChange:
    """How a release date changed: set (none before), brought forward, put back, or confirmed (unchanged)."""
    if old is None:
        return DateChange.SET
    if new < old:
        return DateChange.BROUGHT_FORWARD
    if new > old:
        return DateChange.PUT_BACK
    return DateChange.CONFIRMED


def is_short_notice(
    change: str, *, release_date: date, changed_on: date, threshold_days: int = DEFAULT_SHORT_NOTICE_DAYS
) -> bool:
    """A release set, brought forward or confirmed with less than `threshold_days` notice. Putting a date back
    gives the plan more time, so it is never short notice itself."""
    return change != DateChange.PUT_BACK and (release_date - changed_on).days < threshold_days


# --- Pathways, the plan catalogue, readiness and escalation ----------------------------------------------


class Pathway(StrEnum):
    """The seven resettlement pathways (RULES.md §8)."""

    ACCOMMODATION = "accommodation"
    EDUCATION_WORK = "education_skills_work"
    HEALTH = "health"
    DRUGS_ALCOHOL = "drugs_alcohol"
    FINANCE = "finance_benefit_debt_id"
    FAMILY = "children_families_community"
    ATTITUDES = "attitudes_thinking_behaviour"


PATHWAY_LABELS = {
    Pathway.ACCOMMODATION: "Accommodation",
    Pathway.EDUCATION_WORK: "Education, skills and work",
    Pathway.HEALTH: "Health (including mental health)",
    Pathway.DRUGS_ALCOHOL: "Drugs and alcohol",
    Pathway.FINANCE: "Finance, benefit, debt and ID",
    Pathway.FAMILY: "Children, families and community",
    Pathway.ATTITUDES: "Attitudes, thinking and behaviour",
}


@dataclass(frozen=True)
class TaskKind:
    """One kind of release-plan task: its pathway, who usually owns it, and when it is due."""

    code: str
    label: str
    pathway: str
    owner_agency_kind: str
    due_days_before: int
    detail_hint: str = ""


TASK_CATALOGUE: tuple[TaskKind, ...] = (
    TaskKind(
        "accommodation_address",
        "Accommodation found and address confirmed",
        Pathway.ACCOMMODATION,
        "housing",
        28,
        "The address",
    ),
    TaskKind(
        "duty_to_refer",
        "Council duty to refer made",
        Pathway.ACCOMMODATION,
        "probation",
        56,
        "Council and date referred",
    ),
    TaskKind(
        "benefit_claim",
        "Benefit claim made and first appointment booked",
        Pathway.FINANCE,
        "job_centre",
        14,
        "Appointment date and place",
    ),
    TaskKind("id_bank_account", "ID and bank account", Pathway.FINANCE, "prison", 28),
    TaskKind("gp_registration", "GP registration", Pathway.HEALTH, "health", 14, "The practice"),
    TaskKind(
        "treatment_continuity",
        "Continuity of treatment handed over",
        Pathway.DRUGS_ALCOHOL,
        "treatment",
        7,
        "Community service and first dose date",
    ),
    TaskKind(
        "employment_support", "Job interview or employment support", Pathway.EDUCATION_WORK, "job_centre", 14
    ),
    TaskKind(
        "probation_induction",
        "Probation induction appointment on the day",
        Pathway.ATTITUDES,
        "probation",
        7,
        "Time and office",
    ),
    TaskKind("housing_appointment", "Housing appointment on the day", Pathway.ACCOMMODATION, "housing", 7),
    TaskKind(
        "treatment_appointment", "Treatment appointment on the day", Pathway.DRUGS_ALCOHOL, "treatment", 7
    ),
    TaskKind(
        "gate_meeting",
        "Someone to meet the person at the gate",
        Pathway.FAMILY,
        "probation",
        7,
        "Who meets them",
    ),
)
TASK_KINDS = {k.code: k for k in TASK_CATALOGUE}


def task_due_date(kind: TaskKind, *, release_date: date, on: date) -> date:
    """When a catalogue task is due: its lead time before release, but never before today."""
    return max(release_date - timedelta(days=kind.due_days_before), min(on, release_date))


@dataclass(frozen=True)
class Readiness:
    percent: int
    band: str


READINESS_BANDS = (("ready", 100), ("nearly", 75), ("in_progress", 1), ("not_started", 0))
READINESS_LABELS = {
    "ready": "Ready",
    "nearly": "Nearly ready",
    "in_progress": "In progress",
    "not_started": "Not started",
}


def readiness(*, closed: int, total: int) -> Readiness:
    """How ready a plan is: the share of its tasks done (or not needed), and its band."""
    percent = 0 if total == 0 else (100 * closed) // total
    for band, floor in READINESS_BANDS:
        if percent >= floor and (band != "in_progress" or closed > 0):
            return Readiness(percent, band)
    return Readiness(percent, "not_started")


DEFAULT_ESCALATION_WEEKS = (12, 4, 1)


def escalation_milestone(
    *, release_date: date, on: date, weeks: tuple[int, ...] = DEFAULT_ESCALATION_WEEKS
) -> int | None:
    """The nearest escalation point (in weeks before release) that has been reached on `on`, or None before
    the first one or after release. A plan started late escalates at the point it is at, not at every one
    passed."""
    days = (release_date - on).days
    if days < 0:
        return None
    reached = [w for w in weeks if days <= w * 7]
    return min(reached) if reached else None


@dataclass(frozen=True)
class PlanFacts:
    """Enough about a plan to say what is missing."""

    open_tasks: tuple[str, ...]
    pathways_not_started: tuple[str, ...] = ()
    accommodation_on_release: str = ""
    plan_required_and_missing: bool = False


def missing_items(facts: PlanFacts) -> list[str]:
    """What a plan still lacks, in words, for the readiness view."""
    items = list(facts.open_tasks)
    items += [f"{PATHWAY_LABELS[Pathway(p)]}: not started" for p in facts.pathways_not_started]
    if not facts.accommodation_on_release:
        items.append("Accommodation status on release not recorded")
    if facts.plan_required_and_missing:
        items.append("Approved risk management plan")
    return items
