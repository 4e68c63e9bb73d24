"""The work queue: one list per user of what needs them today, only about people they may see. Personal by
default ("My cases": the people the user is lead worker for, and what is addressed to them by name); a manager
may look at the team's (everything for the people their agencies work with, and what is addressed to the
agency). Each group is a count and its most urgent rows, two queries a group whatever the size; a release plan
task is listed once, with its latest open escalation, however many milestones it has passed. The team's counts
stop at TEAM_COUNT_CAP ("1,000+"): a manager over a whole agency needs to know the pile is large, not its
exact size, and counting every one of hundreds of thousands of rows is what made the page slow."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from desist.allocation import selectors as allocation
from desist.audit.context import Actor
from desist.core import enforcement as rules
from desist.core.basket.quarters import Quarter
from desist.enforcement import selectors as enforcement
from desist.meetings.selectors import actions_owned
from desist.monitoring.models import Alert, AlertStatus
from desist.monitoring.selectors import open_alerts_for
from desist.partnership.models import Role
from desist.people.models import Involvement, Person
from desist.people.selectors import may_see
from desist.release.models import Escalation, EscalationStatus, PlanTask, ReleasePlan, TaskStatus
from desist.strategy.selectors import updates_due
from desist.supervision import selectors as supervision
from desist.supervision.models import Appointment, AppointmentStatus
from desist.victims.selectors import notifications_outstanding
from desist.victims.services import is_victim_liaison

ROWS_PER_GROUP = 25
# The team view counts the most urgent rows of a group up to this many, "1,000+" beyond (docs/benchmarks.md,
# "My cases"): exact counts over a whole agency cost seconds, and past a thousand the figure changes nothing.
TEAM_COUNT_CAP = 1_000


@dataclass
class Group:
    """One kind of work: how many there are, how many are overdue, and the most urgent first."""

    key: str
    title: str
    count: int = 0
    overdue: int = 0
    rows: list[Any] = field(default_factory=list)
    # There are more than `count` (and `overdue`): the team view stops counting at TEAM_COUNT_CAP.
    capped: bool = False
    overdue_capped: bool = False

    @property
    def count_label(self) -> str:
        """The count as shown: "1,000+" when capped."""
        return f"{self.count:,}+" if self.capped else str(self.count)

    @property
    def overdue_label(self) -> str:
        return f"{self.overdue:,}+" if self.overdue_capped else str(self.overdue)


# When a row is overdue: (field, "lt" or "lte", the day or time it is compared with).
Overdue = tuple[str, str, Any]


def _is_overdue(row: Any, overdue: Overdue) -> bool:
    name, op, limit = overdue
    value = getattr(row, name)
    return value is not None and (value < limit if op == "lt" else value <= limit)


def _group(
    key: str, title: str, rows: QuerySet[Any], *, overdue: Overdue | None = None, cap: int | None = None
) -> Group:
    """The group's most urgent rows, and how many there are and are overdue: one query when they all fit
    (a personal queue, mostly), a second to count them when they do not. With a `cap`, only the most urgent
    cap + 1 rows are counted (read in the order an index keeps them); more than `cap` is shown as "1,000+".
    Overdue rows sort first in every group, so the overdue count is exact below the cap too."""
    shown = list(rows[: ROWS_PER_GROUP + 1])
    if len(shown) <= ROWS_PER_GROUP:
        late = sum(1 for row in shown if overdue is not None and _is_overdue(row, overdue))
        return Group(key=key, title=title, count=len(shown), overdue=late, rows=shown)
    counting = {"count": Count("id")}
    if overdue is not None:
        counting["overdue"] = Count("id", filter=Q(**{f"{overdue[0]}__{overdue[1]}": overdue[2]}))
    counted = rows.order_by()
    if cap is not None:
        # Only the id (and what says overdue) of the first cap + 1 rows: LIMIT in the urgency order.
        counted = rows.values(*(["id"] if overdue is None else ["id", overdue[0]]))[: cap + 1]
    counts = {"overdue": 0, **counted.aggregate(**counting)}
    if cap is None:
        return Group(
            key=key,
            title=title,
            count=counts["count"],
            overdue=counts["overdue"],
            rows=shown[:ROWS_PER_GROUP],
        )
    return Group(
        key=key,
        title=title,
        count=min(counts["count"], cap),
        overdue=min(counts["overdue"], cap),
        rows=shown[:ROWS_PER_GROUP],
        capped=counts["count"] > cap,
        overdue_capped=counts["overdue"] > cap,
    )


MINE = "mine"
TEAM = "team"


def may_see_team(actor: Actor) -> bool:
    """Managers (and administrators) may look at their team's queue as well as their own."""
    return Role.MANAGER in actor.roles or actor.is_administrator


