"""Reads about releases, each limited to the people the actor may see (people.selectors.visible_people)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet

from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.core import release as rules
from desist.offences.models import Offence
from desist.partnership.models import Agency, AgencyKind
from desist.people.selectors import visible_people
from desist.registers.models import RegisterEntry
from desist.release.models import (
    EarlyReleaseScheme,
    Escalation,
    EscalationStatus,
    PathwayStatus,
    PathwayStatusKind,
    PlanTask,
    ReleaseFacts,
    ReleasePlan,
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


def plans_visible(actor: Actor, *, on: date | None = None) -> QuerySet[ReleasePlan]:
    """Release plans of people the actor may see."""
    return ReleasePlan.objects.filter(person__in=visible_people(actor, on=on))


def release_pipeline(actor: Actor, filters: PipelineFilters, *, on: date) -> QuerySet[ReleasePlan]:
    """Everyone the actor may see released in the coming weeks, soonest first, with what each plan is missing."""
    plans = plans_visible(actor, on=on).filter(
        release_date__gte=on, release_date__lte=on + timedelta(weeks=filters.weeks), sentence__release_is_actual=False)
    if filters.prison:
        plans = plans.filter(prison_id=filters.prison)
    if filters.district:
        plans = plans.filter(person__district_id=filters.district)
    if filters.readiness in READINESS_FILTERS:
        plans = plans.filter(READINESS_FILTERS[filters.readiness])
    if filters.short_notice:
        plans = plans.filter(short_notice=True)
    return plans.select_related("person", "person__district", "prison").prefetch_related(
        Prefetch("tasks", queryset=PlanTask.objects.filter(status=TaskStatus.OPEN).order_by("due_date", "id"),
                 to_attr="open_tasks"),
        Prefetch("pathways", queryset=PathwayStatus.objects.filter(status=PathwayStatusKind.NOT_STARTED),
                 to_attr="pathways_not_started"),
    ).order_by("release_date", "id")


def pipeline_counts(plans: QuerySet[ReleasePlan]) -> dict[str, int]:
    """How many plans in each readiness band, and at short notice (one query)."""
    return plans.order_by().aggregate(
        total=Count("id"), short_notice=Count("id", filter=Q(short_notice=True)),
        no_accommodation=Count("id", filter=Q(accommodation_on_release="")),
        **{band: Count("id", filter=q) for band, q in READINESS_FILTERS.items()},
    )


def missing(plan: ReleasePlan) -> list[str]:
    """What a plan from `release_pipeline` still lacks, in words."""
    return rules.missing_items(rules.PlanFacts(
        open_tasks=tuple(t.title for t in getattr(plan, "open_tasks", [])),
        pathways_not_started=tuple(p.pathway for p in getattr(plan, "pathways_not_started", [])),
        accommodation_on_release=plan.accommodation_on_release,
    ))


def plan_detail(actor: Actor, plan_id: int) -> ReleasePlan | None:
    """One plan with its pathways and tasks, or None where the actor may not see the person."""
    return (plans_visible(actor).filter(pk=plan_id)
            .select_related("person", "sentence", "prison", "risk_plan_approved_by")
            .prefetch_related("pathways", Prefetch("tasks", queryset=PlanTask.objects.select_related(
                "owner_agency", "owner_user").order_by("due_date", "id")))
            .first())


# --- One getter per guarded thing: the record, or a logged refusal (desist.audit.refusals) ---------------


def plan_for_actor(actor: Actor, plan_id: int) -> ReleasePlan:
    """`plan_detail`, or the refusal logged and the channel's 404 raised."""
    plan = plan_detail(actor, plan_id)
    if plan is None:
        person_id = ReleasePlan.objects.filter(pk=plan_id).values_list("person_id", flat=True).first()
        refuse(actor, summary=f"Refused access to release plan {plan_id}", person_id=person_id)
    return plan


def sentence_for_actor(actor: Actor, sentence_id: int, *, custodial: bool = True) -> Sentence:
    """A (custodial, unless told otherwise) sentence of a person the actor may see, or a logged refusal (404)."""
    sentences = Sentence.objects.filter(pk=sentence_id, person__in=visible_people(actor))
    sentence = (sentences.filter(kind=SentenceKind.CUSTODY) if custodial else sentences).first()
    if sentence is None:
        person_id = Sentence.objects.filter(pk=sentence_id).values_list("person_id", flat=True).first()
        refuse(actor, summary=f"Refused access to sentence {sentence_id}", person_id=person_id)
    return sentence


