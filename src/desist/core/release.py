"""Release from custody: the rules around a release date that are not the date itself (issue 6, RULES.md §7
and §8): offence groups and the HDC exclusions a prison records, early-release schemes held as data and who is
eligible for them, short-notice releases, the resettlement pathways and the release-plan catalogue, readiness,
and when open plan tasks escalate. Plain Python: no Django.

The release dates themselves (CRD, HDCED, PED, licence and sentence expiry, top-up supervision, early removal)
are worked out to the day by `desist.core.release_dates`, as the Ministry of Justice's calculator does them
(issue 12); the scheme eligibility here reads what it worked out (`SchemeFacts`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


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


@dataclass(frozen=True)
class SchemeSentence:
    """One sentence of the release, as a scheme's exclusions read it: its offence groups and its term in
    days."""

    offence_groups: frozenset[str]
    term_days: int


@dataclass(frozen=True)
class SchemeFacts:
    """What scheme eligibility reads about a person's release, all from the release-date engine's result for
    their booking (`desist.release.selectors.EpisodeRelease.scheme_facts`): the expected release (the prison's
    date where it recorded one, else the engine's), the term served (the booking's, concurrent and
    consecutive sentences together), why it is a Parole Board case (the engine's parole eligibility date, an
    extended sentence or SOPC, a referral recorded), and the sentences with their offence groups."""

    release_date: date | None
    term_days: int | None
    sentences: tuple[SchemeSentence, ...] = ()
    parole: str = ""  # why the release is a Parole Board case; "" when it is not
    indeterminate: bool = False
    # Why there is no release date to bring forward (a manual calculation, unlawfully at large).
    no_date: str = ""


def scheme_eligibility(
    scheme: EarlyReleaseScheme,
    facts: SchemeFacts,
    *,
    on: date,
    plan_approved: bool,
) -> SchemeEligibility:
    """Eligibility of one person's release for one scheme on `on`, with every reason it is not. The length
    bounds apply to the term served (the booking's); an offence group excluded "with a long sentence" to the
    sentence for that offence. Never releasable early without a required plan."""
    reasons: list[str] = []
    if not scheme.in_force(on):
        reasons.append(f"the scheme is not in force on {on:%d %B %Y}")
    if facts.release_date is None:
        reasons.append(facts.no_date or "no release date")
    elif facts.release_date < on:
        reasons.append("already released")
    if facts.indeterminate:
        reasons.append("indeterminate sentence")
    if scheme.excludes_parole_cases and facts.parole:
        reasons.append(f"a Parole Board case ({facts.parole})")
    if facts.term_days is not None:
        if scheme.min_sentence_days is not None and facts.term_days < scheme.min_sentence_days:
            reasons.append(f"sentence under {scheme.min_sentence_days} days ({facts.term_days} days)")
        if scheme.max_sentence_days is not None and facts.term_days > scheme.max_sentence_days:
            reasons.append(f"sentence over {scheme.max_sentence_days} days ({facts.term_days} days)")
    groups = {g for s in facts.sentences for g in s.offence_groups}
    for group in sorted(groups & set(scheme.excluded_offence_groups)):
        reasons.append(f"excluded offence group: {OFFENCE_GROUP_LABELS.get(OffenceGroup(group), group)}")
    if scheme.long_sentence_days is not None:
        long_groups = {
            g
            for s in facts.sentences
            if s.term_days >= scheme.long_sentence_days
            for g in s.offence_groups & set(scheme.long_sentence_groups)
        }
        for group in sorted(long_groups):
            reasons.append(
                f"excluded: {OFFENCE_GROUP_LABELS.get(OffenceGroup(group), group)} with a sentence of "
                f"{scheme.long_sentence_days} days or more"
            )
    if reasons or facts.release_date is None:
        return SchemeEligibility(
            eligible=False,
            reasons=tuple(reasons),
            earliest_release=None,
            releasable_early=False,
            waiting_for=(),
        )
    earliest = max(facts.release_date - timedelta(days=scheme.days_early), on, scheme.starts_on)
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
