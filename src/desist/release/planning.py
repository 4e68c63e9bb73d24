"""Release plans, one per person per custodial episode (issue 12): a prison releases a person once from all
the sentences served together, concurrent and consecutive, so the plan is for that release. The sentences
awaiting release together are the episode; the plan lists them (`PlanSentence`), takes its date from the one
released last (`ReleasePlan.sentence`), and plans found for the sentences of one episode (from before plans
were per episode, or a recalled sentence joining sentences that already have a plan) are merged into one,
keeping every task and their history.

Below `desist.release.services` and `desist.release.tasks`: it imports neither (services -> tasks ->
escalation and planning, never back)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core import release as rules
from desist.partnership.models import Agency, AgencyKind
from desist.people.models import Involvement, Person
from desist.release.models import (
    Escalation,
    PathwayStatus,
    PathwayStatusKind,
    PlanSentence,
    PlanTask,
    ReleasePlan,
    TaskStatus,
)
from desist.sentences.models import Sentence, SentenceKind


def awaiting_release(on: date) -> QuerySet[Sentence]:
    """Custodial sentences not yet released from (or back in custody on after a recall) and not ended."""
    return Sentence.objects.filter(kind=SentenceKind.CUSTODY, release_is_actual=False).filter(
        Q(terminated_date__isnull=True) | Q(terminated_date__gt=on)
    )


def episode_sentences(person_id: int, *, on: date) -> list[Sentence]:
    """A person's custodial episode: the sentences awaiting release together, oldest first."""
    return list(awaiting_release(on).filter(person_id=person_id).order_by("sentence_date", "pk"))


def governing(sentences: Iterable[Sentence]) -> Sentence | None:
    """The sentence released last, whose release is the person's: the latest expected release date (the
    latest sentence on a tie); None when none has a date."""
    dated = [s for s in sentences if s.release_date is not None]
    return max(dated, key=lambda s: (s.release_date, s.sentence_date, s.pk)) if dated else None


def episode_release_date(sentences: Iterable[Sentence]) -> date | None:
    """The day the person is expected to be released from the episode: the governing sentence's date."""
    lead = governing(sentences)
    return lead.release_date if lead else None


def plan_of(sentence: Sentence) -> ReleasePlan | None:
    """The plan a sentence is in (the release it was last released, or is to be released, on)."""
    return ReleasePlan.objects.filter(memberships__sentence=sentence).first()


# --- Starting a plan ----------------------------------------------------------------------------------


@dataclass
class Owners:
    """Which agency owns a catalogue task for a person: one involved with them, else one in their district."""

    involved: dict[int, dict[str, int]]  # person -> agency kind -> agency id
    by_district: dict[tuple[int | None, str], int]
    any_of_kind: dict[str, int]

    @classmethod
    def load(cls, person_ids: list[int], on: date) -> Owners:
        involved: dict[int, dict[str, int]] = defaultdict(dict)
        for person_id, agency_id, kind in (
            Involvement.objects.filter(person_id__in=person_ids)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            .order_by("start_date")
            .values_list("person_id", "agency_id", "agency__kind")
        ):
            involved[person_id][kind] = agency_id
        by_district: dict[tuple[int | None, str], int] = {}
        any_of_kind: dict[str, int] = {}
        for agency_id, kind, district_id in Agency.objects.order_by("-id").values_list(
            "id", "kind", "district_id"
        ):
            by_district[(district_id, kind)] = agency_id
            any_of_kind[kind] = agency_id
        return cls(involved=involved, by_district=by_district, any_of_kind=any_of_kind)

    def agency_for(
        self, person_id: int, district_id: int | None, kind: str, prison_id: int | None
    ) -> int | None:
        if kind == AgencyKind.PRISON and prison_id is not None:
            return prison_id
        return (
            self.involved.get(person_id, {}).get(kind)
            or self.by_district.get((district_id, kind))
            or self.any_of_kind.get(kind)
        )


