"""The work queue: one list per user of what needs them today, only about people they may see. Each group is a
count and its most urgent rows, two queries a group whatever the size."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from desist.audit.context import Actor
from desist.people.models import Involvement
from desist.people.selectors import visible_people
from desist.release.models import PlanTask, ReleasePlan, TaskStatus
from desist.release.selectors import escalations_for
from desist.victims.selectors import notifications_outstanding
from desist.victims.services import is_victim_liaison

ROWS_PER_GROUP = 25


@dataclass
class Group:
    """One kind of work: how many there are, how many are overdue, and the most urgent first."""

    key: str
    title: str
    count: int = 0
    overdue: int = 0
    rows: list[Any] = field(default_factory=list)


def _group(key: str, title: str, rows: QuerySet[Any], *, overdue: Q | None = None) -> Group:
    counts = rows.order_by().aggregate(count=Count("id"), overdue=Count("id", filter=overdue or Q(pk__in=[])))
    return Group(
        key=key,
        title=title,
        count=counts["count"],
        overdue=counts["overdue"],
        rows=list(rows[:ROWS_PER_GROUP]),
    )


def plan_tasks_due(actor: Actor, *, on: date) -> QuerySet[PlanTask]:
    """Open release plan tasks owned by the actor or their agency, overdue or due within
    DESIST_WORKQUEUE_DUE_DAYS."""
    owned = Q(owner_user_id=actor.user_id) | Q(owner_agency_id__in=actor.agency_ids)
    return (
        PlanTask.objects.filter(
            owned,
            status=TaskStatus.OPEN,
            due_date__lte=on + timedelta(days=settings.DESIST_WORKQUEUE_DUE_DAYS),
            plan__person__in=visible_people(actor, on=on),
        )
        .select_related("plan__person", "owner_agency")
        .order_by("due_date", "plan__release_date", "id")
    )


def releases_coming(actor: Actor, *, on: date) -> QuerySet[ReleasePlan]:
    """Releases within DESIST_WORKQUEUE_RELEASE_WEEKS of the people the actor is lead worker for."""
    led = (
        Involvement.objects.filter(lead_worker_id=actor.user_id)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values("person_id")
    )
    window = Q(
        release_date__gte=on, release_date__lte=on + timedelta(weeks=settings.DESIST_WORKQUEUE_RELEASE_WEEKS)
    )
    # A release whose date needs a manual calculation is listed whatever its last date (release.services).
    return (
        ReleasePlan.objects.filter(
            window | ~Q(manual_calculation=""),
            person__in=visible_people(actor, on=on).filter(pk__in=led),
            sentence__release_is_actual=False,
        )
        .select_related("person")
        .order_by("release_date", "id")
    )


def _referrals_needing() -> Callable[..., Any] | None:
    # desist.referrals is built alongside; the queue works without it.
    try:
        module = importlib.import_module("desist.referrals.selectors")
    except ImportError:
        return None
    return getattr(module, "referrals_needing", None)


def work_queue(actor: Actor, *, on: date) -> list[Group]:
    """Everything that needs the actor today, most urgent group first, each sorted by urgency."""
    if actor.user_id is None or not actor.agency_ids:
        return []
    groups = [
        _group("tasks", "Release plan tasks due", plan_tasks_due(actor, on=on), overdue=Q(due_date__lt=on)),
        _group("escalations", "Escalations", escalations_for(actor), overdue=Q(due_date__lt=on)),
    ]
    needing = _referrals_needing()
    if needing is not None:
        # The referrals app answers for the agency; the queue still keeps to the people the user may see.
        referrals = needing(actor, on).filter(person__in=visible_people(actor, on=on))
        groups.append(
            _group("referrals", "Referrals waiting for your agency", referrals, overdue=Q(overdue_on__lte=on))
        )
    if is_victim_liaison(actor):
        groups.append(
            _group(
                "victims",
                "Victim notifications",
                notifications_outstanding(actor),
                overdue=Q(deadline__lt=on),
            )
        )
    groups.append(_group("releases", "Releases coming up on your caseload", releases_coming(actor, on=on)))
    return groups