def _active(on: date) -> Q:
    return Q(end_date__isnull=True) | Q(end_date__gte=on)


def caseload_ids(actor: Actor, *, on: date, scope: str = MINE) -> QuerySet[Any, int]:
    """The people whose work is in the queue, as a subquery of numbers: those the actor is lead worker for
    (MINE), or those the actor's agencies work with (TEAM); only people the actor may see. The team's is the
    agencies' current involvements themselves (whoever an agency works with now, its staff may see): the
    database then checks a row's person with one probe of involvement_access, where a list of the people seen
    would first be built, for a whole agency a quarter of a million."""
    involved = Involvement.objects.filter(_active(on))
    if scope == TEAM:
        return involved.filter(agency_id__in=sorted(actor.agency_ids)).values_list("person_id", flat=True)
    involved = involved.filter(lead_worker_id=actor.user_id)
    return (
        Person.objects.filter(may_see(actor, on=on, person="pk"), pk__in=involved.values("person_id"))
    ).values_list("pk", flat=True)


def _in_caseload(actor: Actor, *, on: date, scope: str, person: str = "person") -> Q:
    """A row about a person whose work is in the queue (caseload_ids), checked on the row itself: one index
    probe a row read, so a team's LIMIT 26 reads 26 rows and a probe each, not the agency's caseload."""
    if scope != TEAM:
        return Q(**{f"{person}__in": caseload_ids(actor, on=on)})
    current = Involvement.objects.filter(
        _active(on), person=OuterRef(person), agency_id__in=sorted(actor.agency_ids)
    )
    return Q(Exists(current))


def _addressed(actor: Actor, scope: str) -> Q:
    """Escalations addressed to the actor by name, or (TEAM) to one of their agencies."""
    addressed = Q(responsible_officer_id=actor.user_id) | Q(owner_user_id=actor.user_id)
    if scope == TEAM:
        addressed |= Q(owner_agency_id__in=sorted(actor.agency_ids))
    return addressed


def plan_tasks_due(actor: Actor, *, on: date, scope: str = MINE) -> QuerySet[PlanTask]:
    """Open release plan tasks, each once: due within DESIST_WORKQUEUE_DUE_DAYS (or overdue) or escalated.
    Mine: owned by the actor, or by their agency on a person they are lead worker for, or escalated to them
    by name. Team: owned by one of their agencies, or escalated to it. Each task carries its latest open
    escalation (`escalation`, `escalated_weeks`, `escalation_count`): the milestones a task passes (12, 4 and
    1 weeks before release) no longer list it three times."""
    open_escalations = Escalation.objects.filter(task=OuterRef("pk"), status=EscalationStatus.OPEN)
    escalated = Exists(open_escalations.filter(_addressed(actor, scope)))
    agencies = sorted(actor.agency_ids)
    if scope == TEAM:
        owned = Q(owner_agency_id__in=agencies) | Q(owner_user_id=actor.user_id)
    else:
        led = caseload_ids(actor, on=on)
        owned = Q(owner_user_id=actor.user_id) | Q(
            owner_user__isnull=True, owner_agency_id__in=agencies, plan__person__in=led
        )
    latest = open_escalations.order_by("-raised_on", "-id")
    return (
        PlanTask.objects.filter(
            (owned & Q(due_date__lte=on + timedelta(days=settings.DESIST_WORKQUEUE_DUE_DAYS))) | escalated,
            may_see(actor, on=on, person="plan__person"),
            status=TaskStatus.OPEN,
        )
        .annotate(
            escalation=Subquery(latest.values("summary")[:1]),
            escalated_weeks=Subquery(latest.values("weeks_before")[:1]),
        )
        .select_related("plan__person", "owner_agency")
        .order_by("due_date", "plan__release_date", "id")
    )


