"""Strategy plan endpoints (/api/strategy/…): the plan with its principles, groups, interventions, goals
against the board's published figures and actions with their RAG status and latest update; the caller's
actions due a quarterly update; and posting that update. The same selectors and services as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from desist.api.actor import api_actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.strategy import selectors, services
from desist.strategy.models import PlanAction

router = Router(tags=["strategy"])
MAX_ACTIONS = 200


class StrategyErrorOut(Schema):
    detail: str


class StrategyUpdateOut(Schema):
    quarter: str
    rag: str
    comment: str
    by: str
    at: datetime


class StrategyActionOut(Schema):
    id: int
    position: int
    description: str
    goal_id: int | None
    owner_agency: str
    owner_user_id: int
    due_on: date
    rag: str
    last_update_on: date | None
    latest_update: StrategyUpdateOut | None


class StrategyGoalOut(Schema):
    id: int
    position: int
    text: str
    measure: str
    baseline: float | None
    target: float | None
    direction: str
    quarter: str | None
    value: float | None
    status: str
    progress: float | None


class StrategyNamedOut(Schema):
    position: int
    name: str


class StrategyPlanOut(Schema):
    id: int
    title: str
    period_start: date
    period_end: date
    endorsed_on: date
    endorsed_at_meeting_id: int | None
    board: str
    principles: list[StrategyNamedOut]
    priority_groups: list[StrategyNamedOut]
    interventions: list[StrategyNamedOut]
    goals: list[StrategyGoalOut]
    actions: list[StrategyActionOut]


class StrategyUpdateIn(Schema):
    rag: str
    comment: str


def _update_out(update: Any) -> dict[str, Any] | None:
    if update is None:
        return None
    return {
        "quarter": update.quarter,
        "rag": update.rag,
        "comment": update.comment,
        "by": update.by.get_username(),
        "at": update.at,
    }


def _action_out(action: PlanAction, latest: Any = None) -> dict[str, Any]:
    return {
        "id": action.pk,
        "position": action.position,
        "description": action.description,
        "goal_id": action.goal_id,
        "owner_agency": action.owner_agency.name,
        "owner_user_id": action.owner_user_id,
        "due_on": action.due_on,
        "rag": action.rag,
        "last_update_on": action.last_update_on,
        "latest_update": _update_out(latest),
    }


@router.get(
    "/plan",
    response={200: StrategyPlanOut, 404: StrategyErrorOut},
    summary="The strategy plan and its progress",
)
def strategy_plan_get(request: HttpRequest) -> Any:
    actor = api_actor(request)
    plan = selectors.current_plan()
    if plan is None:
        return Status(404, {"detail": "No plan has been recorded yet."})
    progress = selectors.progress(plan)
    log_access(
        actor=actor, action=Action.CONSULTATION, obj=plan, summary="Read the strategy plan through the API"
    )
    return {
        "id": plan.pk,
        "title": plan.title,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "endorsed_on": plan.endorsed_on,
        "endorsed_at_meeting_id": plan.endorsed_at_id,
        "board": plan.board.name,
        "principles": [{"position": p.position, "name": p.name} for p in plan.principles.all()],
        "priority_groups": [{"position": g.position, "name": g.name} for g in plan.groups.all()],
        "interventions": [{"position": i.position, "name": i.name} for i in plan.interventions.all()],
        "goals": [
            {
                "id": g.goal.pk,
                "position": g.goal.position,
                "text": g.goal.text,
                "measure": g.goal.measure,
                "baseline": g.goal.baseline,
                "target": g.goal.target,
                "direction": g.goal.direction,
                "quarter": g.quarter.code if g.quarter else None,
                "value": g.value,
                "status": str(g.status),
                "progress": g.progress,
            }
            for g in progress.goals
        ],
        "actions": [_action_out(a, a.latest) for a in progress.actions],  # type: ignore[attr-defined]
    }


@router.get(
    "/actions/due",
    response=list[StrategyActionOut],
    summary="Your plan actions due a quarterly update (team=true: your agencies')",
)
def strategy_updates_due(request: HttpRequest, team: bool = False) -> Any:
    actor = api_actor(request)
    rows = list(selectors.updates_due(actor, team=team)[:MAX_ACTIONS])
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Listed {len(rows)} plan actions due an update through the API",
    )
    return [_action_out(a) for a in rows]


@router.post(
    "/actions/{id:plan_action_id}/updates",
    response={201: StrategyActionOut, 404: StrategyErrorOut, 422: StrategyErrorOut},
    summary="Post a plan action's quarterly update (RAG status and comment)",
)
def strategy_action_update(request: HttpRequest, plan_action_id: int, body: StrategyUpdateIn) -> Any:
    actor = api_actor(request)
    action = selectors.action_for_actor(actor, plan_action_id)
    try:
        update = services.action_update_post(actor=actor, action=action, rag=body.rag, comment=body.comment)
    except services.StrategyError as error:
        return Status(422, {"detail": str(error)})
    return Status(201, _action_out(action, update))
