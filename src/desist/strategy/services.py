"""Writes for the strategy plan: creating a plan and its parts, giving the board a member, adding an action
and posting an action's quarterly update. Each is transactional and writes its access-log entry; a refused
update is logged before it is refused (desist.audit.refusals)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import refuse
from desist.audit.services import log_access
from desist.core.basket import Quarter
from desist.meetings.models import Meeting, MeetingSeries, SeriesKind
from desist.partnership.models import Agency
from desist.strategy.models import (
    ActionUpdate,
    BoardMember,
    Goal,
    Intervention,
    Plan,
    PlanAction,
    PlanGroup,
    Principle,
    Rag,
)
from desist.strategy.selectors import may_update


class StrategyError(ValueError):
    """A write the plan's rules do not allow, in words."""


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise StrategyError("Only a signed-in user can change the plan.")
    return actor.user


@transaction.atomic
def plan_create(
    *,
    actor: Actor,
    board: MeetingSeries,
    title: str,
    period_start: date,
    period_end: date,
    endorsed_on: date,
    endorsed_at: Meeting | None = None,
    summary: str = "",
    principles: Sequence[str] = (),
    groups: Sequence[tuple[str, str]] = (),
    interventions: Sequence[str] = (),
) -> Plan:
    """A plan with its principles, priority groups (name, desist priority group code or "") and priority
    interventions in the order given."""
    if board.kind != SeriesKind.STRATEGY_BOARD:
        raise StrategyError("A plan is governed by a strategy board series.")
    if period_end <= period_start:
        raise StrategyError("The plan's period must end after it starts.")
    if endorsed_at is not None and endorsed_at.series_id != board.pk:
        raise StrategyError("The plan is endorsed at one of its board's meetings.")
    plan = Plan.objects.create(
        title=title,
        board=board,
        period_start=period_start,
        period_end=period_end,
        endorsed_on=endorsed_on,
        endorsed_at=endorsed_at,
        summary=summary,
        created_by=_user(actor),
    )
    Principle.objects.bulk_create(
        Principle(plan=plan, position=n, name=p) for n, p in enumerate(principles, 1)
    )
    PlanGroup.objects.bulk_create(
        PlanGroup(plan=plan, position=n, name=name, priority_group=code)
        for n, (name, code) in enumerate(groups, 1)
    )
    Intervention.objects.bulk_create(
        Intervention(plan=plan, position=n, name=name) for n, name in enumerate(interventions, 1)
    )
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        obj=plan,
        summary=f"Recorded the plan {title}"[:255],
        detail={"principles": len(principles), "groups": len(groups), "interventions": len(interventions)},
    )
    return plan


@transaction.atomic
def goal_add(
    *,
    actor: Actor,
    plan: Plan,
    text: str,
    intervention: Intervention | None = None,
    group: PlanGroup | None = None,
    measure: str = "",
    baseline: float | None = None,
    target: float | None = None,
    direction: str = "higher",
) -> Goal:
    if measure and target is None:
        raise StrategyError("A goal measured by the basket needs a target.")
    position = (plan.goals.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    goal = Goal.objects.create(
        plan=plan,
        position=position,
        text=text,
        intervention=intervention,
        group=group,
        measure=measure,
        baseline=baseline,
        target=target,
        direction=direction,
    )
    log_access(
        actor=actor, action=Action.COLLECTION, obj=goal, summary=f"Added goal {position} to {plan}"[:255]
    )
    return goal


@transaction.atomic
def action_add(
    *,
    actor: Actor,
    plan: Plan,
    description: str,
    owner_agency: Agency,
    owner_user: User,
    due_on: date,
    goal: Goal | None = None,
    opened_on: date | None = None,
) -> PlanAction:
    """An action of the plan, owned by a person of an agency (they must work for it)."""
    if not owner_user.memberships.filter(agency=owner_agency, is_active=True).exists():
        raise StrategyError(f"{owner_user.get_full_name() or owner_user} does not work for {owner_agency}.")
    position = (plan.actions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    action = PlanAction.objects.create(
        plan=plan,
        position=position,
        description=description,
        goal=goal,
        owner_agency=owner_agency,
        owner_user=owner_user,
        due_on=due_on,
        opened_on=opened_on or timezone.localdate(),
    )
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        obj=action,
        summary=f"Added action {position} to {plan}, owned by {owner_agency}"[:255],
    )
    return action


def action_update_post(
    *, actor: Actor, action: PlanAction, rag: str, comment: str, at: datetime | None = None
) -> ActionUpdate:
    """The owner's quarterly update: the RAG status and what happened, for the quarter ``at`` falls in. The
    owner (by name), a colleague of the owner agency or a coordinator of the board's chair agency may post it;
    anyone else is refused (logged, 404)."""
    if not may_update(actor, action):
        refuse(
            actor,
            summary=f"Refused to update plan action {action.pk}",
            obj=action,
            reason="not the action's owner",
        )
    return _update(actor=actor, action=action, rag=rag, comment=comment, at=at)


@transaction.atomic
def _update(*, actor: Actor, action: PlanAction, rag: str, comment: str, at: datetime | None) -> ActionUpdate:
    if rag not in Rag.values:
        raise StrategyError("Choose a RAG status: red, amber, green or complete.")
    comment = comment.strip()
    if not comment:
        raise StrategyError("Say what has happened this quarter.")
    at = at or timezone.now()
    day = timezone.localtime(at).date()
    update = ActionUpdate.objects.create(
        action=action, quarter=Quarter.containing(day).code, rag=rag, comment=comment, by=_user(actor), at=at
    )
    before = action.rag
    PlanAction.objects.filter(pk=action.pk).update(rag=rag, last_update_on=day)
    action.rag, action.last_update_on = rag, day
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        obj=action,
        summary=f"Posted the {update.quarter} update of plan action {action.position}: {rag}"[:255],
        detail={"rag_before": before, "rag_after": rag, "quarter": update.quarter},
    )
    return update


@transaction.atomic
def member_add(
    *, actor: Actor, board: MeetingSeries, user: User, agency: Agency, role: str, since: date
) -> BoardMember:
    """A seat on the board for a person of an agency; the agency joins the board's series (so it is invited
    to its meetings) if it was not a member."""
    if board.kind != SeriesKind.STRATEGY_BOARD:
        raise StrategyError("Board members sit on a strategy board series.")
    if not user.memberships.filter(agency=agency, is_active=True).exists():
        raise StrategyError(f"{user.get_full_name() or user} does not work for {agency}.")
    member = BoardMember.objects.create(board=board, user=user, agency=agency, role=role, since=since)
    board.agencies.add(agency)
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        obj=member,
        summary=f"Gave {user.get_username()} a seat on {board} as {member.get_role_display()}"[:255],
    )
    return member
