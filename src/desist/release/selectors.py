"""Reads about releases, each limited to the people the actor may see (people.selectors.visible_people)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)

from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.core import release as rules
from desist.core import release_dates as engine
from desist.core import working_days
from desist.offences.models import Offence
from desist.partnership.models import Agency, AgencyKind
from desist.people.models import Person
from desist.people.selectors import visible_people
from desist.registers.models import RegisterEntry
from desist.release import planning
from desist.release.models import (
    SENTENCE_TYPE_LABELS,
    Adjustment,
    AdjustmentKind,
    EarlyReleaseScheme,
    Escalation,
    EscalationStatus,
    PathwayStatus,
    PathwayStatusKind,
    PlanTask,
    Recall,
    Release,
    ReleaseFacts,
    ReleasePlan,
    ReleaseType,
    TaskStatus,
)
from desist.sentences.models import Sentence, SentenceKind

READINESS_FILTERS = {
    "ready": Q(readiness_percent=100, tasks_total__gt=0),
    "nearly": Q(readiness_percent__gte=75, readiness_percent__lt=100),
    "in_progress": Q(readiness_percent__lt=75, tasks_closed__gt=0),
    "not_started": Q(tasks_closed=0),
}


@dataclass(frozen=True)
class PipelineFilters:
    weeks: int = 12
    prison: int | None = None
    district: int | None = None
    readiness: str = ""
    short_notice: bool = False


# The prison holds the custody facts and opens the gate; probation supervises the licence that follows. Other
# agencies see the release but do not record its facts or the release itself.
RELEASE_RECORDING_AGENCY_KINDS = (AgencyKind.PRISON, AgencyKind.PROBATION)


def may_record_release(actor: Actor) -> bool:
    """Whether the actor works for a prison or probation, who record release facts and the release itself."""
    return Agency.objects.filter(pk__in=actor.agency_ids, kind__in=RELEASE_RECORDING_AGENCY_KINDS).exists()


def adjustment_for_actor(actor: Actor, adjustment_id: int) -> Adjustment:
    """An adjustment recorded for a person the actor may see, or a logged refusal (404)."""
    found = (
        Adjustment.objects.filter(pk=adjustment_id, person__in=visible_people(actor))
        .select_related("sentence")
        .first()
    )
    if found is None:
        person_id = Adjustment.objects.filter(pk=adjustment_id).values_list("person_id", flat=True).first()
        refuse(actor, summary=f"Refused access to adjustment {adjustment_id}", person_id=person_id)
    return found


def recorder_for_actor(actor: Actor, *, person_id: int, what: str) -> None:
    """Let prison or probation staff record `what` (a sentence, an adjustment, a recall) about a person they
    may see; anyone else is refused (logged as `denied`, 403 on a page, HttpError in the API,
    CommandError)."""
    if not may_record_release(actor):
        refuse(
            actor,
            summary=f"Refused to record {what}: not prison or probation staff",
            person_id=person_id,
            reason="not prison or probation staff",
            status=403,
            message=f"Only prison or probation staff can record {what}.",
        )


def recall_for_actor(actor: Actor, recall_id: int) -> Recall:
    """A recall recorded for a person the actor may see, or a logged refusal (404)."""
    found = (
        Recall.objects.filter(pk=recall_id, person__in=visible_people(actor))
        .select_related("sentence")
        .first()
    )
    if found is None:
        person_id = Recall.objects.filter(pk=recall_id).values_list("person_id", flat=True).first()
        refuse(actor, summary=f"Refused access to recall {recall_id}", person_id=person_id)
    return found


def plan_of_sentence(sentence: Sentence) -> ReleasePlan | None:
    """The plan a sentence is in: the plan of the release it was last released, or is to be released, on."""
    return planning.plan_of(sentence)


# Recalled before the return to custody: unlawfully at large, no release date runs.
AT_LARGE = Q(recall__isnull=False, recall__returned_to_custody__isnull=True)


def plans_visible(actor: Actor, *, on: date | None = None) -> QuerySet[ReleasePlan]:
    """Release plans of people the actor may see."""
    return ReleasePlan.objects.filter(person__in=visible_people(actor, on=on))


def release_pipeline(actor: Actor, filters: PipelineFilters, *, on: date) -> QuerySet[ReleasePlan]:
    """Everyone the actor may see released in the coming weeks, soonest first, with what each plan is
    missing."""
    # A plan whose date needs a manual calculation, or whose person was recalled and is not back in custody
    # (unlawfully at large), is listed first, whatever its last date: nothing to count down to.
    due = (
        Q(release_date__gte=on, release_date__lte=on + timedelta(weeks=filters.weeks))
        | ~Q(manual_calculation="")
        | AT_LARGE
    )
    plans = plans_visible(actor, on=on).filter(due, sentence__release_is_actual=False)
    if filters.prison:
        plans = plans.filter(prison_id=filters.prison)
    if filters.district:
        plans = plans.filter(person__district_id=filters.district)
    if filters.readiness in READINESS_FILTERS:
        plans = plans.filter(READINESS_FILTERS[filters.readiness])
    if filters.short_notice:
        plans = plans.filter(short_notice=True)
    return (
        plans.select_related("person", "person__district", "prison", "recall")
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=PlanTask.objects.filter(status=TaskStatus.OPEN).order_by("due_date", "id"),
                to_attr="open_tasks",
            ),
            Prefetch(
                "pathways",
                queryset=PathwayStatus.objects.filter(status=PathwayStatusKind.NOT_STARTED),
                to_attr="pathways_not_started",
            ),
        )
        .order_by(
            ExpressionWrapper(Q(manual_calculation="") & ~AT_LARGE, output_field=BooleanField()),
            "release_date",
            "id",
        )
    )


def pipeline_counts(plans: QuerySet[ReleasePlan]) -> dict[str, int]:
    """How many plans in each readiness band, and at short notice (one query)."""
    return plans.order_by().aggregate(
        total=Count("id"),
        short_notice=Count("id", filter=Q(short_notice=True)),
        no_accommodation=Count("id", filter=Q(accommodation_on_release="")),
        manual_calculation=Count("id", filter=~Q(manual_calculation="")),
        unlawfully_at_large=Count("id", filter=AT_LARGE),
        **{band: Count("id", filter=q) for band, q in READINESS_FILTERS.items()},
    )


def missing(plan: ReleasePlan) -> list[str]:
    """What a plan from `release_pipeline` still lacks, in words."""
    return rules.missing_items(
        rules.PlanFacts(
            open_tasks=tuple(t.title for t in getattr(plan, "open_tasks", [])),
            pathways_not_started=tuple(p.pathway for p in getattr(plan, "pathways_not_started", [])),
            accommodation_on_release=plan.accommodation_on_release,
        )
    )


def plan_detail(actor: Actor, plan_id: int) -> ReleasePlan | None:
    """One plan with its pathways and tasks, or None where the actor may not see the person."""
    return (
        plans_visible(actor)
        .filter(pk=plan_id)
        .select_related("person", "sentence", "prison", "risk_plan_approved_by", "recall")
        .prefetch_related(
            "pathways",
            Prefetch("sentences", queryset=Sentence.objects.order_by("sentence_date", "pk")),
            Prefetch(
                "tasks",
                queryset=PlanTask.objects.select_related("owner_agency", "owner_user").order_by(
                    "due_date", "id"
                ),
            ),
        )
        .first()
    )


# --- One getter per guarded thing: the record, or a logged refusal (desist.audit.refusals) ---------------


def plan_for_actor(actor: Actor, plan_id: int) -> ReleasePlan:
    """`plan_detail`, or the refusal logged and the channel's 404 raised."""
    plan = plan_detail(actor, plan_id)
    if plan is None:
        person_id = ReleasePlan.objects.filter(pk=plan_id).values_list("person_id", flat=True).first()
        refuse(actor, summary=f"Refused access to release plan {plan_id}", person_id=person_id)
    return plan


