"""The demo's strategy board (issue 15, item 5): the Kent and Medway Reducing Reoffending Strategy Board, with
a member of each agency the seeds name (seeds/001: probation in the chair), a year of quarterly meetings with
attendance and minutes, the plan from the seeds endorsed at the first of them (seven principles, six priority
groups, four priority interventions), goals tied to the basket's measures, actions owned by people of the
agencies, and their quarterly updates, some late. Every meeting, decision and update is recorded by a real
user of the demo, through the services. No quarter is published here: the demo's analyst publishes the last
one just before (board/demo.py), and a goal's baseline is taken from a published quarter's trend when there
is one. The police board member becomes the `demo.board` login."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from desist.audit.context import Actor, actor_for_user
from desist.audit.models import Channel
from desist.core.basket import BY_CODE
from desist.core.basket.quarters import Quarter
from desist.core.strategy import add_years, shown_value
from desist.meetings import services as meetings
from desist.meetings.models import AttendanceStatus
from desist.partnership.models import Agency, Membership, Role
from desist.strategy import services
from desist.strategy.models import Plan, PlanAction
from desist.strategy.selectors import Figures, published_for

BOARD = "Kent and Medway Reducing Reoffending Strategy Board"
BOARD_LOGIN = "demo.board"
PRINCIPLES = (
    "Localised",
    "Integrated",
    "Targeted",
    "Individualised",
    "Evidence based",
    "Holistic",
    "Restorative",
)
GROUPS = (
    ("IOM Cohort", "iom"),
    ("Troubled Families", "troubled_family"),
    ("Young People (16-24)", "young_person"),
    ("Women offenders", "woman"),
    ("ASB perpetrators", "asb_perpetrator"),
    ("Domestic abuse perpetrators", "da_perpetrator"),
)
INTERVENTIONS = (
    "Accommodation",
    "Employment",
    "Substance Misuse (Drugs and Alcohol)",
    "Mental and Physical Health",
)
# The seeds' board (seeds/001, "Next steps"): probation chairs; fire and rescue advises.
MEMBER_KINDS = (
    ("probation", "chair"),
    ("police", "member"),
    ("prison", "member"),
    ("health", "member"),
    ("youth_justice", "member"),
    ("job_centre", "member"),
    ("treatment", "member"),
    ("council_community_safety", "member"),
    ("housing", "member"),
    ("fire", "adviser"),
)
# (intervention position or None, group position or None, text, measure, higher is better, target step)
GOALS = (
    (
        1,
        None,
        "More people in settled accommodation when their supervision starts",
        "accommodation_start",
        5.0,
    ),
    (1, None, "More people released from custody to settled accommodation", "accommodation_release", 5.0),
    (
        2,
        None,
        "More people in employment, training or education when their supervision ends",
        "ete_termination",
        5.0,
    ),
    (3, None, "More people with a drug or alcohol need in treatment", "treatment_engagement", 5.0),
    (4, None, "Every person with a mental health need assessed for a treatment requirement", "", 0.0),
    (None, 1, "Fewer proven offences by the IOM cohort after adoption than before", "iom_offending", -5.0),
    (None, None, "A lower proven reoffending rate than Kent's 19.7% (2019-20)", "proven_reoffending", -1.0),
)
# (owner agency kind, goal position or None, what, months from the endorsement until due)
ACTIONS = (
    ("housing", 1, "Agree a protocol with every district council for housing people on release", 9),
    (
        "probation",
        2,
        "Refer everyone due for release without an address to the duty to refer 12 weeks ahead",
        6,
    ),
    ("job_centre", 3, "Put a prison work coach in each Kent prison and track starts after release", 12),
    (
        "treatment",
        4,
        "Meet people released with a drug need at the gate and start treatment within 3 weeks",
        9,
    ),
    ("health", 5, "Bring the mental health treatment requirement (MHTR) model to every court in Kent", 15),
    ("police", 6, "Review the IOM cohort's selection each quarter against the crime harm it causes", 12),
    ("youth_justice", None, "Plan every young person's move to adult probation at 17 and a half", 12),
    ("council_community_safety", None, "Report the plan to the Kent and Medway CSPs each year", 12),
)
RAGS = ("amber", "amber", "green", "green", "red", "amber", "green", "amber")
COMMENTS = {
    "red": "Behind: {what} has not started in two districts; a recovery plan comes to the next board.",
    "amber": "Under way, with risks: {what} is agreed in principle; resources are not yet confirmed.",
    "green": "On track: {what} is in place in most districts and the figures are reported each quarter.",
}


def _months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    return date(year, month % 12 + 1, min(day.day, 28))


def _at(day: date, hour: int = 14) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _seat(kind: str, taken: set[int]) -> tuple[Agency, User] | None:
    """A senior person of the first agency of the kind: its last manager, else any of its people, not yet
    seated and not a demo login (so the logins the demo hands out stay theirs)."""
    agency = Agency.objects.filter(kind=kind).order_by("code").first()
    if agency is None:
        return None
    rows = (
        Membership.objects.filter(agency=agency, is_active=True)
        .exclude(user__username__startswith="demo.")
        .exclude(user_id__in=taken)
    )
    member = rows.filter(role=Role.MANAGER).order_by("-id").first() or rows.order_by("-id").first()
    return (agency, member.user) if member else None


def _actor(user: User) -> Actor:
    return actor_for_user(user, channel=Channel.CLI)


def demo_strategy_build(today: date | None = None) -> dict[str, int]:
    """Build the board, its year of meetings, the plan and its updates (see the module); returns counts."""
    today = today or timezone.localdate()
    if Plan.objects.exists():
        return {"meetings": 0, "members": 0, "actions": 0, "updates": 0, "overdue": 0}
    return _build(today)


@transaction.atomic
def _build(today: date) -> dict[str, int]:
    taken: set[int] = set()
    seats = []
    for kind, role in MEMBER_KINDS:
        seat = _seat(kind, taken)
        if seat is not None:
            taken.add(seat[1].pk)
            seats.append((seat[0], seat[1], role))
    if not seats or seats[0][2] != "chair":
        return {"meetings": 0, "members": 0, "actions": 0, "updates": 0, "overdue": 0}
    chair_agency, chair, _ = seats[0]
    # The chair runs the board's meetings: a partnership coordinator of probation.
    Membership.objects.filter(user=chair, agency=chair_agency).update(role=Role.COORDINATOR)
    # The police member is the demo's board member login.
    for agency, user, _ in seats:
        if agency.kind == "police":
            user.username = BOARD_LOGIN
            user.save(update_fields=["username"])
    chair_actor = _actor(chair)
    series = meetings.series_create(
        actor=chair_actor,
        name=BOARD,
        kind="strategy_board",
        chair_agency=chair_agency,
        agencies=[agency for agency, _, _ in seats],
        place="Kent Police Headquarters, Maidstone",
    )
    # Quarterly: five held over the last fourteen months, the next one scheduled.
    first = _months(today, -14)
    days = [_months(first, 3 * n) for n in range(6)]
    endorsed_on = days[0]
    held = []
    for n, day in enumerate(days):
        meeting = meetings.meeting_schedule(actor=chair_actor, series=series, starts_at=_at(day))
        if day >= today:
            break
        statuses: dict[int, str] = {}
        people: dict[int, int | None] = {}
        for row in meeting.attendance.all():
            sitting = next((s for s in seats if s[0].pk == row.agency_id), None)
            away = (n + row.agency_id) % 5 == 0 and row.agency_id != chair_agency.pk
            statuses[row.pk] = AttendanceStatus.APOLOGIES if away else AttendanceStatus.PRESENT
            people[row.pk] = sitting[1].pk if sitting else None
        meetings.attendance_record(actor=chair_actor, meeting=meeting, statuses=statuses, people=people)
        minutes = (
            "The board endorsed the Kent and Medway Strategic Plan for Reducing Reoffending and agreed to "
            "review it annually and track the basket of measures quarterly."
            if n == 0
            else "The board reviewed the basket of measures for the quarter and each action's update."
        )
        meetings.minutes_record(actor=chair_actor, meeting=meeting, minutes=minutes)
        held.append(meeting)
    for agency, user, role in seats:
        services.member_add(
            actor=chair_actor, board=series, user=user, agency=agency, role=role, since=endorsed_on
        )
    plan = services.plan_create(
        actor=chair_actor,
        board=series,
        title="Kent and Medway Strategic Plan for Reducing Reoffending",
        period_start=endorsed_on,
        period_end=add_years(endorsed_on, 3),
        endorsed_on=endorsed_on,
        endorsed_at=held[0] if held else None,
        summary=(
            "A county-wide multi-agency plan formalising the shared aims to reduce reoffending; every CSP is "
            "accountable for delivering it, governed by the Reducing Reoffending Strategy Board."
        ),
        principles=PRINCIPLES,
        groups=GROUPS,
        interventions=INTERVENTIONS,
    )
    interventions = {i.position: i for i in plan.interventions.all()}
    groups = {g.position: g for g in plan.groups.all()}
    figures = Figures(published_for(today))
    view = figures.view()
    goals = {}
    for position, (intervention, group, text, code, step) in enumerate(GOALS, 1):
        measure = BY_CODE.get(code)
        baseline = None
        if measure is not None and view is not None:
            cell = view.cell(measure, view.quarters[0])
            baseline = shown_value(measure.kind, cell.rate) if cell.has_value else None
        lower = measure is not None and measure.higher_is_better is False
        target = None
        if measure is not None:
            start = baseline if baseline is not None else (19.7 if code == "proven_reoffending" else 50.0)
            target = round(start + step, 1)
        goals[position] = services.goal_add(
            actor=chair_actor,
            plan=plan,
            text=text,
            intervention=interventions.get(intervention) if intervention else None,
            group=groups.get(group) if group else None,
            measure=code,
            baseline=None if baseline is None else round(baseline, 1),
            target=target,
            direction="lower" if lower else "higher",
        )
    owners = {agency.kind: (agency, user) for agency, user, _ in seats}
    actions = []
    for kind, goal, what, months in ACTIONS:
        if kind not in owners:
            continue
        agency, user = owners[kind]
        actions.append(
            services.action_add(
                actor=chair_actor,
                plan=plan,
                description=what,
                owner_agency=agency,
                owner_user=user,
                due_on=_months(endorsed_on, months),
                goal=goals.get(goal) if goal else None,
                opened_on=endorsed_on,
            )
        )
    # Each owner updates before each board meeting held after the endorsement; the last two owners have sent
    # nothing since the last quarter began (so they are overdue whatever day of the quarter the demo is built
    # on: core.strategy.update_state), and no one has yet updated for the quarter now under way.
    last_quarter_began = Quarter.containing(today).previous().start
    updates = overdue = 0
    for n, action in enumerate(actions):
        owner = _actor(action.owner_user)
        missed = n >= len(actions) - 2
        overdue += missed
        for m, meeting in enumerate(held[1:], 1):
            rag = RAGS[(n + m) % len(RAGS)]
            when = meeting.starts_at - timedelta(days=7)
            if when.date() >= today or (missed and when.date() >= last_quarter_began):
                continue
            services.action_update_post(
                actor=owner,
                action=action,
                rag=rag,
                comment=COMMENTS[rag].format(what=what_of(action)),
                at=when,
            )
            updates += 1
    return {
        "meetings": len(held),
        "members": len(seats),
        "actions": len(actions),
        "updates": updates,
        "overdue": overdue,
    }


def what_of(action: PlanAction) -> str:
    """The action in a few words, for its update's comment: "agree a protocol with every district"."""
    words = action.description.split(" ")
    return " ".join([words[0].lower(), *words[1:6]])