def escalations(actor: Actor, *, on: date, scope: str = MINE) -> QuerySet[Escalation]:
    """Open escalations about a whole plan (a short-notice release), addressed to the actor (or, TEAM, their
    agency). An escalation about a task is shown on the task (plan_tasks_due)."""
    return (
        Escalation.objects.filter(
            _addressed(actor, scope),
            may_see(actor, on=on),
            task__isnull=True,
            status=EscalationStatus.OPEN,
        )
        .select_related("person", "plan")
        .order_by("due_date", "release_date", "id")
    )


def _start_of(day: date) -> Any:
    return timezone.make_aware(datetime.combine(day, time.min))


def appointments_today(actor: Actor, *, on: date, scope: str = MINE) -> QuerySet[Appointment]:
    """Today's live appointments: the actor's own (their diary), or (TEAM) every practitioner's of their
    agencies; on people they may see, in time order."""
    rows = Appointment.objects.filter(
        may_see(actor, on=on),
        starts_at__gte=_start_of(on),
        starts_at__lt=_start_of(on + timedelta(days=1)),
    ).exclude(status=AppointmentStatus.CANCELLED)
    if scope == TEAM:
        rows = rows.filter(agency_id__in=sorted(actor.agency_ids))
    else:
        rows = rows.filter(practitioner_id=actor.user_id)
    return rows.select_related("person", "practitioner").order_by("starts_at", "id")


def outcomes_to_record(actor: Actor, *, on: date, scope: str = MINE) -> QuerySet[Appointment]:
    """Appointments that have happened with no outcome yet: the actor's own (supervision's selector), or
    (TEAM) those of their agencies' practitioners."""
    mine = supervision.outcomes_to_record(actor)
    if scope == TEAM:
        mine = Appointment.objects.filter(
            may_see(actor, on=on),
            agency_id__in=sorted(actor.agency_ids),
            status=AppointmentStatus.BOOKED,
            outcome="",
            starts_at__lt=timezone.now(),
        ).select_related("person", "practitioner")
    return mine.order_by("starts_at", "id")


def alerts(actor: Actor, *, on: date, scope: str = MINE) -> QuerySet[Alert]:
    """Electronic monitoring alerts still open or acknowledged: the actor's own as responsible officer
    (monitoring's selector), or (TEAM) those about the people their agencies work with."""
    if scope == TEAM:
        return (
            Alert.objects.filter(
                _in_caseload(actor, on=on, scope=TEAM),
                status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED],
            )
            .select_related("event", "person")
            .order_by("due_at", "id")
        )
    return open_alerts_for(actor, on)


def clock_overdue_before(on: date) -> date:
    """The latest failure date whose enforcement clock (a number of working days, the core's rule) ran out
    before `on`: failures on or before it with no action are overdue."""
    policy = enforcement.policy()
    day = on
    while rules.enforcement_clock(failed_on=day, action_on=None, on=on, policy=policy).due_on >= on:
        day -= timedelta(days=1)
    return day