def plan_rows(
    lead: Sentence, owners: Owners, district_id: int | None, on: date
) -> tuple[ReleasePlan, list[PathwayStatus], list[PlanTask]]:
    """A new plan for the release governed by `lead`, with its pathways and catalogue tasks (not saved)."""
    assert lead.release_date is not None
    plan = ReleasePlan(
        person_id=lead.person_id,
        sentence=lead,
        release_date=lead.release_date,
        prison_id=lead.establishment_id,
        created_on=on,
        tasks_total=len(rules.TASK_CATALOGUE),
    )
    pathways = [PathwayStatus(plan=plan, pathway=p) for p in rules.Pathway]
    tasks = [
        PlanTask(
            plan=plan,
            kind=k.code,
            title=k.label,
            pathway=k.pathway,
            owner_agency_id=owners.agency_for(
                lead.person_id, district_id, k.owner_agency_kind, lead.establishment_id
            ),
            due_date=rules.task_due_date(k, release_date=lead.release_date, on=on),
        )
        for k in rules.TASK_CATALOGUE
    ]
    return plan, pathways, tasks


def plan_create(*, actor: Actor, sentences: list[Sentence], on: date) -> ReleasePlan:
    """Start the plan for an episode's release (its sentences, one of them with a date). The one-plan-a-
    sentence rule (`PlanSentence.sentence`) refuses a second plan for any of them (IntegrityError)."""
    lead = governing(sentences)
    assert lead is not None
    district_id = Person.objects.filter(pk=lead.person_id).values_list("district_id", flat=True).first()
    plan, pathways, tasks = plan_rows(lead, Owners.load([lead.person_id], on), district_id, on)
    plan.save()
    PlanSentence.objects.bulk_create([PlanSentence(plan=plan, sentence=s) for s in sentences])
    PathwayStatus.objects.bulk_create(pathways)
    PlanTask.objects.bulk_create(tasks)
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        person_id=lead.person_id,
        obj=plan,
        summary=f"Started the release plan for {plan.release_date:%d %b %Y}",
        detail={"sentence": lead.pk, "sentences": [s.pk for s in sentences], "tasks": len(tasks)},
    )
    return plan


def releases_due_without_plan(on: date, weeks: int | None = None) -> QuerySet[Sentence]:
    """Custodial sentences awaiting release with an expected release in the coming weeks and no plan yet."""
    horizon = on + timedelta(weeks=weeks or settings.DESIST_RELEASE_HORIZON_WEEKS)
    return awaiting_release(on).filter(
        release_date__gte=on, release_date__lte=horizon, plan_membership__isnull=True
    )


def release_plans_start_due(*, actor: Actor, on: date | None = None, batch_size: int = 2000) -> int:
    """Start a plan for every release due in the horizon that has none (daily, and in the demo build): one
    for each person whose episode is released within it (the episode's latest release), none where a
    sentence of the episode already has one."""
    on = on or timezone.localdate()
    horizon = on + timedelta(weeks=settings.DESIST_RELEASE_HORIZON_WEEKS)
    person_ids = sorted(set(releases_due_without_plan(on).values_list("person_id", flat=True)))
    started = 0
    for start in range(0, len(person_ids), batch_size):
        batch = person_ids[start : start + batch_size]
        with transaction.atomic():
            episodes: dict[int, list[Sentence]] = defaultdict(list)
            planned: set[int] = set()
            for s in (
                awaiting_release(on)
                .filter(person_id__in=batch)
                .annotate(
                    planned=ExpressionWrapper(Q(plan_membership__isnull=False), output_field=BooleanField())
                )
                .order_by("sentence_date", "pk")
            ):
                episodes[s.person_id].append(s)
                if s.planned:
                    planned.add(s.person_id)
            due = {
                person_id: sentences
                for person_id, sentences in episodes.items()
                if person_id not in planned
                and (when := episode_release_date(sentences)) is not None
                and on <= when <= horizon
            }
            if not due:
                continue
            districts = dict(Person.objects.filter(pk__in=list(due)).values_list("pk", "district_id"))
            owners = Owners.load(list(due), on)
            rows = [
                (plan_rows(lead, owners, districts.get(person_id), on), sentences)
                for person_id, sentences in due.items()
                if (lead := governing(sentences)) is not None
            ]
            ReleasePlan.objects.bulk_create([plan for (plan, _, _), _ in rows])
            members: list[PlanSentence] = []
            for (plan, pathways, tasks), sentences in rows:
                members += [PlanSentence(plan_id=plan.pk, sentence_id=s.pk) for s in sentences]
                for pathway in pathways:
                    pathway.plan_id = plan.pk
                for task in tasks:
                    task.plan_id = plan.pk
            PlanSentence.objects.bulk_create(members, batch_size=5000)
            PathwayStatus.objects.bulk_create(
                [p for (_, pathways, _), _ in rows for p in pathways], batch_size=5000
            )
            PlanTask.objects.bulk_create([t for (_, _, tasks), _ in rows for t in tasks], batch_size=5000)
            started += len(rows)
    if started:
        log_access(
            actor=actor,
            action=Action.COLLECTION,
            summary=f"Started release plans for {started} releases due",
            detail={"plans": started},
        )
    return started


