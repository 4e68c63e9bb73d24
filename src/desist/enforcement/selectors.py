"""Reads about compliance and enforcement: who may record it, the rules' settings, a person's failures with
their judgement, warning, referral and clock, what awaits judgement or action, recall recommendations and
requirement progress. The pages, the API and the services read through these."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.core import enforcement as rules
from desist.enforcement.models import (
    EnforcementReferral,
    EnforcementWarning,
    Failure,
    Judgement,
    ProgressKind,
    RecallDecision,
    RecallRecommendation,
    RequirementProgressEntry,
)
from desist.partnership.models import Agency, AgencyKind
from desist.people.models import Person
from desist.people.selectors import visible_people
from desist.sentences.models import Requirement, RequirementKind, RequirementStatus, Sentence

# People by number: a list, or a values_list of visible people (kept a subquery).
PersonIds = QuerySet[Person, int] | list[int]

# Probation enforces orders and licences; an administrator may put a record right.
ENFORCING_AGENCY_KINDS = (AgencyKind.PROBATION,)


def policy() -> rules.EnforcementPolicy:
    """The breach rules' dials, from the settings (docs/enforcement.md)."""
    return rules.EnforcementPolicy(
        warning_window_months=settings.DESIST_ENFORCEMENT_WARNING_MONTHS,
        anniversary_in_window=settings.DESIST_ENFORCEMENT_ANNIVERSARY_IN_WINDOW,
        clock_working_days=settings.DESIST_ENFORCEMENT_CLOCK_WORKING_DAYS,
    )


def may_enforce(actor: Actor) -> bool:
    """Whether the actor works for probation (or administers desist): who records failures, judges them,
    warns, refers, recommends recall and records requirement progress."""
    return actor.is_administrator or (
        Agency.objects.filter(pk__in=actor.agency_ids, kind__in=ENFORCING_AGENCY_KINDS).exists()
    )


def _failures() -> QuerySet[Failure]:
    return Failure.objects.select_related(
        "sentence", "requirement", "licence_condition", "warning", "referral", "judged_by"
    )


def failure_for_actor(actor: Actor, failure_id: int, *, what: str = "the failure") -> Failure:
    """A failure of a person the actor may see, or the logged refusal (404)."""
    found = _failures().filter(pk=failure_id, person__in=visible_people(actor)).first()
    if found is None:
        refuse(actor, summary=f"Refused access to {what} {failure_id}")
    return found


def referral_for_actor(actor: Actor, referral_id: int) -> EnforcementReferral:
    found = (
        EnforcementReferral.objects.select_related("failure", "failure__sentence")
        .filter(pk=referral_id, person__in=visible_people(actor))
        .first()
    )
    if found is None:
        refuse(actor, summary=f"Refused access to the enforcement referral {referral_id}")
    return found


def recommendation_for_actor(actor: Actor, recommendation_id: int) -> RecallRecommendation:
    found = (
        RecallRecommendation.objects.select_related("sentence", "recall")
        .filter(pk=recommendation_id, person__in=visible_people(actor))
        .first()
    )
    if found is None:
        refuse(actor, summary=f"Refused access to the recall recommendation {recommendation_id}")
    return found


def warnings_on(sentence_id: int, *, besides: int | None = None) -> list[date]:
    """The dates of the warnings given on a sentence (the 12 months run per order or licence), less the one
    for the failure `besides`."""
    found = Failure.objects.filter(sentence_id=sentence_id, warning__isnull=False)
    if besides is not None:
        found = found.exclude(pk=besides)
    return list(found.values_list("warning__issued_on", flat=True))


def warnings_by_sentence(sentence_ids: set[int]) -> dict[int, list[tuple[int, date]]]:
    """(failure, warning date) of every warning on these sentences, by sentence: one query."""
    out: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for sentence_id, failure_id, issued_on in EnforcementWarning.objects.filter(
        failure__sentence_id__in=sentence_ids
    ).values_list("failure__sentence_id", "failure_id", "issued_on"):
        out[sentence_id].append((failure_id, issued_on))
    return out


def next_action(failure: Failure, *, warnings: list[date] | None = None) -> rules.NextAction:
    """What the officer may do about the failure (the core's rule, with the warnings on its sentence)."""
    if warnings is None:
        warnings = warnings_on(failure.sentence_id, besides=failure.pk)
    return rules.next_action(
        failed_on=failure.occurred_on, judgement=failure.judgement, warnings_on=warnings, policy=policy()
    )


def action_on(failure: Failure) -> date | None:
    """When enforcement action started: the warning or the referral, whichever came first."""
    warning = getattr(failure, "warning", None)
    referral = getattr(failure, "referral", None)
    dates = [d for d in (warning and warning.issued_on, referral and referral.referred_on) if d is not None]
    return min(dates) if dates else None


