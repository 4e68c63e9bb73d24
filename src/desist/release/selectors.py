"""Reads about releases, each limited to the people the actor may see (people.selectors.visible_people)."""

from __future__ import annotations

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
    prefetch_related_objects,
)

from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.core import release as rules
from desist.core import release_dates as engine
from desist.offences.models import Offence
from desist.partnership.models import Agency, AgencyKind
from desist.people.selectors import visible_people
from desist.registers.models import RegisterEntry
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
    TaskStatus,
    old_rules_type,
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


def plans_visible(actor: Actor, *, on: date | None = None) -> QuerySet[ReleasePlan]:
    """Release plans of people the actor may see."""
    return ReleasePlan.objects.filter(person__in=visible_people(actor, on=on))


def release_pipeline(actor: Actor, filters: PipelineFilters, *, on: date) -> QuerySet[ReleasePlan]:
    """Everyone the actor may see released in the coming weeks, soonest first, with what each plan is
    missing."""
    # A plan whose date needs a manual calculation is listed first, whatever its last date: nothing to count
    # down to.
    due = Q(release_date__gte=on, release_date__lte=on + timedelta(weeks=filters.weeks)) | ~Q(
        manual_calculation=""
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
        plans.select_related("person", "person__district", "prison")
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
            ExpressionWrapper(Q(manual_calculation=""), output_field=BooleanField()), "release_date", "id"
        )
    )


def pipeline_counts(plans: QuerySet[ReleasePlan]) -> dict[str, int]:
    """How many plans in each readiness band, and at short notice (one query)."""
    return plans.order_by().aggregate(
        total=Count("id"),
        short_notice=Count("id", filter=Q(short_notice=True)),
        no_accommodation=Count("id", filter=Q(accommodation_on_release="")),
        manual_calculation=Count("id", filter=~Q(manual_calculation="")),
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


# --- Release facts and eligibility -------------------------------------------------------------------


@dataclass
class SentenceRelease:
    """One custodial sentence with its computed release dates and its eligibility under each scheme in
    force."""

    sentence: Sentence
    facts: ReleaseFacts | None
    inputs: rules.CustodialSentence
    dates: rules.ReleaseDates
    plan: ReleasePlan | None = None
    schemes: list[tuple[EarlyReleaseScheme, rules.SchemeEligibility]] = field(default_factory=list)
    booking: BookingDates | None = None  # the person's booking worked out by the engine (person_releases)

    @property
    def sentence_type_label(self) -> str:
        recorded = self.facts.sentence_type if self.facts else self.inputs.sentence_type
        return SENTENCE_TYPE_LABELS.get(recorded, recorded)

    @property
    def term(self) -> str:
        """The term as passed, in words ("1 year 6 months")."""
        return str(_term(self.sentence.term_as_passed))

    @property
    def worked_out(self) -> dict[str, date | None]:
        """desist's dates for this sentence's fields: the engine's for the booking (none where it needs a
        manual calculation), else the old rules' (release lists without a booking)."""
        if self.booking is not None:
            return self.booking.stored
        return {
            "conditional_release_date": self.dates.conditional_release,
            "licence_expiry_date": self.dates.licence_expiry,
            "sentence_expiry_date": self.dates.sentence_expiry,
        }

    @property
    def hdc(self) -> tuple[date | None, tuple[str, ...]]:
        """The HDC eligibility date, or why none: the prison's recorded exclusions first (RULES.md §7), then
        the engine's HDCED and its working."""
        recorded = tuple(r for r in self.dates.hdc_reasons if r in rules.HDC_EXCLUSIONS.values())
        if recorded or self.booking is None:
            return (None, recorded) if recorded else (self.dates.hdc_eligibility, self.dates.hdc_reasons)
        if self.booking.calculation is None:
            return None, (
                f"this needs a manual calculation, because {self.booking.manual}"
                if self.booking.manual
                else "no HDC for a life or IPP sentence",
            )
        hdced = self.booking.get(engine.DateType.HDCED)
        if hdced is not None:
            return hdced, ()
        return None, tuple(
            step.detail for step in self.booking.calculation.explain(engine.DateType.HDCED)
        ) or ("no HDC date for this sentence",)

    @property
    def parole(self) -> tuple[date | None, str]:
        """The parole eligibility date, or why none: the engine's PED for the booking, else the old rules' (a
        life or IPP sentence's tariff expiry as recorded)."""
        if self.booking is not None and self.booking.calculation is not None:
            ped = self.booking.get(engine.DateType.PED)
            return ped, "" if ped else "Not a parole case: automatic release"
        if self.booking is not None and self.booking.manual:
            return None, f"This needs a manual calculation, because {self.booking.manual}"
        if self.dates.parole_eligibility:
            return self.dates.parole_eligibility, ""
        return None, (
            "Not a parole case: automatic release"
            if self.dates.automatic_release
            else "Minimum term not recorded"
        )

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


def release_inputs(
    sentences: Iterable[Sentence],
    *,
    on: date,
    registers: tuple[set[int], set[int]] | None = None,
    prefetched: bool = False,
) -> dict[int, tuple[ReleaseFacts | None, rules.CustodialSentence]]:
    """What the rules read for each sentence: the recorded facts, the offence groups of its offences, and the
    registers (terrorism; sex offender notification through MAPPA category 1). Three queries for any number;
    none for sentences from `booking_sentences` (`prefetched`) with the `registers` already read."""
    sentences = list(sentences)
    ids = [s.pk for s in sentences]
    categories: dict[int, set[str]] = defaultdict(set)
    abuse: set[int] = set()
    if prefetched:
        facts = {s.pk: f for s in sentences if (f := _facts(s)) is not None}
        offences = [
            (s.pk, o.ogrs3_category, o.offence_code.ogrs3_category, o.domestic_abuse)
            for s in sentences
            for o in s.offences.all()
        ]
    else:
        facts = {f.sentence_id: f for f in ReleaseFacts.objects.filter(sentence_id__in=ids)}
        offences = list(
            Offence.objects.filter(sentence_id__in=ids).values_list(
                "sentence_id", "ogrs3_category", "offence_code__ogrs3_category", "domestic_abuse"
            )
        )
    for sentence_id, chosen, coded, domestic in offences:
        categories[sentence_id].add(chosen or coded)
        if domestic:
            abuse.add(sentence_id)
    terrorism, sex_register = registers or _registers(list({s.person_id for s in sentences}), on=on)
    out: dict[int, tuple[ReleaseFacts | None, rules.CustodialSentence]] = {}
    for s in sentences:
        f = facts.get(s.pk)
        exclusions = set(f.hdc_exclusions if f else ())
        if s.person_id in sex_register:
            exclusions.add("sex_offender_register")
        sentence_type = (
            old_rules_type(f.sentence_type)
            if f
            else (rules.SentenceType.INDETERMINATE if s.indeterminate else rules.SentenceType.STANDARD)
        )
        out[s.pk] = (
            f,
            rules.CustodialSentence(
                sentence_date=s.sentence_date,
                length_days=s.length_days,
                sentence_type=sentence_type,
                offence_groups=rules.offence_groups(
                    categories[s.pk], domestic_abuse=s.pk in abuse, terrorism=s.person_id in terrorism
                ),
                extended_licence_days=_extension_days(s, f),
                tariff_expiry=f.tariff_expiry_date if f else None,
                parole_board_case=bool(f and f.parole_board_case),
                hdc_exclusions=frozenset(exclusions),
            ),
        )
    return out


def _extension_days(s: Sentence, facts: ReleaseFacts | None) -> int:
    # The old rules count an extended licence in days: years and months counted from the custodial term's end.
    if facts is None or facts.sentence_type != "extended":
        return 0
    term_end = _term(s.term_as_passed).end_date(s.sentence_date)
    extension = engine.Duration(
        years=facts.extension_years, months=facts.extension_months, days=facts.extended_licence_days
    )
    return extension.length_in_days(term_end + timedelta(days=1)) if extension != engine.Duration() else 0


def schemes_in_force(on: date) -> list[EarlyReleaseScheme]:
    return list(
        EarlyReleaseScheme.objects.filter(starts_on__lte=on).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on)
        )
    )