def sentence_for_actor(actor: Actor, sentence_id: int, *, custodial: bool = True) -> Sentence:
    """A (custodial, unless told otherwise) sentence of a person the actor may see, or a logged refusal
    (404)."""
    sentences = Sentence.objects.filter(pk=sentence_id, person__in=visible_people(actor))
    sentence = (sentences.filter(kind=SentenceKind.CUSTODY) if custodial else sentences).first()
    if sentence is None:
        person_id = Sentence.objects.filter(pk=sentence_id).values_list("person_id", flat=True).first()
        refuse(actor, summary=f"Refused access to sentence {sentence_id}", person_id=person_id)
    return sentence


def task_for_actor(actor: Actor, task_id: int) -> PlanTask:
    """A release plan task about a person the actor may see, or a logged refusal (404)."""
    task = (
        PlanTask.objects.filter(pk=task_id, plan__person__in=visible_people(actor))
        .select_related("plan")
        .first()
    )
    if task is None:
        person_id = PlanTask.objects.filter(pk=task_id).values_list("plan__person_id", flat=True).first()
        refuse(actor, summary=f"Refused access to release plan task {task_id}", person_id=person_id)
    return task


def escalation_for_actor(actor: Actor, escalation_id: int) -> Escalation:
    """An escalation addressed to the actor or their agency, about a person they may see, or a logged
    refusal."""
    escalation = escalations_for(actor, status="").filter(pk=escalation_id).first()
    if escalation is None:
        person_id = Escalation.objects.filter(pk=escalation_id).values_list("person_id", flat=True).first()
        refuse(actor, summary=f"Refused access to escalation {escalation_id}", person_id=person_id)
    return escalation


# --- A person's release: one custodial episode, its dates from the engine, eligibility and the plan ---------


