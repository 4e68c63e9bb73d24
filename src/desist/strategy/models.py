"""The Reducing Reoffending Strategy Board's plan as data (issue 15, item 5): a plan endorsed at a board
meeting with its principles, priority groups and priority interventions; goals, each optionally measured by a
basket measure against a target; actions with an owner (agency and person), a due date and a RAG status,
updated quarterly with a comment (every update kept); and the board's members by agency with their role.

The board meets as a `meetings` series of the strategy board kind: its meetings, attendance and minutes are
that app's; the plan adds who sits on the board in which role, and what the board follows between meetings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from desist.core.basket import BASKET
from desist.meetings.models import Meeting, MeetingSeries
from desist.partnership.models import Agency
from desist.priority.models import PriorityGroup


class Plan(models.Model):
    """A strategic plan for reducing reoffending, for a period, endorsed by the board on a day (and, where
    recorded, at one of its meetings)."""

    title = models.CharField(max_length=200, unique=True)
    board = models.ForeignKey(
        MeetingSeries,
        on_delete=models.PROTECT,
        related_name="plans",
        limit_choices_to={"kind": "strategy_board"},
        help_text="The strategy board's meeting series that governs the plan.",
    )
    period_start = models.DateField()
    period_end = models.DateField()
    endorsed_on = models.DateField()
    endorsed_at = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The board meeting that endorsed the plan.",
    )
    summary = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="strategy_plan_period_forwards"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Principle(models.Model):
    """One of the principles that underpin every agency's decisions under the plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="principles")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="strategy_principle_position_once")
        ]

    def __str__(self) -> str:
        return self.name


class PlanGroup(models.Model):
    """A priority group the plan targets; where it matches one of desist's priority groups, the board's
    figures can be read for it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="groups")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    priority_group = models.CharField(max_length=32, choices=PriorityGroup.choices, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = "priority group"
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="strategy_group_position_once")
        ]

    def __str__(self) -> str:
        return self.name


class Intervention(models.Model):
    """A priority intervention: offenders' needs, the current provision and what the plan wants next."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="interventions")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    needs = models.TextField(blank=True)
    provision = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = "priority intervention"
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="strategy_intervention_position_once")
        ]

    def __str__(self) -> str:
        return self.name


MEASURE_CHOICES = [(m.code, m.name) for m in BASKET]


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better: reach the target or more"
    LOWER = "lower", "Lower is better: reach the target or less"


class Goal(models.Model):
    """What the plan wants for an intervention or group; measured, where it names a basket measure, by the
    board's published figure against the target (desist.core.strategy.goal_status)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    intervention = models.ForeignKey(
        Intervention, null=True, blank=True, on_delete=models.SET_NULL, related_name="goals"
    )
    group = models.ForeignKey(
        PlanGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="goals"
    )
    measure = models.CharField(max_length=40, choices=MEASURE_CHOICES, blank=True)
    baseline = models.FloatField(null=True, blank=True, help_text="The figure when the plan began.")
    target = models.FloatField(
        null=True,
        blank=True,
        help_text="Per cent for a proportion, per 100 for a rate, % change before/after.",
    )
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.HIGHER)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="strategy_goal_position_once"),
            models.CheckConstraint(
                condition=Q(measure="") | Q(target__isnull=False), name="strategy_goal_measured_has_target"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Rag(models.TextChoices):
    RED = "red", "Red: off track"
    AMBER = "amber", "Amber: at risk"
    GREEN = "green", "Green: on track"
    COMPLETE = "complete", "Complete"


class PlanAction(models.Model):
    """An action of the plan with its owner (an agency and a named person of it), a due date and its RAG
    status, which each quarterly update sets."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField()
    description = models.TextField()
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="plan_actions")
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_actions"
    )
    due_on = models.DateField()
    opened_on = models.DateField()
    rag = models.CharField(max_length=8, choices=Rag.choices, default=Rag.AMBER)
    last_update_on = models.DateField(null=True, blank=True, help_text="When the last quarterly update came.")

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = "plan action"
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="strategy_action_position_once")
        ]
        indexes = [
            models.Index(fields=["owner_user", "rag", "last_update_on"], name="strategy_action_owner"),
            models.Index(fields=["owner_agency", "rag", "last_update_on"], name="strategy_action_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.description[:60]}"


class ActionUpdate(models.Model):
    """A quarterly update of an action: its RAG status and a comment, who posted it and when. Never changed:
    the history of an action is its updates."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="updates")
    quarter = models.CharField(max_length=6, help_text="The quarter reported on, like 2025Q4.")
    rag = models.CharField(max_length=8, choices=Rag.choices)
    comment = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["action", "-at", "-id"]
        indexes = [models.Index(fields=["action", "at"], name="strategy_update_action_at")]

    def __str__(self) -> str:
        return f"Update of action {self.action_id} for {self.quarter}: {self.rag}"


class BoardRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    MEMBER = "member", "Member"
    ADVISER = "adviser", "Adviser"


class BoardMember(models.Model):
    """A person on the board for their agency, in a role, from a day (until a day, when they leave)."""

    board = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="board_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_seats")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=8, choices=BoardRole.choices, default=BoardRole.MEMBER)
    since = models.DateField()
    until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["board", "role", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "user"], condition=Q(until__isnull=True), name="strategy_member_seat_once"
            ),
            models.UniqueConstraint(
                fields=["board"],
                condition=Q(until__isnull=True, role="chair"),
                name="strategy_member_one_chair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.agency})"