def clock(failure: Failure, *, on: date) -> rules.Clock | None:
    """The enforcement clock of an unacceptable failure (None for one judged acceptable or not yet judged)."""
    if failure.judgement != Judgement.UNACCEPTABLE:
        return None
    return rules.enforcement_clock(
        failed_on=failure.occurred_on, action_on=action_on(failure), on=on, policy=policy()
    )


@dataclass
class FailureView:
    failure: Failure
    next_action: rules.NextAction
    clock: rules.Clock | None


def person_failures(person_id: int, *, on: date) -> list[FailureView]:
    """A person's failures, newest first, each with what may be done and its clock: two queries."""
    failures = list(_failures().filter(person_id=person_id))
    warned: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for f in failures:
        warning = getattr(f, "warning", None)
        if warning is not None:
            warned[f.sentence_id].append((f.pk, warning.issued_on))
    out = []
    for f in failures:
        others = [d for pk, d in warned[f.sentence_id] if pk != f.pk]
        out.append(FailureView(f, next_action(f, warnings=others), clock(f, on=on)))
    return out


def awaiting_judgement(person_ids: PersonIds) -> QuerySet[Failure]:
    """Failures not yet judged acceptable or unacceptable, oldest first."""
    return (
        _failures()
        .filter(person_id__in=person_ids, judgement=Judgement.PENDING)
        .select_related("person")
        .order_by("occurred_on", "id")
    )


def action_due(person_ids: PersonIds) -> QuerySet[Failure]:
    """Unacceptable failures with neither a warning nor a referral yet: a warning (or a referral) is due."""
    return (
        _failures()
        .filter(
            person_id__in=person_ids,
            judgement=Judgement.UNACCEPTABLE,
            warning__isnull=True,
            referral__isnull=True,
        )
        .select_related("person")
        .order_by("occurred_on", "id")
    )


def open_referrals(person_id: int) -> QuerySet[EnforcementReferral]:
    """Referrals for enforcement still waiting for the court's outcome."""
    return EnforcementReferral.objects.filter(person_id=person_id, outcome="").select_related("failure")


def recall_recommendations(person_id: int) -> QuerySet[RecallRecommendation]:
    return RecallRecommendation.objects.filter(person_id=person_id).select_related(
        "sentence", "recall", "recommended_by", "decided_by"
    )


def open_enforcement(person_id: int) -> dict[str, int]:
    """Counts of what is open for a person: failures to judge, actions due, referrals at court, recalls
    awaiting a decision."""
    return {
        "awaiting_judgement": awaiting_judgement([person_id]).count(),
        "action_due": action_due([person_id]).count(),
        "at_court": open_referrals(person_id).count(),
        "recall_pending": RecallRecommendation.objects.filter(
            person_id=person_id, decision=RecallDecision.PENDING
        ).count(),
    }


def licences(person_id: int) -> QuerySet[Sentence]:
    """The person's custodial sentences (a licence may be recalled from one)."""
    return Sentence.objects.filter(person_id=person_id, kind="custody").order_by("-sentence_date")


# --- Requirement progress -----------------------------------------------------------------------------

# Which progress each kind of requirement counts, and against its ordered amount.
COUNTED = {
    RequirementKind.UNPAID_WORK: ProgressKind.UNPAID_WORK,
    RequirementKind.RAR: ProgressKind.RAR_DAY,
    RequirementKind.PROGRAMME: ProgressKind.PROGRAMME_SESSION,
    RequirementKind.ATR: ProgressKind.TREATMENT,
    RequirementKind.DRR: ProgressKind.TREATMENT,
    RequirementKind.MHTR: ProgressKind.TREATMENT,
}


# The kinds whose amount the law limits (hours of unpaid work, days of alcohol abstinence monitoring).
AMOUNT_LIMITED = (RequirementKind.UNPAID_WORK, RequirementKind.AAMR)


