"""Subject access requests (/api/subject-access/…): the open requests by deadline, one request, and logging a
new one, for the data protection officer and administrators (others: 403, logged as denied). The export
itself is downloaded from the request's page, once a reviewer has confirmed its redactions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from desist.api.actor import api_actor
from desist.api.schemas import ValidationErrorOut, form_data, form_field_errors, refusal_errors
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core import subject_access as rules
from desist.people.models import Person
from desist.subject_access import selectors, services
from desist.subject_access.forms import RequestForm
from desist.subject_access.models import SubjectAccessRequest

router = Router(tags=["subject access"])

LIMIT = 200


class SarErrorOut(Schema):
    detail: str


class SarIn(Schema):
    person: int
    requester_name: str
    requester_relation: str = ""
    regime: str = "dpa_part3"
    received_on: date
    identity_verified_on: date | None = None
    identity_evidence: str = ""


class SarOut(Schema):
    id: int
    person_id: int
    requester_name: str
    regime: str
    received_on: date
    identity_verified_on: date | None
    extension_months: int
    due_on: date
    days_left: int
    status: str
    redactions: int
    released_on: date | None


def _out(sar: SubjectAccessRequest) -> dict[str, Any]:
    return {
        "id": sar.pk,
        "person_id": sar.person_id,
        "requester_name": sar.requester_name,
        "regime": sar.regime,
        "received_on": sar.received_on,
        "identity_verified_on": sar.identity_verified_on,
        "extension_months": sar.extension_months,
        "due_on": sar.due_on,
        "days_left": rules.days_left(sar.due_on, timezone.localdate()),
        "status": sar.status,
        "redactions": len(sar.redactions),
        "released_on": sar.released_on,
    }


@router.get(
    "/due",
    response={200: list[SarOut], 403: SarErrorOut},
    summary="Open subject access requests, soonest deadline first (at most 200)",
)
def subject_access_due(request: HttpRequest) -> Any:
    actor = api_actor(request)
    selectors.require_worker(actor, "list subject access requests through the API")
    due = selectors.requests_due(limit=LIMIT)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Listed subject access requests through the API ({len(due)})",
    )
    return [_out(d.request) for d in due]


@router.get(
    "/{id:request_id}",
    response={200: SarOut, 403: SarErrorOut, 404: SarErrorOut},
    summary="One subject access request: its deadline, status and redactions",
)
def subject_access_get(request: HttpRequest, request_id: int) -> Any:
    actor = api_actor(request)
    sar = selectors.request_for_actor(actor, request_id)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=sar.person_id,
        obj=sar,
        summary=f"Viewed subject access request {sar.pk} through the API",
    )
    return _out(sar)


@router.post(
    "",
    response={201: SarOut, 403: SarErrorOut, 422: ValidationErrorOut},
    summary="Log a subject access request; its deadline is worked out from the day received",
)
def subject_access_log(request: HttpRequest, body: SarIn) -> Any:
    actor = api_actor(request)
    selectors.require_worker(actor, "log a subject access request through the API")
    form = RequestForm(form_data(body))
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    data = form.cleaned_data
    person = Person.objects.filter(pk=data.pop("person"), merged_into__isnull=True).first()
    if person is None:
        return Status(422, refusal_errors(ValueError("No person has this number.")))
    try:
        sar = services.request_log(actor=actor, person=person, **data)
    except services.RequestRefused as refused:
        return Status(422, refusal_errors(refused))
    return Status(201, _out(sar))
