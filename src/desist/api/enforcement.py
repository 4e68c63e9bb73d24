"""Compliance and enforcement endpoints (/api/enforcement/…): a person's failures with their judgement,
action and clock, requirement progress and recall recommendations; judging, warning and referring. Through
the same selectors, services and forms as the pages, so both refuse in the same words (a second warning
within 12 months among them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from desist.api.actor import api_actor
from desist.api.schemas import form_data, form_field_errors, refusal_errors
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.enforcement import selectors, services
from desist.enforcement.forms import JudgeForm, ReferForm
from desist.enforcement.models import Failure
from desist.enforcement.services import EnforcementError
from desist.people.selectors import person_for_actor, visible_people

router = Router(tags=["enforcement"])
LIMIT = 200


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    detail: list[dict[str, Any]]


class FailureOut(Schema):
    id: int
    person_id: int
    sentence_id: int
    requirement_id: int | None
    licence_condition_id: int | None
    occurred_on: date
    description: str
    judgement: str
    reason: str
    evidence: str
    next_action: str
    next_action_reason: str
    warning_id: int | None
    warned_on: date | None
    referral_id: int | None
    referred_on: date | None
    court_outcome: str
    clock_due_on: date | None
    clock_status: str
    clock_working_days_used: int | None


class ProgressOut(Schema):
    requirement_id: int
    kind: str
    status: str
    ordered: int | None
    unit: str
    done: float
    left: int | None
    percent: int | None
    due_by: date | None
    overdue: bool


class RecallOut(Schema):
    id: int
    sentence_id: int
    recommended_on: date
    kind: str
    reason: str
    decision: str
    decided_on: date | None
    recall_id: int | None


class PersonEnforcementOut(Schema):
    person_id: int
    failures: list[FailureOut]
    requirements: list[ProgressOut]
    recalls: list[RecallOut]


class JudgeIn(Schema):
    judgement: str
    reason: str
    evidence: str = ""


class ReferIn(Schema):
    note: str = ""


class WarningOut(Schema):
    id: int
    failure_id: int
    issued_on: date


def _failure_out(view: selectors.FailureView) -> dict[str, Any]:
    f, clock = view.failure, view.clock
    warning = getattr(f, "warning", None)
    referral = getattr(f, "referral", None)
    return {
        "id": f.pk,
        "person_id": f.person_id,
        "sentence_id": f.sentence_id,
        "requirement_id": f.requirement_id,
        "licence_condition_id": f.licence_condition_id,
        "occurred_on": f.occurred_on,
        "description": f.description,
        "judgement": f.judgement,
        "reason": f.reason,
        "evidence": f.evidence,
        "next_action": view.next_action.action.value,
        "next_action_reason": view.next_action.reason,
        "warning_id": warning.pk if warning else None,
        "warned_on": warning.issued_on if warning else None,
        "referral_id": referral.pk if referral else None,
        "referred_on": referral.referred_on if referral else None,
        "court_outcome": referral.outcome if referral else "",
        "clock_due_on": clock.due_on if clock else None,
        "clock_status": clock.status.value if clock else "",
        "clock_working_days_used": clock.days_used if clock else None,
    }


def _progress_out(view: selectors.RequirementView) -> dict[str, Any]:
    r, progress = view.requirement, view.progress
    return {
        "requirement_id": r.pk,
        "kind": r.kind,
        "status": r.status,
        "ordered": r.amount,
        "unit": r.unit,
        "done": float(view.done),
        "left": progress.left if progress else None,
        "percent": progress.percent if progress else None,
        "due_by": view.unpaid_work.due_by if view.unpaid_work else None,
        "overdue": bool(view.unpaid_work and view.unpaid_work.overdue),
    }


def _view(failure: Failure) -> selectors.FailureView:
    return selectors.FailureView(
        failure, selectors.next_action(failure), selectors.clock(failure, on=timezone.localdate())
    )


def _failure(request: HttpRequest, failure_id: int) -> tuple[Any, Failure]:
    actor = api_actor(request)
    return actor, selectors.failure_for_actor(actor, failure_id)


@router.get(
    "/people/{id:person_id}",
    response={200: PersonEnforcementOut, 404: ErrorOut},
    summary="A person's failures (judgement, action, clock), requirement progress and recall recommendations",
)
def enforcement_person(request: HttpRequest, person_id: int) -> Any:
    actor = api_actor(request)
    person = person_for_actor(actor, person_id, what="the compliance and enforcement")
    today = timezone.localdate()
    failures = selectors.person_failures(person.pk, on=today)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary=f"Viewed the compliance and enforcement of person {person.pk} through the API",
    )
    return {
        "person_id": person.pk,
        "failures": [_failure_out(v) for v in failures],
        "requirements": [_progress_out(v) for v in selectors.requirement_progress(person.pk, on=today)],
        "recalls": [
            {
                "id": r.pk,
                "sentence_id": r.sentence_id,
                "recommended_on": r.recommended_on,
                "kind": r.kind,
                "reason": r.reason,
                "decision": r.decision,
                "decided_on": r.decided_on,
                "recall_id": r.recall_id,
            }
            for r in selectors.recall_recommendations(person.pk)
        ],
    }


@router.get(
    "/awaiting",
    response=list[FailureOut],
    summary="Failures of people you may see awaiting judgement, or a warning or referral (oldest first)",
)
def enforcement_awaiting(request: HttpRequest) -> list[dict[str, Any]]:
    actor = api_actor(request)
    people = visible_people(actor).values_list("pk", flat=True)
    rows = [*selectors.awaiting_judgement(people)[:LIMIT], *selectors.action_due(people)[:LIMIT]]
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Listed failures awaiting judgement or action through the API ({len(rows)})",
        detail={"person_ids": sorted({f.person_id for f in rows})},
    )
    # The warnings that decide each one's next action, in one query.
    warned = selectors.warnings_by_sentence({f.sentence_id for f in rows})
    today = timezone.localdate()
    return [
        _failure_out(
            selectors.FailureView(
                f,
                selectors.next_action(
                    f, warnings=[d for pk, d in warned.get(f.sentence_id, []) if pk != f.pk]
                ),
                selectors.clock(f, on=today),
            )
        )
        for f in rows
    ]


@router.post(
    "/failures/{id:failure_id}/judgement",
    response={200: FailureOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Judge a failure acceptable (reason and evidence) or unacceptable (reason)",
)
def enforcement_judge(request: HttpRequest, failure_id: int, body: JudgeIn) -> Any:
    actor, failure = _failure(request, failure_id)
    form = JudgeForm(form_data(body))
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    try:
        judged = services.judge_failure(actor=actor, failure=failure, **form.cleaned_data)
    except EnforcementError as error:
        return Status(422, refusal_errors(error))
    return _failure_out(_view(selectors.failure_for_actor(actor, judged.pk)))


@router.post(
    "/failures/{id:failure_id}/warning",
    response={201: WarningOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Give a warning (refused, with the reason, where a warning was given within 12 months)",
)
def enforcement_warn(request: HttpRequest, failure_id: int) -> Any:
    actor, failure = _failure(request, failure_id)
    try:
        warning = services.issue_warning(actor=actor, failure=failure)
    except EnforcementError as error:
        return Status(422, refusal_errors(error))
    return Status(201, {"id": warning.pk, "failure_id": failure.pk, "issued_on": warning.issued_on})


@router.post(
    "/failures/{id:failure_id}/referral",
    response={201: FailureOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Refer an unacceptable failure for enforcement (breach action)",
)
def enforcement_refer(request: HttpRequest, failure_id: int, body: ReferIn) -> Any:
    actor, failure = _failure(request, failure_id)
    form = ReferForm(form_data(body))
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    try:
        services.refer_for_enforcement(actor=actor, failure=failure, note=form.cleaned_data["note"])
    except EnforcementError as error:
        return Status(422, refusal_errors(error))
    return Status(201, _failure_out(_view(selectors.failure_for_actor(actor, failure.pk))))