@dataclass
class RequirementView:
    requirement: Requirement
    counts: ProgressKind | None
    done: Decimal = Decimal(0)
    progress: rules.Progress | None = None
    unpaid_work: rules.UnpaidWorkProgress | None = None
    drug_tests: dict[str, int] = field(default_factory=dict)
    failures: int = 0
    entries: list[RequirementProgressEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # outside the law's limits, with the source

    @property
    def active(self) -> bool:
        return self.requirement.status == RequirementStatus.ACTIVE


def requirement_progress(person_id: int, *, on: date, entries: int = 10) -> list[RequirementView]:
    """Each community requirement of the person with its progress (hours, days or sessions done of those
    ordered; for unpaid work, the 12 months), drug test results and the latest entries: three queries."""
    requirements = list(
        Requirement.objects.filter(sentence__person_id=person_id)
        .select_related("sentence", "ending")
        .order_by("-start_date", "id")
    )
    by_requirement: dict[int, list[RequirementProgressEntry]] = defaultdict(list)
    for entry in RequirementProgressEntry.objects.filter(person_id=person_id).select_related("recorded_by"):
        by_requirement[entry.requirement_id].append(entry)
    failures: dict[int, int] = defaultdict(int)
    for requirement_id in Failure.objects.filter(
        person_id=person_id, requirement__isnull=False, judgement=Judgement.UNACCEPTABLE
    ).values_list("requirement_id", flat=True):
        failures[requirement_id or 0] += 1
    out = []
    for r in requirements:
        counts = COUNTED.get(RequirementKind(r.kind)) if r.kind in RequirementKind.values else None
        mine = by_requirement[r.pk]
        view = RequirementView(r, counts, entries=mine[:entries], failures=failures[r.pk])
        if counts is not None:
            view.done = sum((e.amount for e in mine if e.kind == counts), Decimal(0))
            if r.amount:
                view.progress = rules.Progress(done=int(view.done), ordered=r.amount)
        if r.kind == RequirementKind.UNPAID_WORK and r.amount:
            view.unpaid_work = rules.unpaid_work_progress(
                ordered_hours=r.amount, done_hours=int(view.done), start=r.start_date, on=on
            )
        view.problems = rules.requirement_problems(
            r.kind,
            offence_on=r.sentence.offence_date,
            amount=r.amount if r.kind in AMOUNT_LIMITED else None,
            start=r.start_date,
            end=r.end_date,
        )
        for e in mine:
            if e.kind == ProgressKind.DRUG_TEST:
                view.drug_tests[e.get_result_display()] = view.drug_tests.get(e.get_result_display(), 0) + 1
        out.append(view)
    return out


def requirement_for_actor(actor: Actor, requirement_id: int) -> Requirement:
    found = (
        Requirement.objects.select_related("sentence")
        .filter(pk=requirement_id, sentence__person__in=visible_people(actor))
        .first()
    )
    if found is None:
        refuse(actor, summary=f"Refused access to the requirement {requirement_id}")
    return found


# --- Progress on the caseload -----------------------------------------------------------------------------

# How the caseload names each counted requirement and its unit, compactly ("UPW 45 of 120 h").
CASELOAD_LABELS: dict[str, tuple[str, str]] = {
    RequirementKind.UNPAID_WORK: ("UPW", "h"),
    RequirementKind.RAR: ("RAR", "days"),
    RequirementKind.PROGRAMME: ("Programme", "sessions"),
    RequirementKind.ATR: ("ATR", "appointments"),
    RequirementKind.DRR: ("DRR", "appointments"),
    RequirementKind.MHTR: ("MHTR", "appointments"),
}


@dataclass(frozen=True)
class CaseloadProgress:
    """One active requirement's progress as the caseload shows it: "UPW 45 of 120 h"."""

    requirement_id: int
    label: str
    done: int
    ordered: int | None
    unit: str
    name: str  # the requirement's full name, for screen readers and the title

    @property
    def text(self) -> str:
        of = f" of {self.ordered}" if self.ordered else ""
        return f"{self.label} {self.done}{of} {self.unit}"

    @property
    def complete(self) -> bool:
        return bool(self.ordered) and self.done >= (self.ordered or 0)


def caseload_progress(person_ids: PersonIds) -> dict[int, list[CaseloadProgress]]:
    """Each person's active counted requirements (unpaid work, RAR, programme, treatment) with what is done
    of what was ordered, by person: one query, the progress summed in the database whatever the caseload."""
    counted = Q()
    for requirement_kind, progress_kind in COUNTED.items():
        counted |= Q(kind=requirement_kind, progress_entries__kind=progress_kind)
    rows = (
        Requirement.objects.filter(
            sentence__person_id__in=person_ids, status=RequirementStatus.ACTIVE, kind__in=list(COUNTED)
        )
        .annotate(
            done=Coalesce(
                Sum("progress_entries__amount", filter=counted),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=9, decimal_places=2),
            )
        )
        .values_list("id", "sentence__person_id", "kind", "amount", "done")
        .order_by("sentence__person_id", "start_date", "id")
    )
    out: dict[int, list[CaseloadProgress]] = defaultdict(list)
    for requirement_id, person_id, kind, amount, done in rows:
        label, unit = CASELOAD_LABELS[kind]
        out[person_id].append(
            CaseloadProgress(
                requirement_id=requirement_id,
                label=label,
                done=int(done or 0),
                ordered=amount,
                unit=unit,
                name=RequirementKind(kind).label,
            )
        )
    return dict(out)