def recount(plan: ReleasePlan) -> None:
    """Keep the plan's task counts and readiness in step with its tasks."""
    counts = {s: 0 for s in TaskStatus.values}
    for status in plan.tasks.values_list("status", flat=True):
        counts[status] += 1
    plan.tasks_total = sum(counts.values())
    plan.tasks_closed = counts[TaskStatus.DONE] + counts[TaskStatus.NOT_NEEDED]
    plan.readiness_percent = plan.readiness.percent
    plan.save(update_fields=["tasks_total", "tasks_closed", "readiness_percent"])


# --- One plan for the episode -------------------------------------------------------------------------


def episode_plan(*, actor: Actor, person_id: int, on: date) -> ReleasePlan | None:
    """The plan of the person's custodial episode, brought in step with it: every sentence awaiting release is
    in it, plans found for any of them are merged into the oldest, and its `sentence` is the one released
    last. None when no sentence of the episode has a plan yet (or nothing awaits release)."""
    sentences = episode_sentences(person_id, on=on)
    if not sentences:
        return None
    ids = [s.pk for s in sentences]
    plans = list(
        ReleasePlan.objects.filter(memberships__sentence_id__in=ids).distinct().order_by("created_on", "id")
    )
    if not plans:
        return None
    plan = plans[0]
    for other in plans[1:]:
        plans_merge(actor=actor, keep=plan, other=other)
    joined = sorted(
        set(ids) - set(PlanSentence.objects.filter(plan=plan).values_list("sentence_id", flat=True))
    )
    if joined:
        PlanSentence.objects.bulk_create([PlanSentence(plan=plan, sentence_id=pk) for pk in joined])
        log_access(
            actor=actor,
            action=Action.ALTERATION,
            person_id=person_id,
            obj=plan,
            summary=f"Release plan: {len(joined)} sentence{'s' if len(joined) != 1 else ''} served with the "
            "others joined the plan (one release for all of them)",
            detail={"sentences": joined},
        )
    lead = governing(sentences) or next((s for s in sentences if s.pk == plan.sentence_id), sentences[-1])
    if plan.sentence_id != lead.pk:
        plan.sentence = lead
        plan.save(update_fields=["sentence"])
    return plan


def _best(tasks: list[PlanTask]) -> PlanTask:
    # Closed before open, then the most recently closed, then the oldest.
    return min(tasks, key=lambda t: (t.status == TaskStatus.OPEN, -(t.done_on or date.min).toordinal(), t.pk))


