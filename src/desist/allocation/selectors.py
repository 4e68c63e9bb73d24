"""Reads for allocation: the teams a manager allocates for, the cases waiting in their queues, each team's
workload, and the practitioners a case may go to (docs/allocation.md). Every read takes the Actor; a manager
sees the teams of the agencies they manage, and only those."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from desist.allocation.models import (
    Allocation,
    CourtReport,
    Practitioner,
    PractitionerChange,
    Reduction,
    T2AMark,
    WeightedContact,
    Workload,
)
from desist.assessments.models import RiskScore, ScoreKind
from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.core import workload as rules
from desist.core.names import normalise_identifier
from desist.iom.models import CohortMembership, LeadProfessional, MembershipStatus
from desist.partnership.models import AgencyKind, Membership, Role, Team
from desist.people.models import IdentifierKind, Involvement, Person
from desist.people.selectors import visible_people
from desist.registers.models import RegisterEntry, RegisterKind
from desist.sentences.models import Sentence
from desist.sentences.rules import supervision_status_expression

UNALLOCATED_ROWS = 50  # the oldest first; the page says when there are more


def deadline_days() -> int:
    """Working days are not counted: the setting is calendar days from arrival in the queue."""
    return int(settings.DESIST_ALLOCATION_DEADLINE_DAYS)


def _managed(actor: Actor) -> QuerySet[Membership]:
    if actor.user_id is None:
        return Membership.objects.none()
    return Membership.objects.filter(user_id=actor.user_id, is_active=True, role=Role.MANAGER)


def managed_teams(actor: Actor) -> QuerySet[Team]:
    """Teams the actor allocates for: their own team where a manager's membership names one, else every team
    of the agency they manage."""
    if actor.user_id is None:
        return Team.objects.none()
    memberships = list(_managed(actor).values_list("agency_id", "team_id"))
    q = Q(pk__in=[])
    for agency_id, team_id in memberships:
        q |= Q(pk=team_id) if team_id else Q(agency_id=agency_id)
    return Team.objects.filter(q).select_related("agency").order_by("agency__name", "name")


def may_allocate(actor: Actor) -> bool:
    return actor.user_id is not None and _managed(actor).exists()


def team_for_actor(actor: Actor, team_id: int) -> Team:
    team = managed_teams(actor).filter(pk=team_id).first()
    if team is None:
        refuse(
            actor,
            summary=f"Refused the allocation pages of team {team_id}",
            reason="not a manager of the team",
        )
    return team


def _current_score(kind: str) -> Subquery:
    return Subquery(
        RiskScore.objects.filter(person=OuterRef("person"), kind=kind, is_current=True).values("value")[:1],
        output_field=CharField(),
    )


def case_annotations(on: date) -> dict[str, Any]:
    """What a manager needs to see of a case, as SQL: tier, RoSH, MAPPA, case type, the latest sentence's
    court date and kind."""
    latest = Sentence.objects.filter(person=OuterRef("person")).order_by("-sentence_date", "-id")
    return {
        "tier": _current_score(ScoreKind.TIER),
        "rosh": _current_score(ScoreKind.ROSH),
        "mappa": Exists(
            RegisterEntry.objects.filter(person=OuterRef("person"), kind=RegisterKind.MAPPA).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on
            )
        ),
        "court_date": Subquery(latest.values("sentence_date")[:1], output_field=DateField()),
        "t2a": Exists(T2AMark.objects.filter(involvement=OuterRef("pk"), removed_at__isnull=True)),
        "sentence_kind": Subquery(latest.values("kind")[:1], output_field=CharField()),
    }


def unallocated(actor: Actor, *, on: date, team: Team | None = None) -> QuerySet[Involvement]:
    """Open involvements of the manager's teams with no lead worker, oldest first, with what the manager
    needs to decide (`case_annotations`) and the case type (supervision status) under `case_type`."""
    teams = managed_teams(actor) if team is None else Team.objects.filter(pk=team.pk)
    return (
        Involvement.objects.filter(
            team__in=teams.values("pk"), lead_worker__isnull=True, end_date__isnull=True, start_date__lte=on
        )
        .annotate(**case_annotations(on))
        .select_related("person", "team", "agency")
        .order_by("start_date", "id")
    )


def with_case_type(rows: QuerySet[Involvement], on: date) -> QuerySet[Involvement]:
    """Adds `case_type` (custody, licence, community or none) from the person's sentences."""
    return rows.annotate(
        case_type=Subquery(
            Person.objects.filter(pk=OuterRef("person"))
            .annotate(s=supervision_status_expression(on))
            .values("s")[:1],
            output_field=CharField(),
        )
    )