@dataclass
class SentenceRow:
    """One sentence awaiting release, for its card on the release page: the facts the prison recorded, the
    term as passed, and where the dates recorded on it differ from the engine's for the booking."""

    sentence: Sentence
    booking: BookingDates

    @property
    def facts(self) -> ReleaseFacts | None:
        return _facts(self.sentence)

    @property
    def sentence_type(self) -> str:
        return sentence_type_of(self.sentence)

    @property
    def sentence_type_label(self) -> str:
        return SENTENCE_TYPE_LABELS.get(self.sentence_type, self.sentence_type)

    @property
    def term(self) -> str:
        """The term as passed, in words ("1 year 6 months")."""
        return str(_term(self.sentence.term_as_passed))

    @property
    def term_days(self) -> int:
        return _term(self.sentence.term_as_passed).length_in_days(self.sentence.sentence_date)

    @property
    def worked_out(self) -> dict[str, date | None]:
        """desist's dates for the sentence's fields: the engine's for the whole booking (none where it needs
        a manual calculation, or while the person is unlawfully at large)."""
        return {
            "conditional_release_date": None,
            "licence_expiry_date": None,
            "sentence_expiry_date": None,
            **self.booking.stored,
        }

    @property
    def differences(self) -> list[str]:
        """Where the recorded dates differ from desist's working: the prison's calculation is the one that
        counts."""
        out = []
        worked_out = self.worked_out
        calculated = self.sentence.calculated_fields
        for label, name in (
            ("conditional release date", "conditional_release_date"),
            ("licence expiry", "licence_expiry_date"),
            ("sentence expiry", "sentence_expiry_date"),
        ):
            recorded, worked = getattr(self.sentence, name), worked_out.get(name)
            if name not in calculated and recorded and worked and recorded != worked:
                out.append(
                    f"The recorded {label} ({recorded:%d %b %Y}) differs from desist's working "
                    f"({worked:%d %b %Y}): check with the prison's calculation."
                )
        return out


@dataclass
class EpisodeRelease:
    """A person's release: the sentences awaiting release together (one custodial episode: a prison releases
    the person once from all of them), the booking's dates worked out by the engine with their working, HDC
    and parole eligibility from them, each early-release scheme's eligibility, and the one plan."""

    person: Person
    sentences: list[SentenceRow]
    booking: BookingDates
    plan: ReleasePlan | None = None
    schemes: list[tuple[EarlyReleaseScheme, rules.SchemeEligibility]] = field(default_factory=list)

    @property
    def governing(self) -> Sentence | None:
        """The sentence released last, whose expected release is the person's."""
        return planning.governing(r.sentence for r in self.sentences)

    @property
    def release_date(self) -> date | None:
        """The person's expected release: the latest of the sentences' (the prison's where it recorded one,
        else the engine's)."""
        lead = self.governing
        return lead.release_date if lead else None

    @property
    def at_large(self) -> Recall | None:
        """A recall recorded before the person was back in custody: unlawfully at large since its date."""
        return self.booking.at_large

    @property
    def hdc_exclusions(self) -> tuple[str, ...]:
        """The HDC exclusions the prison recorded on any of the sentences, and the registers' (sex offender
        notification, terrorism), in words."""
        codes = {c for r in self.sentences if (f := r.facts) is not None for c in f.hdc_exclusions}
        terrorism, sex_register = self.booking.registers
        if self.person.pk in sex_register:
            codes.add("sex_offender_register")
        if self.person.pk in terrorism:
            codes.add("terrorism")
        return tuple(rules.HDC_EXCLUSIONS.get(c, c) for c in sorted(codes))

    @property
    def hdc(self) -> tuple[date | None, tuple[str, ...]]:
        """The HDC eligibility date, or why none: the recorded exclusions first (RULES.md §7), then the
        engine's HDCED for the booking and its working."""
        if self.hdc_exclusions:
            return None, self.hdc_exclusions
        booking = self.booking
        if booking.at_large is not None:
            return None, (_at_large(booking.at_large),)
        if booking.calculation is None:
            return None, (
                f"this needs a manual calculation, because {booking.manual}"
                if booking.manual
                else "no HDC for a life or IPP sentence",
            )
        hdced = booking.get(engine.DateType.HDCED)
        if hdced is not None:
            return hdced, ()
        return None, tuple(step.detail for step in booking.calculation.explain(engine.DateType.HDCED)) or (
            "no HDC date for these sentences",
        )

    @property
    def hdc_working(self) -> tuple[engine.Step, ...]:
        calculation = self.booking.calculation
        return tuple(calculation.explain(engine.DateType.HDCED)) if calculation else ()

    @property
    def parole(self) -> tuple[date | None, str]:
        """The parole eligibility date, or why none: the engine's PED for the booking (a life or IPP
        sentence's tariff expiry, as recorded)."""
        booking = self.booking
        if booking.at_large is not None:
            return None, _at_large(booking.at_large).capitalize()
        if booking.calculation is not None:
            ped = booking.get(engine.DateType.PED)
            return ped, "" if ped else "Not a parole case: automatic release"
        if booking.manual:
            return None, f"This needs a manual calculation, because {booking.manual}"
        tariff = next((t for _, t in booking.tariffs if t), None)
        return tariff, "" if tariff else "Minimum term not recorded"

    @property
    def parole_working(self) -> tuple[engine.Step, ...]:
        calculation = self.booking.calculation
        return tuple(calculation.explain(engine.DateType.PED)) if calculation else ()

    @property
    def term_days(self) -> int | None:
        """The term served, concurrent and consecutive sentences together: from the first sentence date to
        the engine's effective sentence end (ESED); without a calculation, the longest term."""
        calculation = self.booking.calculation
        if calculation is not None and engine.DateType.ESED in calculation.dates and self.booking.sentences:
            start = min(s.sentence_date for s in self.booking.sentences)
            return (calculation.dates[engine.DateType.ESED] - start).days + 1
        return max((r.term_days for r in self.sentences), default=None)

    def scheme_facts(self) -> rules.SchemeFacts:
        """What an early-release scheme's eligibility reads, from the engine's result for the booking."""
        booking = self.booking
        ped = booking.get(engine.DateType.PED)
        kinds = {r.sentence_type for r in self.sentences}
        referred = any(f.parole_board_case for r in self.sentences if (f := r.facts) is not None)
        parole = (
            f"parole eligibility {ped:%d %b %Y}"
            if ped
            else "extended sentence"
            if "extended" in kinds
            else "sentence for offenders of particular concern"
            if "sopc" in kinds
            else "referred to the Parole Board"
            if referred
            else ""
        )
        terrorism = self.person.pk in booking.registers[0]
        no_date = (
            _at_large(booking.at_large)
            if booking.at_large is not None
            else f"the release date needs a manual calculation, because {booking.manual}"
            if booking.manual
            else ""
        )
        return rules.SchemeFacts(
            release_date=self.release_date,
            term_days=self.term_days,
            sentences=tuple(
                rules.SchemeSentence(
                    offence_groups=_groups(r.sentence, terrorism=terrorism), term_days=r.term_days
                )
                for r in self.sentences
            ),
            parole=parole,
            indeterminate=bool(booking.tariffs),
            no_date=no_date,
        )

    def evaluate(self, schemes: Iterable[EarlyReleaseScheme], *, on: date) -> EpisodeRelease:
        facts = self.scheme_facts()
        approved = bool(self.plan and self.plan.risk_plan_approved_on)
        self.schemes = [
            (scheme, rules.scheme_eligibility(scheme.as_rule(), facts, on=on, plan_approved=approved))
            for scheme in schemes
        ]
        return self


