"""Escalations of release plans: every open task of a plan whose release is 12, 4 or 1 weeks away (the
nearest point reached), and every open task of a short-notice release at once. The daily task and the
short-notice task (`desist.release.tasks`) run this; the services queue the latter through the tasks module.

Below `desist.release.services` and `desist.release.tasks`: it imports neither (services -> tasks ->
escalation, never back)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core import release as rules
from desist.partnership.models import AgencyKind
from desist.people.models import Involvement
from desist.release.models import Escalation, EscalationReason, PlanTask, ReleasePlan, TaskStatus


def responsible_officers(person_ids: Iterable[int], on: date) -> dict[int, int]:
    """Each person's responsible officer: the lead worker of their current probation involvement."""
    officers: dict[int, int] = {}
    for person_id, user_id in (
        Involvement.objects.filter(
            person_id__in=list(person_ids), agency__kind=AgencyKind.PROBATION, lead_worker__isnull=False
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by("start_date")
        .values_list("person_id", "lead_worker_id")
    ):
        officers[person_id] = user_id
    return officers


def escalations_raise(
    *, actor: Actor, on: date | None = None, plan_ids: Iterable[int] | None = None, batch_size: int = 2000
) -> int:
    """Raise what is due: every open task of a plan whose release is 12, 4 or 1 weeks away (the nearest point
    reached), and every open task of a short-notice release at once. Never the same escalation twice."""
    on = on or timezone.localdate()
    weeks = tuple(settings.DESIST_RELEASE_ESCALATION_WEEKS)
    # A plan whose date needs a manual calculation holds only the last date worked out, and one recalled and
    # not yet back in custody has no release to count down to: nothing escalates from either.
    plans = ReleasePlan.objects.filter(
        release_date__gte=on,
        release_date__lte=on + timedelta(weeks=max(weeks)),
        sentence__release_is_actual=False,
        manual_calculation="",
    ).exclude(recall__isnull=False, recall__returned_to_custody__isnull=True)
    if plan_ids is not None:
        plans = plans.filter(pk__in=list(plan_ids))
    ids = list(plans.values_list("pk", flat=True))
    raised = 0
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            raised += _raise_batch(ids[start : start + batch_size], on, weeks)
    if raised:
        log_access(
            actor=actor,
            action=Action.COLLECTION,
            summary=f"Raised {raised} release escalations",
            detail={"escalations": raised, "plans": len(ids)},
        )
    return raised


def _raise_batch(plan_ids: list[int], on: date, weeks: tuple[int, ...]) -> int:
    plans = {p.pk: p for p in ReleasePlan.objects.filter(pk__in=plan_ids)}
    officers = responsible_officers({p.person_id for p in plans.values()}, on)
    probation = dict(
        Involvement.objects.filter(
            person_id__in={p.person_id for p in plans.values()}, agency__kind=AgencyKind.PROBATION
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("person_id", "agency_id")
    )
    # (plan, task or None, reason, weeks before or None, release date), as `add` keys them
    existing: set[tuple[int, int | None, str, int | None, date]] = set(
        Escalation.objects.filter(plan_id__in=plan_ids).values_list(
            "plan_id", "task_id", "reason", "weeks_before", "release_date"
        )
    )
    rows: list[Escalation] = []

    def add(
        plan: ReleasePlan, task: PlanTask | None, reason: str, weeks_before: int | None, summary: str
    ) -> None:
        key = (plan.pk, task.pk if task else None, reason, weeks_before, plan.release_date)
        if key in existing:
            return
        existing.add(key)
        rows.append(
            Escalation(
                person_id=plan.person_id,
                plan=plan,
                task=task,
                reason=reason,
                weeks_before=weeks_before,
                release_date=plan.release_date,
                raised_on=on,
                responsible_officer_id=officers.get(plan.person_id),
                owner_agency_id=task.owner_agency_id if task else probation.get(plan.person_id),
                owner_user_id=task.owner_user_id if task else None,
                due_date=task.due_date if task else on,
                summary=summary[:300],
            )
        )

    open_tasks: dict[int, list[PlanTask]] = defaultdict(list)
    for task in PlanTask.objects.filter(plan_id__in=plan_ids, status=TaskStatus.OPEN).order_by(
        "due_date", "id"
    ):
        open_tasks[task.plan_id].append(task)
    for plan in plans.values():
        days = (plan.release_date - on).days
        if plan.short_notice:
            add(
                plan,
                None,
                EscalationReason.SHORT_NOTICE,
                None,
                f"Short-notice release on {plan.release_date:%d %b %Y} ({days} days away): "
                f"{len(open_tasks[plan.pk])} tasks open",
            )
            for task in open_tasks[plan.pk]:
                add(
                    plan,
                    task,
                    EscalationReason.SHORT_NOTICE,
                    None,
                    f"{task.title}: still open, release at short notice on {plan.release_date:%d %b %Y}",
                )
        milestone = rules.escalation_milestone(release_date=plan.release_date, on=on, weeks=weeks)
        if milestone is None:
            continue
        for task in open_tasks[plan.pk]:
            add(
                plan,
                task,
                EscalationReason.MILESTONE,
                milestone,
                f"{task.title}: still open {milestone} week{'s' if milestone != 1 else ''} before release "
                f"on {plan.release_date:%d %b %Y}",
            )
    Escalation.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