def unallocated_cases(actor: Actor, *, on: date, team: Team | None = None) -> QuerySet[Involvement]:
    """The queue: `unallocated` with case type and whether the deadline has passed (`overdue`)."""
    limit = overdue_before(on)
    return with_case_type(unallocated(actor, on=on, team=team), on).annotate(
        overdue=Case(When(start_date__lt=limit, then=Value(1)), default=Value(0), output_field=IntegerField())
    )


def decorate(case: Involvement, on: date) -> Involvement:
    """Days waiting, the deadline and the case's points, for the template (no queries)."""
    case.days_waiting = (on - case.start_date).days  # type: ignore[attr-defined]
    case.deadline = case.start_date + timedelta(days=deadline_days())  # type: ignore[attr-defined]
    case.is_overdue = case.deadline < on  # type: ignore[attr-defined]
    case.t2a_allowed = rules.t2a_age_allowed(  # type: ignore[attr-defined]
        case.person.date_of_birth, case.start_date
    )
    case.points = case_points(  # type: ignore[attr-defined]
        getattr(case, "tier", "") or "",
        getattr(case, "case_type", "") or "",
        case.agency.kind,
        t2a=bool(getattr(case, "t2a", False)),
    )
    return case


def case_points(tier: str, case_type: str, agency_kind: str, *, t2a: bool = False) -> int | None:
    """A probation case's points (None for other agencies, or without a tier and a supervision status), from
    the T2A table for a case marked T2A."""
    if agency_kind != AgencyKind.PROBATION or case_type not in rules.CASE_TYPES:
        return None
    return rules.weightings(t2a=t2a).tier_points.get((case_type, tier))


@dataclass
class Member:
    user: User
    grade: str = ""
    grade_name: str = ""
    workload: Workload | None = None
    reductions: list[Reduction] = field(default_factory=list)
    eligible: bool = True
    held_before: bool = False
    after_points: int | None = None
    after_capacity: Decimal | None = None

    @property
    def capacity(self) -> Decimal:
        return self.workload.capacity if self.workload else Decimal(0)

    @property
    def has_room(self) -> bool:
        return self.workload is not None and self.workload.available_points > 0 and self.capacity < 100

    @property
    def measured(self) -> bool:
        """Whether the model gives them any points to hold: not a senior probation officer (the grade's
        contracted hours are 0 in HMPPS's table), not someone whose reductions take all their hours."""
        return self.workload is not None and self.workload.available_points > 0


def team_members(team: Team, *, on: date) -> list[Member]:
    """The team's active practitioners with their grade, workload and current reductions (three queries)."""
    users = list(
        User.objects.filter(
            memberships__team=team, memberships__is_active=True, memberships__role=Role.PRACTITIONER
        )
        .select_related("practitioner", "workload")
        .order_by("last_name", "first_name", "id")
    )
    reductions: dict[int, list[Reduction]] = {}
    for r in Reduction.objects.filter(user__in=[u.pk for u in users], starts_on__lte=on, ends_on__gte=on):
        reductions.setdefault(r.user_id, []).append(r)
    members = []
    for user in users:
        practitioner: Practitioner | None = getattr(user, "practitioner", None)
        grade = practitioner.grade if practitioner else ""
        members.append(
            Member(
                user=user,
                grade=grade,
                grade_name=rules.GRADES[grade].name if grade in rules.GRADES else "",
                workload=getattr(user, "workload", None),
                reductions=reductions.get(user.pk, []),
            )
        )
    return members


