"""What the demo build adds for allocation: probation teams with a manager each, practitioners' grades and
contracted hours, some reductions, each held case's allocation by its team's manager, and a queue of new
cases from court waiting in each team (docs/allocation.md, docs/demo.md). Synthetic users only."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from desist.allocation.models import Allocation, AllocationKind, Practitioner, Reduction
from desist.allocation.recompute import workloads_recompute
from desist.audit.context import system_actor
from desist.partnership.models import Agency, AgencyKind, Membership, Role, Team
from desist.people.models import Involvement
from desist.sentences.models import Sentence

TEAMS_PER_AGENCY = 3
GRADES = ("PO", "PO", "PSO", "PO", "PQiP", "PSO")
HOURS = (Decimal(37), Decimal(37), Decimal(30), Decimal("22.5"))
REDUCTIONS = (
    ("Court Duty", Decimal(4)),
    ("PQiP - 1st 6 months", Decimal("29.6")),
    ("Trade Union Facility Time", Decimal("7.4")),
    ("Phased Return to Work", Decimal(10)),
)
QUEUE_PER_TEAM = 6
TEAM_MANAGER_LOGIN = "demo.teammanager"


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


@transaction.atomic
def demo_allocation_build(today: date) -> dict[str, int]:
    """Teams, managers, grades, hours, reductions, the history of each held case and a queue per team."""
    made = {"teams": 0, "practitioners": 0, "reductions": 0, "allocations": 0, "waiting": 0}
    for agency in Agency.objects.filter(kind=AgencyKind.PROBATION).order_by("pk"):
        members = list(
            Membership.objects.filter(agency=agency, role=Role.PRACTITIONER, is_active=True)
            .annotate(held=Count("user__involvements"))
            .select_related("user")
            .order_by("-held", "user_id")
        )
        if len(members) < TEAMS_PER_AGENCY * 2:
            continue
        teams = [
            Team.objects.create(agency=agency, name=f"{agency.name} team {n + 1}")
            for n in range(TEAMS_PER_AGENCY)
        ]
        made["teams"] += len(teams)
        # The least busy practitioner of each team becomes its manager (a senior probation officer).
        by_team: dict[int, list[Membership]] = {t.pk: [] for t in teams}
        for n, membership in enumerate(members):
            by_team[teams[n % len(teams)].pk].append(membership)
        managers: dict[int, User] = {}
        for team in teams:
            group = by_team[team.pk]
            manager = group.pop()
            manager.role, manager.team = Role.MANAGER, team
            manager.save(update_fields=["role", "team"])
            managers[team.pk] = manager.user
            Membership.objects.filter(pk__in=[m.pk for m in group]).update(team=team)
        practitioners = [m for team in teams for m in by_team[team.pk]]
        grade_of = {m.user_id: GRADES[n % len(GRADES)] for n, m in enumerate(practitioners)}
        Practitioner.objects.bulk_create(
            [
                Practitioner(user=m.user, grade=grade_of[m.user_id], contracted_hours=HOURS[n % len(HOURS)])
                for n, m in enumerate(practitioners)
            ]
            # A senior probation officer works full time, but HMPPS's model gives the grade 0 contracted hours
            # and so no points to hold (core.workload): a manager holds no caseload. Their cases go to the
            # team's probation officers, in turn, before the history is written.
            + [Practitioner(user=u, grade="SPO", contracted_hours=Decimal(37)) for u in managers.values()]
        )
        for team in teams:
            officers = [m.user_id for m in by_team[team.pk] if grade_of[m.user_id] == "PO"] or [
                m.user_id for m in by_team[team.pk]
            ]
            own = list(
                Involvement.objects.filter(
                    agency=agency, end_date__isnull=True, lead_worker=managers[team.pk]
                ).values_list("pk", flat=True)
            )
            for n, officer in enumerate(officers):
                if own[n :: len(officers)]:
                    Involvement.objects.filter(pk__in=own[n :: len(officers)]).update(lead_worker_id=officer)
        made["practitioners"] += len(practitioners)
        reductions = [
            Reduction(
                user=m.user,
                hours=REDUCTIONS[n % len(REDUCTIONS)][1],
                reason=REDUCTIONS[n % len(REDUCTIONS)][0],
                starts_on=today - timedelta(days=30 + n),
                ends_on=today + timedelta(days=60 + 7 * n),
                notes="Agreed at supervision",
            )
            for n, m in enumerate(practitioners[::5])
        ]
        Reduction.objects.bulk_create(reductions)
        made["reductions"] += len(reductions)
        team_of = {m.user_id: team_id for team_id, group in by_team.items() for m in group}
        # Each case a practitioner holds: in their team, allocated by its manager when it started.
        held = list(
            Involvement.objects.filter(
                agency=agency, end_date__isnull=True, lead_worker__in=list(team_of)
            ).values_list("pk", "person_id", "lead_worker_id", "start_date")
        )
        for team_id in by_team:
            Involvement.objects.filter(pk__in=[pk for pk, _p, w, _s in held if team_of[w] == team_id]).update(
                team_id=team_id
            )
        Allocation.objects.bulk_create(
            [
                Allocation(
                    involvement_id=pk,
                    person_id=person_id,
                    agency=agency,
                    team_id=team_of[worker_id],
                    worker_id=worker_id,
                    kind=AllocationKind.ALLOCATION,
                    note="Allocated on arrival",
                    decided_by=managers[team_of[worker_id]],
                    decided_at=_at(start),
                )
                for pk, person_id, worker_id, start in held
            ],
            batch_size=2000,
        )
        made["allocations"] += len(held)
        # The queue: the most recently sentenced people's cases arrive from court without an offender manager.
        recent = list(
            Sentence.objects.filter(
                person__involvements__in=[pk for pk, *_ in held], sentence_date__lte=today
            )
            .order_by("-sentence_date", "-id")
            .values_list("person_id", "sentence_date")[: QUEUE_PER_TEAM * len(teams) * 3]
        )
        waiting, seen = 0, set()
        for person_id, sentenced in recent:
            if person_id in seen or waiting >= QUEUE_PER_TEAM * len(teams):
                continue
            seen.add(person_id)
            case = Involvement.objects.filter(
                agency=agency, person_id=person_id, end_date__isnull=True
            ).first()
            if case is None:
                continue
            Allocation.objects.filter(involvement=case).delete()
            # Arrived on the day of sentence, or within the last fortnight: some past the deadline.
            case.start_date = max(sentenced, today - timedelta(days=2 + 2 * waiting % 12))
            case.lead_worker = None
            case.reason = "New sentence from court"
            case.save(update_fields=["start_date", "lead_worker", "reason"])
            waiting += 1
        made["waiting"] += waiting
    workloads_recompute(actor=system_actor(), on=today)
    return made


def team_manager_user() -> User | None:
    """The demo's team manager: the manager of the team with the longest queue."""
    busiest = (
        Involvement.objects.filter(lead_worker__isnull=True, end_date__isnull=True, team__isnull=False)
        .values("team")
        .annotate(n=Count("id"))
        .order_by("-n", "team")
        .first()
    )
    if busiest is None:
        return None
    membership = (
        Membership.objects.filter(team_id=busiest["team"], role=Role.MANAGER).select_related("user").first()
    )
    return membership.user if membership else None