def task_for_actor(actor: Actor, task_id: int) -> PlanTask:
    """A release plan task about a person the actor may see, or a logged refusal (404)."""
    task = PlanTask.objects.filter(pk=task_id, plan__person__in=visible_people(actor)).select_related("plan").first()
    if task is None:
        person_id = PlanTask.objects.filter(pk=task_id).values_list("plan__person_id", flat=True).first()
        refuse(actor, summary=f"Refused access to release plan task {task_id}", person_id=person_id)
    return task


def escalation_for_actor(actor: Actor, escalation_id: int) -> Escalation:
    """An escalation addressed to the actor or their agency, about a person they may see, or a logged refusal."""
    escalation = escalations_for(actor, status="").filter(pk=escalation_id).first()
    if escalation is None:
        person_id = Escalation.objects.filter(pk=escalation_id).values_list("person_id", flat=True).first()
        refuse(actor, summary=f"Refused access to escalation {escalation_id}", person_id=person_id)
    return escalation


# --- Release facts and eligibility -------------------------------------------------------------------


@dataclass
class SentenceRelease:
    """One custodial sentence with its computed release dates and its eligibility under each scheme in force."""

    sentence: Sentence
    facts: ReleaseFacts | None
    inputs: rules.CustodialSentence
    dates: rules.ReleaseDates
    plan: ReleasePlan | None = None
    schemes: list[tuple[EarlyReleaseScheme, rules.SchemeEligibility]] = field(default_factory=list)

    @property
    def sentence_type_label(self) -> str:
        return rules.SENTENCE_TYPE_LABELS[rules.SentenceType(self.inputs.sentence_type)]

    @property
    def differences(self) -> list[str]:
        """Where the recorded dates differ from desist's working: the prison's calculation is the one that counts."""
        out = []
        for label, recorded, worked in (
            ("conditional release date", self.sentence.conditional_release_date, self.dates.conditional_release),
            ("licence expiry", self.sentence.licence_expiry_date, self.dates.licence_expiry),
            ("sentence expiry", self.sentence.sentence_expiry_date, self.dates.sentence_expiry),
        ):
            if recorded and worked and recorded != worked:
                out.append(f"The recorded {label} ({recorded:%d %b %Y}) differs from desist's working "
                           f"({worked:%d %b %Y}): check with the prison's calculation.")
        return out


def release_inputs(sentences: Iterable[Sentence], *, on: date) -> dict[int, tuple[ReleaseFacts | None,
                                                                                   rules.CustodialSentence]]:
    """What the rules read for each sentence: the recorded facts, the offence groups of its offences, and the
    registers (terrorism; sex offender notification through MAPPA category 1). Three queries for any number."""
    sentences = list(sentences)
    ids = [s.pk for s in sentences]
    facts = {f.sentence_id: f for f in ReleaseFacts.objects.filter(sentence_id__in=ids)}
    categories: dict[int, set[str]] = defaultdict(set)
    abuse: set[int] = set()
    for sentence_id, chosen, coded, domestic in Offence.objects.filter(sentence_id__in=ids).values_list(
            "sentence_id", "ogrs3_category", "offence_code__ogrs3_category", "domestic_abuse"):
        categories[sentence_id].add(chosen or coded)
        if domestic:
            abuse.add(sentence_id)
    terrorism: set[int] = set()
    sex_register: set[int] = set()
    for person_id, kind, category in (RegisterEntry.objects.filter(person_id__in={s.person_id for s in sentences},
                                                                   start_date__lte=on)
                                      .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
                                      .values_list("person_id", "kind", "mappa_category")):
        if kind == "terrorism" or category == 4:
            terrorism.add(person_id)
        if category == 1:
            sex_register.add(person_id)
    out: dict[int, tuple[ReleaseFacts | None, rules.CustodialSentence]] = {}
    for s in sentences:
        f = facts.get(s.pk)
        exclusions = set(f.hdc_exclusions if f else ())
        if s.person_id in sex_register:
            exclusions.add("sex_offender_register")
        sentence_type = f.sentence_type if f else (rules.SentenceType.INDETERMINATE if s.indeterminate
                                                   else rules.SentenceType.STANDARD)
        out[s.pk] = (f, rules.CustodialSentence(
            sentence_date=s.sentence_date, length_days=s.length_days, sentence_type=sentence_type,
            offence_groups=rules.offence_groups(categories[s.pk], domestic_abuse=s.pk in abuse,
                                                terrorism=s.person_id in terrorism),
            extended_licence_days=f.extended_licence_days if f else 0,
            tariff_expiry=f.tariff_expiry_date if f else None,
            parole_board_case=bool(f and f.parole_board_case), hdc_exclusions=frozenset(exclusions),
        ))
    return out