def managed_practitioners(actor: Actor) -> QuerySet[User]:
    """Users with an active membership in a team the actor manages (their grade, hours, reductions, reports
    and weighted work are the manager's to record)."""
    return User.objects.filter(
        memberships__team__in=managed_teams(actor).values("pk"), memberships__is_active=True
    ).distinct()


def practitioner_for_actor(actor: Actor, team: Team, user_id: int) -> User:
    """A practitioner of a team the actor manages, with their grade and workload; else refused (404)."""
    user = (
        User.objects.filter(
            pk=user_id,
            memberships__team=team,
            memberships__is_active=True,
            memberships__role=Role.PRACTITIONER,
        )
        .select_related("practitioner", "workload")
        .first()
    )
    if user is None:
        refuse(
            actor,
            summary=f"Refused the workload record of user {user_id}",
            reason="not a practitioner of a team they manage",
        )
    return user


@dataclass
class WorkloadRecord:
    """Everything recorded about a practitioner's workload: grade history, reductions (current, to come and
    ended), court reports (open and completed) and weighted work, newest first."""

    changes: list[PractitionerChange]
    current: list[Reduction]
    future: list[Reduction]
    past: list[Reduction]
    open_reports: list[CourtReport]
    done_reports: list[CourtReport]
    contacts: list[WeightedContact]


RECORD_ROWS = 50


def workload_record(user: User, *, on: date) -> WorkloadRecord:
    """Five queries whatever the history's length (each list capped at `RECORD_ROWS`)."""
    reductions = list(Reduction.objects.filter(user=user).order_by("-ends_on", "-id")[: RECORD_ROWS * 3])
    reports = list(
        CourtReport.objects.filter(author=user)
        .select_related("person")
        .order_by("completed_on", "due_on", "-id")[: RECORD_ROWS * 2]
    )
    return WorkloadRecord(
        changes=list(PractitionerChange.objects.filter(user=user).select_related("changed_by")[:RECORD_ROWS]),
        current=[r for r in reductions if r.starts_on <= on <= r.ends_on],
        future=[r for r in reductions if r.starts_on > on],
        past=[r for r in reductions if r.ends_on < on][:RECORD_ROWS],
        open_reports=[r for r in reports if r.completed_on is None],
        done_reports=[r for r in reports if r.completed_on is not None][:RECORD_ROWS],
        contacts=list(
            WeightedContact.objects.filter(Q(done_by=user) | Q(holder=user))
            .select_related("person", "done_by", "holder")
            .order_by("-done_on", "-id")[:RECORD_ROWS]
        ),
    )


def person_by_reference(actor: Actor, reference: str) -> Person | None:
    """A person the actor may see, by their case reference number (CRN) or desist record number; None when
    no one they may see has it (who they may not see is not told apart from who does not exist)."""
    text = reference.strip()
    people = visible_people(actor)
    if text.isdigit():
        found = people.filter(pk=int(text)).first()
        if found is not None:
            return found
    crn = normalise_identifier(IdentifierKind.CRN, text)
    if not crn:
        return None
    return people.filter(identifiers__kind=IdentifierKind.CRN, identifiers__value_normalised=crn).first()


def case_for_actor(actor: Actor, involvement_id: int, *, on: date) -> Involvement:
    """An open involvement of a team the actor manages, with `case_annotations`; else refused."""
    case = (
        with_case_type(
            Involvement.objects.filter(
                pk=involvement_id, team__in=managed_teams(actor).values("pk"), end_date__isnull=True
            ).annotate(**case_annotations(on)),
            on,
        )
        .select_related("person", "team", "agency", "lead_worker")
        .first()
    )
    if case is None:
        refuse(
            actor,
            summary=f"Refused allocating involvement {involvement_id}",
            reason="not a manager of its team",
        )
    return decorate(case, on)


@dataclass
class Choice:
    case: Involvement
    members: list[Member]
    history: list[Allocation]
    iom_leads: list[LeadProfessional]