def _at_large(recall: Recall) -> str:
    return (
        f"recalled on {recall.recalled_on:%d %B %Y} and not yet back in custody (unlawfully at large since "
        f"{recall.recalled_on:%d %B %Y}): no custody date runs until the return to custody is recorded"
    )


def schemes_in_force(on: date) -> list[EarlyReleaseScheme]:
    return list(
        EarlyReleaseScheme.objects.filter(starts_on__lte=on).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on)
        )
    )


def person_release(person: Person, *, on: date, booking: BookingDates | None = None) -> EpisodeRelease:
    """A person's release: the sentences awaiting release together, with the engine's dates and working, the
    plan and each scheme in force's eligibility. The caller has already checked the person is visible."""
    booking = booking or booking_dates(person.pk, on=on)
    sentences = sorted(
        (s for s in booking.sentences if not s.release_is_actual),
        key=lambda s: (s.sentence_date, s.pk),
        reverse=True,
    )
    plan = (
        ReleasePlan.objects.filter(memberships__sentence__in=sentences).order_by("created_on", "id").first()
        if sentences
        else None
    )
    return EpisodeRelease(
        person=person, sentences=[SentenceRow(s, booking) for s in sentences], booking=booking, plan=plan
    ).evaluate(schemes_in_force(on), on=on)


def person_released(person_id: int, *, limit: int = 5) -> list[Sentence]:
    """A person's latest custodial sentences released from, each with its recorded `release` (None for a
    release loaded from elsewhere; after a recall, the latest) and plan. Two queries. The caller has already
    checked the person is visible."""
    sentences = list(
        Sentence.objects.filter(person_id=person_id, kind=SentenceKind.CUSTODY, release_is_actual=True)
        .select_related("plan_membership__plan", "establishment")
        .order_by("-release_date", "-pk")[:limit]
    )
    # The latest release recorded (a re-release after a recall, else the first), as `release`: one query more.
    latest: dict[int, Release] = {}
    for release in Release.objects.filter(sentence__in=sentences).order_by("released_on", "id"):
        latest[release.sentence_id] = release
    for s in sentences:
        s.release = latest.get(s.pk)  # type: ignore[attr-defined]
        membership = getattr(s, "plan_membership", None)
        s.release_plan = membership.plan if membership else None  # type: ignore[attr-defined]
    return sentences


