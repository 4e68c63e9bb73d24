"""A person's assessments (/api/people/{id}/assessments): every version, and recording one with the page's
form checks and messages."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from desist.api import schemas
from desist.api.actor import api_actor
from desist.assessments.forms import AssessmentForm, form_data_from_json, json_path
from desist.assessments.models import Assessment
from desist.assessments.selectors import assessment_versions, can_record_assessments
from desist.assessments.services import assessment_record
from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import refuse
from desist.audit.services import log_access
from desist.people import selectors
from desist.people.models import Person

# The operation ids are spelled out: they are the ones these endpoints had when they lived in desist.api.api.
router = Router(tags=["assessments"])


def _assessment_out(assessment: Assessment) -> dict[str, Any]:
    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    return {
        "id": assessment.pk,
        "version": assessment.version,
        "assessed_on": assessment.assessed_on,
        "source": assessment.source,
        "rosh": assessment.rosh_by_audience,
        "rsr_percent": number(assessment.rsr_percent),
        "arp_percent": number(assessment.arp_percent),
        "csrp_percent": number(assessment.csrp_percent),
        "dcsrp_band": assessment.dcsrp_band,
        "dcsrp_score": number(assessment.dcsrp_score),
        "answers": assessment.answers,
        "sections": list(assessment.sections.all()),
        "recorded_by": assessment.recorded_by.get_username() if assessment.recorded_by else None,
    }


def _assessable_person(actor: Actor, person_id: int, doing: str) -> Person:
    """The person if the actor may see them; else the refusal is logged and answered 404."""
    return selectors.person_for_actor(actor, person_id, what=doing)


@router.get(
    "/people/{id:person_id}/assessments",
    response={200: list[schemas.AssessmentOut], 404: schemas.ErrorOut},
    summary="A person's assessments, every version, newest first",
    operation_id="desist_api_api_list_assessments",
)
def list_assessments(request: HttpRequest, person_id: int) -> Any:
    actor = api_actor(request)
    person = _assessable_person(actor, person_id, "the assessments")
    versions = assessment_versions(person.pk)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed assessments of person {person.pk}",
        person_id=person.pk,
        detail={"sections": ["assessments"], "versions": len(versions)},
    )
    return [_assessment_out(a) for a in versions]


@router.post(
    "/people/{id:person_id}/assessments",
    response={
        201: schemas.AssessmentOut,
        403: schemas.ErrorOut,
        404: schemas.ErrorOut,
        422: schemas.ValidationErrorOut,
    },
    summary="Record an assessment (assessing staff only); the scores follow in the background",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schemas.AssessmentIn.model_json_schema()}},
        }
    },
    operation_id="desist_api_api_post_assessment",
)
def post_assessment(request: HttpRequest, person_id: int) -> Any:
    actor = api_actor(request)
    person = _assessable_person(actor, person_id, "record an assessment")
    if not can_record_assessments(actor):
        refuse(
            actor,
            summary=f"Refused to record an assessment for person {person_id}",
            person_id=person_id,
            reason="not an assessing role",
            status=403,
            message="Only assessing staff (probation or youth justice practitioners and managers) can record "
            "assessments.",
        )
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        return Status(422, {"detail": [{"loc": ["body"], "msg": "The body must be JSON"}]})
    # The page's form checks the values, so the API gives the same messages, each at its place in the JSON.
    data, problems = form_data_from_json(body)
    form = AssessmentForm(data)
    errors = [{"loc": ["body", *path], "msg": message} for path, message in problems]
    if not form.is_valid() or errors:
        taken = {tuple(e["loc"]) for e in errors}
        errors += [
            {"loc": ["body", *json_path(name)], "msg": str(message)}
            for name, messages in form.errors.items()
            for message in messages
            if ("body", *json_path(name)) not in taken
        ]
        return Status(422, {"detail": errors})
    recorded = assessment_record(actor=actor, person=person, **form.service_arguments())
    return Status(201, _assessment_out(recorded))