def allocation_choice(case: Involvement, *, on: date) -> Choice:
    """The practitioners of the case's team who may take it (grade against RoSH and MAPPA), each with their
    workload before and after, and whether they held this person before; most room first."""
    members = team_members(case.team, on=on) if case.team else []
    history = list(
        Allocation.objects.filter(person=case.person_id, agency=case.agency_id).select_related(
            "worker", "decided_by"
        )
    )
    before = {a.worker_id for a in history if a.worker_id}
    before |= set(
        Involvement.objects.filter(person=case.person_id, agency=case.agency_id, lead_worker__isnull=False)
        .exclude(pk=case.pk)
        .values_list("lead_worker_id", flat=True)
    )
    points: int | None = getattr(case, "points", None)
    probation = case.agency.kind == AgencyKind.PROBATION
    for m in members:
        m.held_before = m.user.pk in before
        if probation:
            m.eligible = rules.grade_may_hold(m.grade, rosh=getattr(case, "rosh", "") or "", mappa=case.mappa)  # type: ignore[attr-defined]
            if m.workload is not None:
                m.after_points = m.workload.points + (points or 0)
                m.after_capacity = rules.capacity(m.after_points, m.workload.available_points)
    if probation:
        members.sort(key=lambda m: (not m.eligible, not m.measured, m.capacity, m.user.last_name))
    leads = list(
        LeadProfessional.objects.filter(
            membership__person=case.person_id, membership__status=MembershipStatus.ADOPTED
        ).select_related("agency", "user")
    )
    return Choice(case=case, members=members, history=history, iom_leads=leads)


def is_iom(person_id: int) -> CohortMembership | None:
    return CohortMembership.objects.filter(person=person_id, status=MembershipStatus.ADOPTED).first()


@dataclass
class TeamFigures:
    team: Team
    practitioners: int = 0
    over: int = 0
    bands: dict[str, int] = field(default_factory=dict)
    unallocated: int = 0
    overdue: int = 0
    oldest_days: int | None = None


BANDS = (
    ("Under 70%", Decimal(0), Decimal(70)),
    ("70–85%", Decimal(70), Decimal(85)),
    ("85–100%", Decimal(85), Decimal(100)),
    ("Over 100%", Decimal(100), Decimal(10**6)),
)


def figures(actor: Actor, *, on: date) -> list[TeamFigures]:
    """For each team the actor manages: practitioners by capacity band, how many are over 100%, unallocated
    cases, how many are past the deadline and the oldest's age (two queries, whatever the number of teams)."""
    teams = list(managed_teams(actor))
    by_team = {t.pk: TeamFigures(team=t, bands={b[0]: 0 for b in BANDS}) for t in teams}
    rows = Workload.objects.filter(
        user__memberships__team__in=list(by_team), user__memberships__is_active=True
    ).values("user__memberships__team", "capacity")
    for row in rows:
        f = by_team[row["user__memberships__team"]]
        f.practitioners += 1
        for label, low, high in BANDS:
            if low <= row["capacity"] < high or (label == "Over 100%" and row["capacity"] > 100):
                f.bands[label] += 1
                break
        if row["capacity"] > 100:
            f.over += 1
    limit = overdue_before(on)
    queue = (
        Involvement.objects.filter(
            team__in=list(by_team), lead_worker__isnull=True, end_date__isnull=True, start_date__lte=on
        )
        .values("team")
        .annotate(n=Count("id"), late=Count("id", filter=Q(start_date__lt=limit)), oldest=Min("start_date"))
    )
    for q in queue:
        f = by_team[q["team"]]
        f.unallocated, f.overdue = q["n"], q["late"]
        f.oldest_days = (on - q["oldest"]).days if q["oldest"] else None
    return [by_team[t.pk] for t in teams]


def over_capacity(actor: Actor) -> QuerySet[Workload]:
    """Practitioners of the actor's teams over 100%, fullest first."""
    return (
        Workload.objects.filter(
            capacity__gt=100,
            user__memberships__team__in=managed_teams(actor).values("pk"),
            user__memberships__is_active=True,
        )
        .select_related("user", "user__practitioner")
        .distinct()
        .order_by("-capacity")
    )


def overdue_before(on: date) -> date:
    """A case that arrived before this day is past the allocation deadline."""
    return on - timedelta(days=deadline_days())


NEWLY_ALLOCATED_DAYS = 14


