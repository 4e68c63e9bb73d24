"""Reads for the strategy plan: the current plan with its parts, each goal against the board's published
figure, each action with its latest update, the actions due or overdue an update, the board's members and
meetings, and the annual review of a plan year. The figures come from published quarters only
(desist.board), with small counts withheld as in the board pack, so what the plan says matches the pack."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.board.models import QuarterSnapshot
from desist.board.selectors import snapshot_result
from desist.core import strategy as rules
from desist.core.basket import ALL, BY_CODE, BoardView, Quarter
from desist.meetings.models import AttendanceStatus, Meeting, MeetingSeries, MeetingStatus
from desist.partnership.models import Role
from desist.strategy.models import ActionUpdate, BoardMember, Goal, Plan, PlanAction, Rag


def current_plan(on: date | None = None) -> Plan | None:
    """The plan in force on a day: the latest begun, else the first to come."""
    on = on or timezone.localdate()
    plans = Plan.objects.select_related("board", "board__chair_agency", "endorsed_at")
    return (
        plans.filter(period_start__lte=on).order_by("-period_start").first()
        or plans.order_by("period_start").first()
    )


def may_update(actor: Actor, action: PlanAction) -> bool:
    """The action's owner, a colleague in the owner agency, or a coordinator of the board's chair agency."""
    if actor.user is None:
        return False
    if action.owner_user_id == actor.user_id or action.owner_agency_id in actor.agency_ids:
        return True
    return Role.COORDINATOR in actor.roles and action.plan.board.chair_agency_id in actor.agency_ids


def action_for_actor(actor: Actor, action_id: int) -> PlanAction:
    """A plan action (the plan is the partnership's, open to every user); a missing one is refused."""
    action = (
        PlanAction.objects.select_related(
            "plan", "plan__board", "owner_agency", "owner_user", "goal", "goal__intervention"
        )
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        refuse(actor, summary=f"Refused plan action {action_id}", reason="no such plan action")
    return action


def action_history(action: PlanAction) -> list[ActionUpdate]:
    return list(action.updates.select_related("by").order_by("-at", "-id"))


def plan_actions(plan: Plan) -> list[PlanAction]:
    """The plan's actions with their owner, goal and latest update (one query for the updates)."""
    return list(
        plan.actions.select_related("owner_agency", "owner_user", "goal").prefetch_related(
            Prefetch("updates", queryset=ActionUpdate.objects.select_related("by").order_by("-at", "-id"))
        )
    )


def updates_due(actor: Actor, *, on: date | None = None, team: bool = False) -> QuerySet[PlanAction]:
    """Open actions owned by the actor (or, ``team``, their agencies) with no update since the current
    quarter began, the longest without one first: what the work queue lists."""
    on = on or timezone.localdate()
    start = Quarter.containing(on).start
    owned = Q(owner_agency_id__in=actor.agency_ids) if team else Q(owner_user_id=actor.user_id)
    return (
        PlanAction.objects.filter(owned, Q(last_update_on__isnull=True) | Q(last_update_on__lt=start))
        .exclude(rag=Rag.COMPLETE)
        .select_related("plan", "owner_agency")
        .order_by("last_update_on", "due_on", "id")
    )


@dataclass
class GoalFigure:
    """A goal against its measure for a quarter: the figure in the target's unit and what it says."""

    goal: Goal
    quarter: Quarter | None
    value: float | None
    value_text: str
    status: rules.GoalStatus
    progress: float | None

    @property
    def status_label(self) -> str:
        return rules.GOAL_STATUS_LABELS[self.status]

    @property
    def measure_name(self) -> str:
        measure = BY_CODE.get(self.goal.measure)
        return measure.name if measure else ""

    @property
    def target_text(self) -> str:
        return _unit_text(self.goal.measure, self.goal.target)

    @property
    def baseline_text(self) -> str:
        return _unit_text(self.goal.measure, self.goal.baseline)

    @property
    def progress_text(self) -> str:
        return "" if self.progress is None else f"{100 * self.progress:.0f}% of the way"


def _unit_text(code: str, value: float | None) -> str:
    measure = BY_CODE.get(code)
    if measure is None or value is None:
        return ""
    if measure.kind == "proportion":
        return f"{value:.1f}%"
    if measure.kind == "per_100":
        return f"{value:.1f} per 100"
    return f"{value:+.0f}%".replace("-", "−")


class Figures:
    """The board's published figures as the plan reads them: one snapshot, viewed for everyone or one
    priority group, with small counts withheld."""

    def __init__(self, snapshot: QuarterSnapshot | None) -> None:
        self.snapshot = snapshot
        self.result = snapshot_result(snapshot) if snapshot is not None else None
        self._views: dict[str, BoardView] = {}

    @property
    def quarter(self) -> Quarter | None:
        return Quarter.parse(self.snapshot.quarter) if self.snapshot is not None else None

    def view(self, group: str = ALL) -> BoardView | None:
        if self.result is None:
            return None
        if group not in self._views:
            if group != ALL and group not in BoardView.priority_groups(self.result):
                group = ALL
            self._views[group] = BoardView(self.result, analyst=False, priority_group=group)
        return self._views[group]

    def goal(self, goal: Goal, quarter: Quarter | None = None) -> GoalFigure:
        """The goal against its measure in ``quarter`` (default: the snapshot's quarter)."""
        quarter = quarter or self.quarter
        measure = BY_CODE.get(goal.measure)
        group = goal.group.priority_group if goal.group is not None and goal.group.priority_group else ALL
        view = self.view(group)
        value = None
        text = "not measured" if measure is None else "nothing published"
        if measure is not None and view is not None and quarter is not None:
            cell = view.cell(measure, quarter)
            text = cell.value_text
            if cell.has_value:
                value = rules.shown_value(measure.kind, cell.rate)
        return GoalFigure(
            goal=goal,
            quarter=quarter,
            value=value,
            value_text=text,
            status=rules.goal_status(value=value, target=goal.target, direction=goal.direction),
            progress=rules.progress(baseline=goal.baseline, value=value, target=goal.target),
        )


def published_for(on: date) -> QuarterSnapshot | None:
    """The latest quarter published by a day (its figures are what a board meeting on that day sees)."""
    return (
        QuarterSnapshot.objects.filter(published_at__date__lte=on).order_by("-quarter").first()
        or QuarterSnapshot.objects.filter(quarter__lte=Quarter.containing(on).previous().code)
        .order_by("-quarter")
        .first()
    )


@dataclass
class Progress:
    """The plan's progress as a board meeting (or the plan page) sees it on a day."""

    plan: Plan
    on: date
    figures: Figures
    goals: list[GoalFigure]
    actions: list[PlanAction]
    overdue: list[PlanAction] = field(default_factory=list)
    rag_counts: dict[str, int] = field(default_factory=dict)


def progress(plan: Plan, *, on: date | None = None) -> Progress:
    """Each goal against its measure in the latest published quarter, each action with its RAG status and
    latest update (``action.latest``), and the actions overdue an update (desist.core.strategy)."""
    on = on or timezone.localdate()
    figures = Figures(published_for(on))
    goals = [figures.goal(g) for g in plan.goals.select_related("intervention", "group")]
    actions = plan_actions(plan)
    overdue = []
    counts = dict.fromkeys(Rag.values, 0)
    for action in actions:
        updates = list(action.updates.all())
        action.latest = updates[0] if updates else None  # type: ignore[attr-defined]
        state = rules.update_state(on=on, last_update_on=action.last_update_on, open_since=action.opened_on)
        action.update_due = action.rag != Rag.COMPLETE and state.due  # type: ignore[attr-defined]
        action.update_overdue = action.rag != Rag.COMPLETE and state.overdue  # type: ignore[attr-defined]
        if action.update_overdue:  # type: ignore[attr-defined]
            overdue.append(action)
        counts[action.rag] += 1
    return Progress(plan, on, figures, goals, actions, overdue, counts)


def board_members(board: MeetingSeries, *, on: date | None = None) -> list[BoardMember]:
    on = on or timezone.localdate()
    return list(
        BoardMember.objects.filter(board=board, since__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gte=on))
        .select_related("user", "agency")
        .order_by("role", "agency__name")
    )


def board_meetings(board: MeetingSeries) -> list[Meeting]:
    """The board's meetings, newest first, with how many agencies were present and sent apologies."""
    return list(
        Meeting.objects.filter(series=board)
        .exclude(status=MeetingStatus.CANCELLED)
        .annotate(
            present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
            apologies=Count("attendance", filter=Q(attendance__status=AttendanceStatus.APOLOGIES)),
        )
        .order_by("-starts_at")
    )


def packs_open_to(actor: Actor, board: MeetingSeries) -> set[int]:
    """The board's meetings whose pack the actor may download: all of them for a member of the board (or an
    administrator), else those their agencies were invited to."""
    meetings = Meeting.objects.filter(series=board)
    if actor.is_administrator or (
        actor.user is not None and BoardMember.objects.filter(board=board, user=actor.user).exists()
    ):
        return set(meetings.values_list("pk", flat=True))
    return set(
        meetings.filter(attendance__agency_id__in=actor.agency_ids).values_list("pk", flat=True).distinct()
    )


def board_meeting_for_actor(actor: Actor, meeting_id: int) -> Meeting:
    """A strategy board meeting, for the agencies invited to it or a member of the board; anyone else (and a
    meeting of another kind) is refused."""
    meeting = (
        Meeting.objects.select_related("series", "series__chair_agency")
        .filter(pk=meeting_id, series__kind="strategy_board")
        .first()
    )
    if meeting is not None and (
        meeting.attendance.filter(agency_id__in=actor.agency_ids).exists()
        or (
            actor.user is not None
            and BoardMember.objects.filter(board_id=meeting.series_id, user=actor.user).exists()
        )
        or actor.is_administrator
    ):
        return meeting
    refuse(
        actor, summary=f"Refused the board pack of meeting {meeting_id}", obj=meeting, reason="not invited"
    )


def review_year(plan: Plan, meeting: Meeting, earlier: list[date]) -> int | None:
    """The plan year a board meeting reviews, if it is the annual review."""
    return rules.is_annual_review(plan.endorsed_on, timezone.localtime(meeting.starts_at).date(), earlier)


@dataclass
class ReviewRow:
    goal: Goal
    quarters: list[GoalFigure]
    year: GoalFigure  # the latest quarter of the year with a figure, else the year's last quarter

    @property
    def status_label(self) -> str:
        return self.year.status_label


@dataclass
class Review:
    plan: Plan
    year: int
    start: date
    end: date
    quarters: list[Quarter]
    rows: list[ReviewRow]
    published: bool  # the figures of at least one of the year's quarters are published
    counts: dict[str, int]
    actions: list[PlanAction]


def plan_years(plan: Plan, *, on: date | None = None) -> list[int]:
    """The plan's years begun by a day (at least the first)."""
    on = on or timezone.localdate()
    last = rules.plan_year(plan.endorsed_on, min(on, plan.period_end))
    return list(range(1, max(1, last) + 1))


def review(plan: Plan, year: int) -> Review:
    """The year's measures against the plan's goals: each goal's figure in each quarter of the plan year
    (from the latest snapshot published covering the year) and whether the year ended met, not met or not
    yet measurable."""
    start, end = rules.plan_year_span(plan.endorsed_on, year)
    quarters = rules.year_quarters(plan.endorsed_on, year)
    snapshot = (
        QuarterSnapshot.objects.filter(quarter__lte=quarters[-1].code, quarter__gte=quarters[0].code)
        .order_by("-quarter")
        .first()
        if quarters
        else None
    )
    figures = Figures(snapshot)
    rows = []
    counts = dict.fromkeys(rules.GoalStatus, 0)
    for goal in plan.goals.select_related("intervention", "group"):
        cells = [figures.goal(goal, q) for q in quarters]
        measured = [c for c in cells if c.value is not None]
        year_figure = measured[-1] if measured else (cells[-1] if cells else figures.goal(goal))
        counts[year_figure.status] += 1
        rows.append(ReviewRow(goal, cells, year_figure))
    return Review(
        plan=plan,
        year=year,
        start=start,
        end=end,
        quarters=quarters,
        rows=rows,
        published=snapshot is not None,
        counts={rules.GOAL_STATUS_LABELS[k]: v for k, v in counts.items()},
        actions=plan_actions(plan),
    )