def early_release_list(
    actor: Actor, scheme: EarlyReleaseScheme, *, on: date, weeks: int | None = None
) -> list[EpisodeRelease]:
    """Everyone the actor may see due for release in the coming weeks (their expected release, the latest of
    the sentences served together), with their eligibility under one scheme, from the engine's result for
    each booking. A fixed number of queries whatever the number of people."""
    horizon = on + timedelta(weeks=weeks or settings.DESIST_RELEASE_HORIZON_WEEKS)
    person_ids = set(
        planning.awaiting_release(on)
        .filter(person__in=visible_people(actor, on=on), release_date__gte=on, release_date__lte=horizon)
        .values_list("person_id", flat=True)
    )
    bookings = bookings_dates(sorted(person_ids), on=on)
    awaiting = {
        person_id: [s for s in b.sentences if not s.release_is_actual] for person_id, b in bookings.items()
    }
    plans: dict[int, ReleasePlan] = {}
    for plan in ReleasePlan.objects.filter(
        memberships__sentence__in=[s.pk for sentences in awaiting.values() for s in sentences]
    ).order_by("-created_on", "-id"):
        plans[plan.person_id] = plan  # the oldest last: the episode's
    out = []
    for person_id, booking in bookings.items():
        sentences = sorted(awaiting[person_id], key=lambda s: (s.sentence_date, s.pk), reverse=True)
        if not sentences:
            continue
        entry = EpisodeRelease(
            person=sentences[0].person,
            sentences=[SentenceRow(s, booking) for s in sentences],
            booking=booking,
            plan=plans.get(person_id),
        )
        when = entry.release_date
        if when is None or not on <= when <= horizon:
            continue  # released later than the horizon: another sentence holds them
        out.append(entry.evaluate([scheme], on=on))
    return sorted(out, key=lambda e: (e.release_date or on, e.person.pk))


# --- Escalations --------------------------------------------------------------------------------------


def escalations_for(
    actor: Actor, *, status: str = EscalationStatus.OPEN, mine: bool = False
) -> QuerySet[Escalation]:
    """Escalations about people the actor may see, addressed to the actor (as responsible officer or owner)
    or, unless `mine`, to one of the actor's agencies. A work queue can list them the same way."""
    addressed = Q(responsible_officer_id=actor.user_id) | Q(owner_user_id=actor.user_id)
    if not mine:
        addressed |= Q(owner_agency_id__in=actor.agency_ids)
    rows = Escalation.objects.filter(addressed, person__in=visible_people(actor))
    if status == EscalationStatus.RESOLVED:
        # Closed: dealt with, or superseded by a release date that needs a manual calculation.
        rows = rows.filter(status__in=(EscalationStatus.RESOLVED, EscalationStatus.SUPERSEDED))
    elif status:
        rows = rows.filter(status=status)
    return rows.select_related("person", "task", "owner_agency", "responsible_officer", "plan").order_by(
        "release_date", "due_date", "id"
    )


# --- Release dates worked out by the engine (desist.core.release_dates, issue 12) ------------------------

# The dates in the order a prison's sentence calculation lists them, with their names.
DATE_LABELS = {
    engine.DateType.CRD: "Conditional release date (CRD)",
    engine.DateType.ARD: "Automatic release date (ARD)",
    engine.DateType.PRRD: "Post-recall release date (PRRD)",
    engine.DateType.MTD: "Mid-term date (MTD)",
    engine.DateType.ETD: "Early transfer date (ETD)",
    engine.DateType.LTD: "Late transfer date (LTD)",
    engine.DateType.HDCED: "Home detention curfew eligibility (HDCED)",
    engine.DateType.PED: "Parole eligibility date (PED)",
    engine.DateType.ERSED: "Early removal scheme eligibility (ERSED)",
    engine.DateType.SLED: "Sentence and licence expiry (SLED)",
    engine.DateType.LED: "Licence expiry (LED)",
    engine.DateType.SED: "Sentence expiry (SED)",
    engine.DateType.TUSED: "Top-up supervision expiry (TUSED)",
    engine.DateType.ESED: "Effective sentence end (ESED)",
}
# The law desist calculates under (docs/release.md: CURRENT until the progression model's statute is
# confirmed).
LEGISLATION = engine.CURRENT
_KINDS = {
    "standard": engine.SentenceKind.STANDARD,
    "sds_plus": engine.SentenceKind.STANDARD,
    "extended": engine.SentenceKind.EXTENDED,
    "sopc": engine.SentenceKind.SOPC,
    "dto": engine.SentenceKind.DTO,
    "fine_default": engine.SentenceKind.FINE_DEFAULT,
}
# Offence groups (desist.core.release) as the early-release schemes' exclusion markers; violence only from 4
# years.
_MARKERS = {"sexual": "SEXUAL", "domestic_abuse": "DOMESTIC_ABUSE", "terrorism": "TERRORISM"}


@dataclass(frozen=True)
class WorkedDate:
    """One date of the booking with its name and the working behind it."""

    date_type: str
    label: str
    date: date
    working: tuple[engine.Step, ...]
    # The day a release due then takes place where the date is a weekend or bank holiday of England and Wales
    # (the calculator's "... when adjusted to a working day"); None where the date is a working day or not a
    # release.
    working_day: datetime.date | None = None  # `date` here is the field above