def newly_allocated(actor: Actor, *, on: date) -> QuerySet[Allocation]:
    """Cases allocated to the actor in the last two weeks that they still hold, newest first."""
    return (
        Allocation.objects.filter(
            worker_id=actor.user_id,
            ended_at__isnull=True,
            decided_at__date__gte=on - timedelta(days=NEWLY_ALLOCATED_DAYS),
        )
        .select_related("person", "agency")
        .order_by("-decided_at", "-id")
    )


def for_workqueue(actor: Actor, *, on: date) -> QuerySet[Involvement]:
    """The manager's work queue group: their teams' unallocated cases, oldest first (overdue when
    `start_date` < `overdue_before(on)`, `late` on each row)."""
    return unallocated(actor, on=on).annotate(
        late=Case(
            When(start_date__lt=overdue_before(on), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


# The board's workload figures (/board/workload/): every team of the partnership, aggregates only.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0–5 days", 0, 5),
    ("6–14 days", 6, 14),
    ("15–28 days", 15, 28),
    ("Over 28 days", 29, None),
)
CAPACITY_BANDS: tuple[tuple[str, Decimal, Decimal | None], ...] = (
    ("Under 50%", Decimal(0), Decimal(50)),
    ("50–70%", Decimal(50), Decimal(70)),
    ("70–85%", Decimal(70), Decimal(85)),
    ("85–100%", Decimal(85), Decimal(100)),
    ("100–120%", Decimal(100), Decimal(120)),
    ("Over 120%", Decimal(120), None),
)


@dataclass
class BoardTeam:
    team: Team
    unallocated: int = 0
    ages: list[int] = field(default_factory=lambda: [0] * len(AGE_BANDS))
    oldest_days: int | None = None
    practitioners: int = 0
    not_measured: int = 0
    capacity: list[int] = field(default_factory=lambda: [0] * len(CAPACITY_BANDS))
    over: int = 0


@dataclass
class BoardWorkload:
    teams: list[BoardTeam]
    total: BoardTeam


def capacity_band(capacity: Decimal) -> int:
    """The index of the band a capacity falls in: each band holds its lower bound (100% is "100–120%")."""
    for n, (_label, low, high) in enumerate(CAPACITY_BANDS):
        if capacity >= low and (high is None or capacity < high):
            return n
    return 0


def board_workload(*, on: date) -> BoardWorkload:
    """For every team with a case waiting or a practitioner: unallocated cases by age band and the oldest,
    practitioners by capacity band (those the model gives no points, such as senior probation officers, as
    not measured) and how many are over 100%; and the partnership's total. Three queries."""
    teams = {
        t.pk: BoardTeam(team=t)
        for t in Team.objects.select_related("agency").order_by("agency__name", "name")
    }
    waiting = (
        Involvement.objects.filter(
            team__isnull=False, lead_worker__isnull=True, end_date__isnull=True, start_date__lte=on
        )
        .values("team_id", "start_date")
        .annotate(n=Count("id"))
        .order_by()
    )
    total = BoardTeam(team=Team(name="All teams"))
    for row in waiting:
        row_team = teams.get(row["team_id"])
        if row_team is None:
            continue
        days = (on - row["start_date"]).days
        band = next(
            n for n, (_l, low, high) in enumerate(AGE_BANDS) if days >= low and (high is None or days <= high)
        )
        for f in (row_team, total):
            f.unallocated += row["n"]
            f.ages[band] += row["n"]
            f.oldest_days = max(f.oldest_days or 0, days)
    rows = (
        Workload.objects.filter(
            user__memberships__team__isnull=False,
            user__memberships__is_active=True,
            user__memberships__role=Role.PRACTITIONER,
        )
        .values_list("user__memberships__team", "capacity", "available_points")
        .order_by()
    )
    for team_id, capacity, available in rows:
        row_team = teams.get(team_id)
        if row_team is None:
            continue
        for f in (row_team, total):
            f.practitioners += 1
            if not available:
                f.not_measured += 1
                continue
            f.capacity[capacity_band(capacity)] += 1
            f.over += capacity > 100
    shown = [f for f in teams.values() if f.unallocated or f.practitioners]
    return BoardWorkload(teams=shown, total=total)