def schemes_in_force(on: date) -> list[EarlyReleaseScheme]:
    return list(EarlyReleaseScheme.objects.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on)))


def _evaluate(sentences: list[Sentence], *, on: date, schemes: list[EarlyReleaseScheme],
              plans: dict[int, ReleasePlan]) -> list[SentenceRelease]:
    inputs = release_inputs(sentences, on=on)
    out = []
    for s in sentences:
        facts, rule_input = inputs[s.pk]
        plan = plans.get(s.pk)
        approved = bool(plan and plan.risk_plan_approved_on)
        out.append(SentenceRelease(
            sentence=s, facts=facts, inputs=rule_input, dates=rules.release_dates(rule_input), plan=plan,
            schemes=[(scheme, rules.scheme_eligibility(scheme.as_rule(), rule_input, release_date=s.release_date,
                                                       on=on, plan_approved=approved)) for scheme in schemes],
        ))
    return out


def person_releases(person_id: int, *, on: date) -> list[SentenceRelease]:
    """A person's custodial sentences not yet released from, with dates, working, plan and scheme eligibility.
    The caller has already checked the person is visible."""
    sentences = list(Sentence.objects.filter(person_id=person_id, kind=SentenceKind.CUSTODY, release_is_actual=False)
                     .filter(Q(terminated_date__isnull=True) | Q(terminated_date__gt=on))
                     .select_related("establishment").order_by("-sentence_date"))
    plans = {p.sentence_id: p for p in ReleasePlan.objects.filter(sentence__in=sentences)}
    return _evaluate(sentences, on=on, schemes=schemes_in_force(on), plans=plans)


def person_released(person_id: int, *, limit: int = 5) -> list[Sentence]:
    """A person's latest custodial sentences released from, each with its recorded `release` (None for a release
    loaded from elsewhere) and plan. One query. The caller has already checked the person is visible."""
    return list(Sentence.objects.filter(person_id=person_id, kind=SentenceKind.CUSTODY, release_is_actual=True)
                .select_related("release", "release_plan", "establishment").order_by("-release_date", "-pk")[:limit])


def early_release_list(actor: Actor, scheme: EarlyReleaseScheme, *, on: date,
                       weeks: int | None = None) -> list[SentenceRelease]:
    """Everyone the actor may see due for release in the coming weeks, with their eligibility under one scheme."""
    horizon = on + timedelta(weeks=weeks or settings.DESIST_RELEASE_HORIZON_WEEKS)
    sentences = list(Sentence.objects.filter(
        person__in=visible_people(actor, on=on), kind=SentenceKind.CUSTODY, release_is_actual=False,
        release_date__gte=on, release_date__lte=horizon,
    ).filter(Q(terminated_date__isnull=True) | Q(terminated_date__gt=on)).select_related("person", "establishment")
        .order_by("release_date", "id"))
    plans = {p.sentence_id: p for p in ReleasePlan.objects.filter(sentence__in=[s.pk for s in sentences])}
    return _evaluate(sentences, on=on, schemes=[scheme], plans=plans)


# --- Escalations --------------------------------------------------------------------------------------


def escalations_for(actor: Actor, *, status: str = EscalationStatus.OPEN, mine: bool = False) -> QuerySet[Escalation]:
    """Escalations about people the actor may see, addressed to the actor (as responsible officer or owner) or,
    unless `mine`, to one of the actor's agencies. A work queue can list them the same way."""
    addressed = Q(responsible_officer_id=actor.user_id) | Q(owner_user_id=actor.user_id)
    if not mine:
        addressed |= Q(owner_agency_id__in=actor.agency_ids)
    rows = Escalation.objects.filter(addressed, person__in=visible_people(actor))
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("person", "task", "owner_agency", "responsible_officer", "plan").order_by(
        "release_date", "due_date", "id")