@dataclass
class BookingDates:
    """A person's custodial sentences as one booking (concurrent unless consecutive), with the engine's dates
    and their working, or why a person must work them out ("this needs a manual calculation, because …")."""

    sentences: list[Sentence]
    calculation: engine.Calculation | None = None
    manual: str = ""
    tariffs: list[tuple[Sentence, date | None]] = field(default_factory=list)  # life or IPP: the tariff's end
    registers: tuple[set[int], set[int]] = (set(), set())  # terrorism, sex offender notification (person ids)
    # A recall recorded before the return to custody: the person is unlawfully at large from its date and no
    # custody date runs (no calculation) until the return is recorded.
    at_large: Recall | None = None

    @property
    def dates(self) -> list[WorkedDate]:
        if self.calculation is None:
            return []
        return [
            WorkedDate(
                str(t),
                label,
                self.calculation.dates[t],
                tuple(self.calculation.explain(t)),
                _working_day(t, self.calculation.dates[t]),
            )
            for t, label in DATE_LABELS.items()
            if t in self.calculation.dates
        ]

    def get(self, *types: engine.DateType) -> date | None:
        """The first of these dates the calculation gives."""
        if self.calculation is None:
            return None
        return next((self.calculation.dates[t] for t in types if t in self.calculation.dates), None)

    @property
    def release(self) -> date | None:
        """The release the engine works out: post-recall, conditional, automatic, or a DTO's mid-term."""
        return self.get(engine.DateType.PRRD, engine.DateType.CRD, engine.DateType.ARD, engine.DateType.MTD)

    @property
    def licence_expiry(self) -> date | None:
        return self.get(engine.DateType.LED, engine.DateType.SLED)

    @property
    def sentence_expiry(self) -> date | None:
        """The end of the sentence including any post-sentence supervision (top-up), as `Sentence` holds
        it."""
        ends = [
            d
            for d in (self.get(engine.DateType.SED, engine.DateType.SLED), self.get(engine.DateType.TUSED))
            if d
        ]
        return max(ends) if ends else None

    @property
    def stored(self) -> dict[str, date | None]:
        """The sentence fields these dates fill where desist works them out (`Sentence.dates_calculated`);
        unlawfully at large after a recall, only the release (none: no custody date runs)."""
        if self.at_large is not None:
            return {"release_date": None}
        return {
            "conditional_release_date": self.release,
            "release_date": self.release,
            "licence_expiry_date": self.licence_expiry,
            "sentence_expiry_date": self.sentence_expiry,
        }


def _term(values: tuple[int, int, int, int]) -> engine.Duration:
    return engine.Duration(*values)


def booking_sentences(person_id: int, *, on: date) -> list[Sentence]:
    """The custodial sentences a prison would hold in one booking: those not yet released from (or recalled
    on) and not ended, with the sentences they follow. Facts, recalls, adjustments and offences come
    prefetched: four queries, one when there is none."""
    return _bookings_sentences([person_id], on=on).get(person_id, [])


def _bookings_sentences(person_ids: list[int], *, on: date) -> dict[int, list[Sentence]]:
    """`booking_sentences` for many people at once, in the same four queries. Each sentence's first recorded
    release comes with it (`first_released_on`, `first_release_type`) and each recall with its re-release, for
    the booking's movements (`_engine_movements`)."""
    first_release = Release.objects.filter(sentence=OuterRef("pk"), recall__isnull=True)
    rows = list(
        Sentence.objects.filter(person_id__in=person_ids, kind=SentenceKind.CUSTODY)
        .filter(Q(terminated_date__isnull=True) | Q(terminated_date__gt=on))
        .annotate(
            recalled=Exists(Recall.objects.filter(sentence=OuterRef("pk"))),
            first_released_on=Subquery(first_release.values("released_on")[:1]),
            first_release_type=Subquery(first_release.values("release_type")[:1]),
        )
        .select_related("release_facts", "person", "establishment", "consecutive_to")
        .order_by("sentence_date", "pk")
    )
    by_id = {s.pk: s for s in rows}
    wanted = {s.pk for s in rows if not s.release_is_actual or s.recalled}
    # A sentence served before the one that follows it belongs to the booking too.
    changed = True
    while changed:
        before = set(wanted)
        wanted |= {
            earlier
            for pk in before
            if (earlier := by_id[pk].consecutive_to_id) is not None and earlier in by_id
        }
        changed = wanted != before
    booking: list[Sentence] = [s for s in rows if s.pk in wanted]
    prefetch_related_objects(
        booking,
        Prefetch(
            "recalls", queryset=Recall.objects.select_related("re_release").order_by("-recalled_on", "-id")
        ),
        "adjustments",
        Prefetch("offences", queryset=Offence.objects.select_related("offence_code")),
    )
    out: dict[int, list[Sentence]] = defaultdict(list)
    for s in booking:
        recalls = list(s.recalls.all())
        s.latest_recall = recalls[0] if recalls else None  # type: ignore[attr-defined]
        out[s.person_id].append(s)
    return out


def _facts(s: Sentence) -> ReleaseFacts | None:
    try:
        return s.release_facts
    except ReleaseFacts.DoesNotExist:
        return None


def sentence_type_of(s: Sentence) -> str:
    """The recorded sentence type (ReleaseFacts), or standard (indeterminate when the sentence says so)."""
    facts = _facts(s)
    return facts.sentence_type if facts else ("indeterminate" if s.indeterminate else "standard")


def _offence_date(s: Sentence) -> date | None:
    linked = [o.offence_date for o in s.offences.all()]
    return min(linked) if linked else s.offence_date


