"""Allocation endpoints (/api/allocation/…): a team's cases waiting for allocation, its practitioners'
workload, and allocating a case, through the same selectors and service as the pages (docs/allocation.md).
Team managers only: a team or case outside the caller's teams is 404, logged as denied."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from desist.allocation import selectors, services
from desist.api.actor import api_actor
from desist.audit.models import Action
from desist.audit.services import log_access

router = Router(tags=["allocation"])


class AllocationErrorOut(Schema):
    detail: str


class AllocationCaseOut(Schema):
    id: int
    person_id: int
    agency: str
    team: str
    reason: str
    arrived_on: date
    days_waiting: int
    allocate_by: date
    overdue: bool
    court_date: date | None
    sentence_kind: str | None
    case_type: str | None
    tier: str | None
    rosh: str | None
    mappa: bool
    points: int | None


class AllocationMemberOut(Schema):
    user_id: int
    name: str
    grade: str
    cases: int | None
    points: int | None
    available_points: int | None
    capacity: Decimal | None
    reductions: list[str]


class AllocationIn(Schema):
    worker_id: int
    note: str = ""


class AllocationOut(Schema):
    id: int
    involvement_id: int
    worker_id: int | None
    kind: str
    note: str


def _case_out(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "person_id": c.person_id,
        "agency": c.agency.name,
        "team": c.team.name if c.team else "",
        "reason": c.reason,
        "arrived_on": c.start_date,
        "days_waiting": c.days_waiting,
        "allocate_by": c.deadline,
        "overdue": c.is_overdue,
        "court_date": c.court_date,
        "sentence_kind": c.sentence_kind,
        "case_type": c.case_type,
        "tier": c.tier,
        "rosh": c.rosh,
        "mappa": bool(c.mappa),
        "points": c.points,
    }


@router.get(
    "/teams/{id:team_id}/unallocated",
    response=list[AllocationCaseOut],
    summary="A team's cases waiting for allocation, oldest first",
)
def allocation_unallocated_list(request: HttpRequest, team_id: int) -> Any:
    actor = api_actor(request)
    today = timezone.localdate()
    team = selectors.team_for_actor(actor, team_id)
    rows = [
        selectors.decorate(c, today)
        for c in selectors.unallocated_cases(actor, on=today, team=team)[: selectors.UNALLOCATED_ROWS]
    ]
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Listed {len(rows)} unallocated cases of team {team.pk} through the API",
        detail={"person_ids": sorted({c.person_id for c in rows})},
    )
    return [_case_out(c) for c in rows]


@router.get(
    "/teams/{id:team_id}/workload",
    response=list[AllocationMemberOut],
    summary="A team's practitioners with their workload, most room first",
)
def allocation_team_workload(request: HttpRequest, team_id: int) -> Any:
    actor = api_actor(request)
    team = selectors.team_for_actor(actor, team_id)
    members = selectors.team_members(team, on=timezone.localdate())
    members.sort(key=lambda m: (m.workload is None, m.capacity))
    log_access(actor=actor, action=Action.CONSULTATION, summary=f"Read the workload of team {team.pk}")
    return [
        {
            "user_id": m.user.pk,
            "name": m.user.get_full_name() or m.user.get_username(),
            "grade": m.grade,
            "cases": m.workload.cases if m.workload else None,
            "points": m.workload.points if m.workload else None,
            "available_points": m.workload.available_points if m.workload else None,
            "capacity": m.workload.capacity if m.workload else None,
            "reductions": [f"{r.hours} hours, {r.reason}, until {r.ends_on}" for r in m.reductions],
        }
        for m in members
    ]


@router.post(
    "/cases/{id:involvement_id}/allocate",
    response={201: AllocationOut, 404: AllocationErrorOut, 422: AllocationErrorOut},
    summary="Allocate (or reallocate) a case to a worker of its team, with a note",
)
def allocation_case_allocate(request: HttpRequest, involvement_id: int, body: AllocationIn) -> Any:
    actor = api_actor(request)
    today = timezone.localdate()
    case = selectors.case_for_actor(actor, involvement_id, on=today)
    worker = (
        next(
            (m.user for m in selectors.team_members(case.team, on=today) if m.user.pk == body.worker_id), None
        )
        if case.team
        else None
    )
    if worker is None:
        return Status(422, {"detail": "Choose someone in the case's team."})
    try:
        allocation = services.allocate(actor=actor, case=case, worker=worker, note=body.note, on=today)
    except ValidationError as error:
        return Status(422, {"detail": " ".join(m for ms in error.message_dict.values() for m in ms)})
    return Status(
        201,
        {
            "id": allocation.pk,
            "involvement_id": case.pk,
            "worker_id": allocation.worker_id,
            "kind": allocation.kind,
            "note": allocation.note,
        },
    )