def plans_merge(*, actor: Actor, keep: ReleasePlan, other: ReleasePlan) -> None:
    """Merge `other` into `keep`, two plans for one release: its sentences, tasks, pathways' progress and
    escalations come over; a catalogue task both have is kept once (the one done, else the older), with what
    the other arranged added to its detail; the approved risk management plan, accommodation on release,
    short notice and recall are kept from whichever has them. `other` is deleted; the log keeps both."""
    moved_tasks = list(other.tasks.values_list("pk", flat=True))
    PlanSentence.objects.filter(plan=other).update(plan=keep)
    PlanTask.objects.filter(plan=other).update(plan=keep, version=F("version") + 1)
    by_kind: dict[str, list[PlanTask]] = defaultdict(list)
    for task in keep.tasks.exclude(kind="other").order_by("id"):
        by_kind[task.kind].append(task)
    dropped: list[int] = []
    for tasks in by_kind.values():
        if len(tasks) < 2:
            continue
        best = _best(tasks)
        notes = [best.detail] if best.detail else []
        for task in tasks:
            if task.pk == best.pk:
                continue
            arranged = "; ".join(
                part
                for part in (
                    task.provider,
                    f"{task.event_date:%d %b %Y}" if task.event_date else "",
                    task.detail,
                )
                if part
            )
            if arranged and arranged not in best.detail:
                notes.append(f"From the merged plan {other.pk}: {arranged}")
            best.provider = best.provider or task.provider
            best.event_date = best.event_date or task.event_date
            for escalation in Escalation.objects.filter(task=task):
                clash = Escalation.objects.filter(
                    task=best,
                    reason=escalation.reason,
                    weeks_before=escalation.weeks_before,
                    release_date=escalation.release_date,
                ).exists()
                if clash:
                    escalation.delete()  # the same occasion, raised for both plans
                else:
                    escalation.task, escalation.plan = best, keep
                    escalation.save(update_fields=["task", "plan"])
            dropped.append(task.pk)
        best.detail = "\n".join(notes)
        best.save(update_fields=["provider", "event_date", "detail"])
    PlanTask.objects.filter(pk__in=dropped).delete()
    for escalation in Escalation.objects.filter(plan=other):
        clash = (
            escalation.task_id is None
            and Escalation.objects.filter(
                plan=keep, task__isnull=True, reason=escalation.reason, release_date=escalation.release_date
            ).exists()
        )
        if clash:
            escalation.delete()
        else:
            escalation.plan = keep
            escalation.save(update_fields=["plan"])
    theirs = {p.pathway: p for p in other.pathways.all()}
    for mine in keep.pathways.all():
        their = theirs.get(mine.pathway)
        if their is None:
            continue
        if mine.status == PathwayStatusKind.NOT_STARTED and their.status != PathwayStatusKind.NOT_STARTED:
            mine.status = their.status
        if their.note and their.note not in mine.note:
            mine.note = "; ".join(n for n in (mine.note, their.note) if n)[:300]
        mine.save(update_fields=["status", "note"])
    if other.risk_plan_approved_on and (
        keep.risk_plan_approved_on is None or other.risk_plan_approved_on > keep.risk_plan_approved_on
    ):
        keep.risk_plan_approved_on, keep.risk_plan_approved_by_id = (
            other.risk_plan_approved_on,
            other.risk_plan_approved_by_id,
        )
    keep.accommodation_on_release = keep.accommodation_on_release or other.accommodation_on_release
    keep.short_notice = keep.short_notice or other.short_notice
    keep.manual_calculation = keep.manual_calculation or other.manual_calculation
    if other.recall_id and keep.recall_id is None:
        keep.recall_id, keep.reopened_on = other.recall_id, other.reopened_on
    keep.created_on = min(keep.created_on, other.created_on)
    keep.save(
        update_fields=[
            "risk_plan_approved_on",
            "risk_plan_approved_by",
            "accommodation_on_release",
            "short_notice",
            "manual_calculation",
            "recall",
            "reopened_on",
            "created_on",
        ]
    )
    merged = other.pk
    other.delete()
    recount(keep)
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=keep.person_id,
        obj=keep,
        summary=f"Release plan {merged} merged into this one: one plan for the person's release from all the "
        "sentences served together",
        detail={"merged_plan": merged, "tasks_moved": moved_tasks, "duplicate_tasks_folded": dropped},
    )