def _engine_sentence(s: Sentence, groups: frozenset[str]) -> engine.Sentence:
    facts = _facts(s)
    kind = sentence_type_of(s)
    term = _term(s.term_as_passed)
    extension: engine.Duration | None = None
    if kind == "extended" and facts is not None:
        extension = engine.Duration(
            years=facts.extension_years, months=facts.extension_months, days=facts.extended_licence_days
        )
    elif kind == "sopc":
        extension = engine.Duration(years=1)
    markers = {_MARKERS[g] for g in groups if g in _MARKERS}
    if "violence" in groups and term.end_date(s.sentence_date) >= engine.Duration(years=4).end_date(
        s.sentence_date
    ):
        markers.add("VIOLENT")
    recall: Recall | None = getattr(s, "latest_recall", None)
    return engine.Sentence(
        kind=_KINDS[kind],
        sentenced_on=s.sentence_date,
        length=term,
        offence_on=_offence_date(s),
        extension=extension,
        sds_plus=kind == "sds_plus",
        sds_plus_eligible=kind == "sds_plus",
        exclusions=frozenset(markers),
        fine_amount=facts.fine_amount if facts else None,
        identifier=str(s.pk),
        consecutive_to=str(s.consecutive_to_id or ""),
        recall=recall.kind if recall else "",
        returned_to_custody=recall.returned_to_custody if recall else None,
    )


# How a recorded release reads to the engine (``engine.Movement.reason``): on HDC, or on parole, matter to it;
# a release under an early-release scheme is a conditional release (ERS is the early removal scheme there).
_MOVEMENT_REASONS: dict[str, str] = {
    ReleaseType.HDC: "HDC",
    ReleaseType.PAROLE: "PAROLE",
    ReleaseType.CONDITIONAL: "CRD",
    ReleaseType.EARLY_RELEASE: "CRD",
    ReleaseType.SENTENCE_END: "SED",
}


def _engine_movements(sentences: list[Sentence]) -> tuple[engine.Movement, ...]:
    """The person's releases and returns on the booking's sentences, as the app recorded them: each sentence's
    first release (OUT), and for each recall the return to custody (IN) and the re-release (OUT). A release
    from sentences served together is recorded on each, and is one movement. Read from what
    `_bookings_sentences` brought: no query."""
    out: set[engine.Movement] = set()
    for s in sentences:
        released_on: date | None = getattr(s, "first_released_on", None)
        if released_on is not None:
            reason = _MOVEMENT_REASONS.get(getattr(s, "first_release_type", ""), "")
            out.add(engine.Movement(on=released_on, direction="OUT", reason=reason))
        for recall in s.recalls.all():
            if recall.returned_to_custody is not None:
                out.add(
                    engine.Movement(on=recall.returned_to_custody, direction="IN", reason="RECALL_ADMISSION")
                )
            again: Release | None = getattr(recall, "re_release", None)
            if again is not None:
                reason = _MOVEMENT_REASONS.get(again.release_type, "")
                out.add(engine.Movement(on=again.released_on, direction="OUT", reason=reason))
    return tuple(sorted(out, key=lambda m: (m.on, m.direction, m.reason)))


def _engine_adjustments(sentences: list[Sentence]) -> tuple[engine.Adjustments, ...]:
    out = []
    for s in sentences:
        for a in s.adjustments.all():
            if a.kind == AdjustmentKind.REMAND:
                out.append(engine.Adjustments(remand=a.days, applies_from=s.sentence_date))
            elif a.kind == AdjustmentKind.TAGGED_BAIL:
                out.append(engine.Adjustments(tagged_bail=a.days, applies_from=s.sentence_date))
            elif a.kind == AdjustmentKind.UNLAWFULLY_AT_LARGE:
                # Its first and last days: a sentence does not expire while someone is at large from it.
                out.append(
                    engine.Adjustments(
                        unlawfully_at_large=a.days,
                        starts=a.from_date,
                        period=(a.from_date, a.from_date + timedelta(days=a.days - 1))
                        if a.from_date
                        else None,
                    )
                )
            elif a.kind == AdjustmentKind.ADDED_DAYS:
                out.append(engine.Adjustments(additional_days_awarded=a.days))
            elif a.kind == AdjustmentKind.RESTORED_DAYS:
                out.append(engine.Adjustments(restored_days=a.days))
            elif a.kind == AdjustmentKind.RECALL_REMAND:
                out.append(engine.Adjustments(recall_remand=a.days, applies_from=s.sentence_date))
            elif a.kind == AdjustmentKind.RECALL_TAGGED_BAIL:
                out.append(engine.Adjustments(recall_tagged_bail=a.days, applies_from=s.sentence_date))
    return tuple(out)


def booking_dates(person_id: int, *, on: date) -> BookingDates:
    """A person's release dates worked out by desist.core.release_dates from their sentences, adjustments and
    recalls, with the working; or the reason they need a manual calculation. Never a date it is not sure of.
    Five queries (sentences with facts and person, recalls, adjustments, offences, registers)."""
    return bookings_dates([person_id], on=on)[person_id]