def _evaluate(
    sentences: list[Sentence],
    *,
    on: date,
    schemes: list[EarlyReleaseScheme],
    plans: dict[int, ReleasePlan],
    booking: BookingDates | None = None,
) -> list[SentenceRelease]:
    inputs = release_inputs(
        sentences, on=on, registers=booking.registers if booking else None, prefetched=booking is not None
    )
    out = []
    for s in sentences:
        facts, rule_input = inputs[s.pk]
        plan = plans.get(s.pk)
        approved = bool(plan and plan.risk_plan_approved_on)
        out.append(
            SentenceRelease(
                sentence=s,
                facts=facts,
                inputs=rule_input,
                dates=rules.release_dates(rule_input),
                plan=plan,
                schemes=[
                    (
                        scheme,
                        rules.scheme_eligibility(
                            scheme.as_rule(),
                            rule_input,
                            release_date=s.release_date,
                            on=on,
                            plan_approved=approved,
                        ),
                    )
                    for scheme in schemes
                ],
                booking=booking,
            )
        )
    return out


def person_releases(
    person_id: int, *, on: date, booking: BookingDates | None = None
) -> list[SentenceRelease]:
    """A person's custodial sentences not yet released from, with dates, working, plan and scheme eligibility.
    The caller has already checked the person is visible."""
    booking = booking or booking_dates(person_id, on=on)
    sentences = sorted(
        (s for s in booking.sentences if not s.release_is_actual),
        key=lambda s: (s.sentence_date, s.pk),
        reverse=True,
    )
    plans = {p.sentence_id: p for p in ReleasePlan.objects.filter(sentence__in=sentences)}
    out = _evaluate(sentences, on=on, schemes=schemes_in_force(on), plans=plans, booking=booking)
    return out