def work_queue(actor: Actor, *, on: date, scope: str = MINE) -> list[Group]:
    """Everything that needs the actor today, most urgent group first, each sorted by urgency. Mine by
    default; TEAM only for those who may_see_team (else mine)."""
    if actor.user_id is None or not actor.agency_ids:
        return []
    if scope == TEAM and not may_see_team(actor):
        scope = MINE
    people = caseload_ids(actor, on=on, scope=scope)
    cap = TEAM_COUNT_CAP if scope == TEAM else None
    groups = [
        _group(
            "alerts",
            "Monitoring alerts",
            alerts(actor, on=on, scope=scope),
            overdue=("due_at", "lt", timezone.now()),
            cap=cap,
        ),
        _group("appointments", "Appointments today", appointments_today(actor, on=on, scope=scope), cap=cap),
        _group("outcomes", "Outcomes to record", outcomes_to_record(actor, on=on, scope=scope), cap=cap),
    ]
    if enforcement.may_enforce(actor):
        due = enforcement.action_due(people)
        groups += [
            _group(
                "judgement", "Failures awaiting judgement", enforcement.awaiting_judgement(people), cap=cap
            ),
            _group(
                "enforcement",
                "Warnings or referrals due",
                due,
                overdue=("occurred_on", "lte", clock_overdue_before(on)),
                cap=cap,
            ),
        ]
        for failure in groups[-1].rows:
            failure.clock = enforcement.clock(failure, on=on)  # for the template
    groups += [
        _group(
            "tasks",
            "Release plan tasks due",
            plan_tasks_due(actor, on=on, scope=scope),
            overdue=("due_date", "lt", on),
            cap=cap,
        ),
        _group(
            "escalations",
            "Short-notice releases",
            escalations(actor, on=on, scope=scope),
            overdue=("due_date", "lt", on),
            cap=cap,
        ),
    ]
    needing = _referrals_needing()
    if needing is not None:
        # The referrals app answers for the agency; the queue still keeps to the people the user may see.
        referrals = needing(actor, on).filter(may_see(actor, on=on))
        groups.append(
            _group(
                "referrals",
                "Referrals waiting for your agency",
                referrals,
                overdue=("overdue_on", "lte", on),
                cap=cap,
            )
        )
    if is_victim_liaison(actor):
        groups.append(
            _group(
                "victims",
                "Victim notifications",
                notifications_outstanding(actor),
                overdue=("deadline", "lt", on),
                cap=cap,
            )
        )
    # Actions meetings gave the actor by name (or, TEAM, their agencies): any person's, or none.
    groups.append(
        _group(
            "meeting_actions",
            "Meeting actions",
            actions_owned(actor, team=scope == TEAM),
            overdue=("due_on", "lt", on),
            cap=cap,
        )
    )
    # The strategy plan's actions owned by the actor (or, TEAM, their agencies) due a quarterly update.
    groups.append(
        _group(
            "plan_updates",
            "Strategy plan updates due",
            updates_due(actor, on=on, team=scope == TEAM),
            overdue=("last_update_on", "lt", Quarter.containing(on).previous().start),
            cap=cap,
        )
    )
    groups.append(
        _group("releases", "Releases coming up", releases_coming(actor, on=on, scope=scope), cap=cap)
    )
    # Allocation (docs/allocation.md): cases newly given to the actor, and, for a team manager, the cases
    # waiting in their teams' queues, overdue past the allocation deadline.
    groups.insert(0, _group("allocated", "Cases allocated to you", allocation.newly_allocated(actor, on=on)))
    if allocation.may_allocate(actor):
        groups.insert(
            0,
            _group(
                "unallocated",
                "Cases waiting for allocation",
                allocation.for_workqueue(actor, on=on),
                overdue=("start_date", "lt", allocation.overdue_before(on)),
                cap=cap,
            ),
        )
    return groups


def releases_coming(actor: Actor, *, on: date, scope: str = MINE) -> QuerySet[ReleasePlan]:
    """Releases within DESIST_WORKQUEUE_RELEASE_WEEKS of the people on the actor's (or, TEAM, their
    agencies') caseload."""
    window = Q(
        release_date__gte=on, release_date__lte=on + timedelta(weeks=settings.DESIST_WORKQUEUE_RELEASE_WEEKS)
    )
    # A release whose date needs a manual calculation is listed whatever its last date (release.services).
    return (
        ReleasePlan.objects.filter(
            window | ~Q(manual_calculation=""),
            _in_caseload(actor, on=on, scope=scope),
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