def bookings_dates(person_ids: list[int], *, on: date) -> dict[int, BookingDates]:
    """`booking_dates` for many people at once, in the same five queries."""
    sentences = _bookings_sentences(person_ids, on=on)
    terrorism, sex_register = _registers(list(sentences), on=on) if sentences else (set(), set())
    return {
        person_id: _booking_dates(
            person_id, sentences.get(person_id, []), registers=(terrorism, sex_register)
        )
        for person_id in person_ids
    }


def _booking_dates(
    person_id: int, sentences: list[Sentence], *, registers: tuple[set[int], set[int]]
) -> BookingDates:
    terrorism, sex_register = registers
    result = BookingDates(sentences=sentences, registers=registers)
    if not sentences:
        result.manual = "there is no custodial sentence to work out"
        return result
    indeterminate = [s for s in sentences if sentence_type_of(s) == "indeterminate"]
    result.tariffs = [(s, f.tariff_expiry_date if (f := _facts(s)) else None) for s in indeterminate]
    if indeterminate:
        if len(indeterminate) < len(sentences):
            result.manual = "a life or IPP sentence is served with determinate sentences"
        return result  # release only on the Parole Board's direction, from the tariff's end
    # Recalled and not back in custody: unlawfully at large from the recall, so no custody date runs until the
    # return is recorded (the days at large then count, release.services.recall_return_record).
    result.at_large = next(
        (
            r
            for s in sentences
            if (r := getattr(s, "latest_recall", None)) is not None
            and r.returned_to_custody is None
            and not s.release_is_actual
        ),
        None,
    )
    if result.at_large is not None:
        return result
    person = sentences[0].person
    if person.date_of_birth is None:
        result.manual = "the date of birth is not recorded"
        return result
    booking = engine.Booking(
        date_of_birth=person.date_of_birth,
        sentences=tuple(_engine_sentence(s, _groups(s, terrorism=person_id in terrorism)) for s in sentences),
        adjustments=_engine_adjustments(sentences),
        movements=_engine_movements(sentences),
        sex_offender=person_id in sex_register,
        early_removal=any("deportation" in (f.hdc_exclusions if (f := _facts(s)) else ()) for s in sentences),
        bank_holidays=_bank_holidays(sentences),
    )
    try:
        calculated = engine.calculate(booking, LEGISLATION)
    except (
        ValueError,
        StopIteration,
    ) as error:  # an input the engine cannot read is a manual calculation too
        calculated = engine.ManualCalculation(f"the engine could not read the booking ({error})")
    if isinstance(calculated, engine.ManualCalculation):
        result.manual = calculated.reason
    else:
        result.calculation = calculated
    return result


def _groups(s: Sentence, *, terrorism: bool) -> frozenset[str]:
    offences = list(s.offences.all())
    return rules.offence_groups(
        [o.ogrs3_category or o.offence_code.ogrs3_category for o in offences],
        domestic_abuse=any(o.domestic_abuse for o in offences),
        terrorism=terrorism,
    )


# The release dates a non-release day moves (the calculator's `ReleaseDateType.allowsWeekendAdjustment`): to
# the working day before, HDC to the one after (never before its eligibility).
_MOVED_TO_A_WORKING_DAY = frozenset(
    {
        engine.DateType.CRD,
        engine.DateType.ARD,
        engine.DateType.PED,
        engine.DateType.PRRD,
        engine.DateType.MTD,
        engine.DateType.ETD,
        engine.DateType.LTD,
        engine.DateType.HDCED,
    }
)


def _working_day(date_type: engine.DateType, day: date) -> date | None:
    """The working day a release due on ``day`` takes place, where ``day`` is a non-release day."""
    if date_type not in _MOVED_TO_A_WORKING_DAY:
        return None
    moved = working_days.working_day_before(day, after=date_type == engine.DateType.HDCED)
    return moved if moved != day else None


def _bank_holidays(sentences: list[Sentence]) -> frozenset[date]:
    """The bank holidays of England and Wales over the years the sentences run, for the engine's
    non-release days: a release due on one (or at a weekend) takes place on the working day before."""
    first = min(s.sentence_date for s in sentences).year
    last = max(s.sentence_date + timedelta(days=s.length_days) for s in sentences).year
    return working_days.bank_holidays(range(first, last + 2))


# The registers the release dates read (`_registers`): a change to an entry of another kind moves no date.
RELEASE_REGISTER_KINDS = frozenset({"terrorism", "mappa"})


def _registers(person_ids: list[int], *, on: date) -> tuple[set[int], set[int]]:
    """Who is on the terrorism register (or MAPPA category 4), and who is subject to sex offender notification
    (MAPPA category 1), on a day."""
    terrorism: set[int] = set()
    sex_register: set[int] = set()
    for person_id, kind, category in (
        RegisterEntry.objects.filter(person_id__in=person_ids, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("person_id", "kind", "mappa_category")
    ):
        if kind == "terrorism" or category == 4:
            terrorism.add(person_id)
        if category == 1:
            sex_register.add(person_id)
    return terrorism, sex_register