def person_released(person_id: int, *, limit: int = 5) -> list[Sentence]:
    """A person's latest custodial sentences released from, each with its recorded `release` (None for a
    release loaded from elsewhere; after a recall, the latest) and plan. Two queries. The caller has already
    checked the person is visible."""
    sentences = list(
        Sentence.objects.filter(person_id=person_id, kind=SentenceKind.CUSTODY, release_is_actual=True)
        .select_related("release_plan", "establishment")
        .order_by("-release_date", "-pk")[:limit]
    )
    # The latest release recorded (a re-release after a recall, else the first), as `release`: one query more.
    latest: dict[int, Release] = {}
    for release in Release.objects.filter(sentence__in=sentences).order_by("released_on", "id"):
        latest[release.sentence_id] = release
    for s in sentences:
        s.release = latest.get(s.pk)  # type: ignore[attr-defined]
    return sentences


def early_release_list(
    actor: Actor, scheme: EarlyReleaseScheme, *, on: date, weeks: int | None = None
) -> list[SentenceRelease]:
    """Everyone the actor may see due for release in the coming weeks, with their eligibility under one
    scheme."""
    horizon = on + timedelta(weeks=weeks or settings.DESIST_RELEASE_HORIZON_WEEKS)
    sentences = list(
        Sentence.objects.filter(
            person__in=visible_people(actor, on=on),
            kind=SentenceKind.CUSTODY,
            release_is_actual=False,
            release_date__gte=on,
            release_date__lte=horizon,
        )
        .filter(Q(terminated_date__isnull=True) | Q(terminated_date__gt=on))
        .select_related("person", "establishment")
        .order_by("release_date", "id")
    )
    plans = {p.sentence_id: p for p in ReleasePlan.objects.filter(sentence__in=[s.pk for s in sentences])}
    return _evaluate(sentences, on=on, schemes=[scheme], plans=plans)


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
    if status:
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


@dataclass
class BookingDates:
    """A person's custodial sentences as one booking (concurrent unless consecutive), with the engine's dates
    and their working, or why a person must work them out ("this needs a manual calculation, because …")."""

    sentences: list[Sentence]
    calculation: engine.Calculation | None = None
    manual: str = ""
    tariffs: list[tuple[Sentence, date | None]] = field(default_factory=list)  # life or IPP: the tariff's end
    registers: tuple[set[int], set[int]] = (set(), set())  # terrorism, sex offender notification (person ids)

    @property
    def dates(self) -> list[WorkedDate]:
        if self.calculation is None:
            return []
        return [
            WorkedDate(str(t), label, self.calculation.dates[t], tuple(self.calculation.explain(t)))
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
        """The sentence fields these dates fill where desist works them out (`Sentence.dates_calculated`)."""
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
    rows = list(
        Sentence.objects.filter(person_id=person_id, kind=SentenceKind.CUSTODY)
        .filter(Q(terminated_date__isnull=True) | Q(terminated_date__gt=on))
        .annotate(recalled=Exists(Recall.objects.filter(sentence=OuterRef("pk"))))
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
        Prefetch("recalls", queryset=Recall.objects.order_by("-recalled_on", "-id")),
        "adjustments",
        Prefetch("offences", queryset=Offence.objects.select_related("offence_code")),
    )
    for s in booking:
        recalls = list(s.recalls.all())
        s.latest_recall = recalls[0] if recalls else None  # type: ignore[attr-defined]
    return booking


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


def _engine_adjustments(sentences: list[Sentence]) -> tuple[engine.Adjustments, ...]:
    out = []
    for s in sentences:
        for a in s.adjustments.all():
            if a.kind == AdjustmentKind.REMAND:
                out.append(engine.Adjustments(remand=a.days, applies_from=s.sentence_date))
            elif a.kind == AdjustmentKind.TAGGED_BAIL:
                out.append(engine.Adjustments(tagged_bail=a.days, applies_from=s.sentence_date))
            elif a.kind == AdjustmentKind.UNLAWFULLY_AT_LARGE:
                out.append(engine.Adjustments(unlawfully_at_large=a.days, starts=a.from_date))
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
    sentences = booking_sentences(person_id, on=on)
    terrorism, sex_register = _registers([person_id], on=on) if sentences else (set(), set())
    result = BookingDates(sentences=sentences, registers=(terrorism, sex_register))
    if not sentences:
        result.manual = "there is no custodial sentence to work out"
        return result
    indeterminate = [s for s in sentences if sentence_type_of(s) == "indeterminate"]
    result.tariffs = [(s, f.tariff_expiry_date if (f := _facts(s)) else None) for s in indeterminate]
    if indeterminate:
        if len(indeterminate) < len(sentences):
            result.manual = "a life or IPP sentence is served with determinate sentences"
        return result  # release only on the Parole Board's direction, from the tariff's end
    person = sentences[0].person
    if person.date_of_birth is None:
        result.manual = "the date of birth is not recorded"
        return result
    booking = engine.Booking(
        date_of_birth=person.date_of_birth,
        sentences=tuple(_engine_sentence(s, _groups(s, terrorism=person_id in terrorism)) for s in sentences),
        adjustments=_engine_adjustments(sentences),
        sex_offender=person_id in sex_register,
        early_removal=any("deportation" in (f.hdc_exclusions if (f := _facts(s)) else ()) for s in sentences),
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
