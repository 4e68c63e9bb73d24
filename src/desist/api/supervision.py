"""Supervision endpoints (/api/supervision/…): a person's chronology (paginated, filtered, what the caller may
see only), recording a contact, booking an appointment and recording its outcome. The same selectors and
services as the pages, so both refuse in the same words."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from desist.api.actor import api_actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.people.selectors import person_for_actor
from desist.sharing.selectors import shared_categories
from desist.supervision import selectors, services
from desist.supervision.models import Appointment, AppointmentKind, Contact, Sensitivity

router = Router(tags=["supervision"])
MAX_PAGE_SIZE = 200


class ErrorOut(Schema):
    detail: str


class ContactOut(Schema):
    id: int
    person_id: int
    kind: str
    occurred_at: datetime
    agency: str
    recorded_by: str
    summary: str
    outcome: str
    notes: str
    sensitivity: str
    appointment_id: int | None


class ChronologyPage(Schema):
    count: int
    # Entries matching the filters that the caller's sharing agreements withhold (left out of `results`).
    withheld: int
    page: int
    pages: int
    results: list[ContactOut]


class ChronologyParams(Schema):
    page: int = 1
    page_size: int = 50
    agency: int | None = None
    kind: list[str] = []
    date_from: date | None = None
    date_to: date | None = None


class ContactIn(Schema):
    kind: str
    occurred_at: datetime
    summary: str
    outcome: str = ""
    notes: str = ""
    sensitivity: str = Sensitivity.SHARED


class AppointmentIn(Schema):
    practitioner: int
    starts_at: datetime
    ends_at: datetime
    kind: str = AppointmentKind.OFFICE
    location: str = ""
    purpose: str = ""
    suspension_reason: str = ""


class OutcomeIn(Schema):
    outcome: str
    notes: str = ""
    sensitivity: str = Sensitivity.SHARED
    version: int | None = None


class AppointmentOut(Schema):
    id: int
    version: int
    person_id: int
    practitioner_id: int
    agency: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    location: str
    purpose: str
    status: str
    outcome: str
    outcome_recorded_at: datetime | None
    rearranged_from_id: int | None


def _contact_out(c: Contact) -> dict[str, Any]:
    by = c.recorded_by
    return {
        "id": c.pk,
        "person_id": c.person_id,
        "kind": c.kind,
        "occurred_at": c.occurred_at,
        "agency": c.agency.name,
        "recorded_by": (by.get_full_name() or by.get_username()) if by is not None else "",
        "summary": c.summary,
        "outcome": c.outcome,
        "notes": c.notes,
        "sensitivity": c.sensitivity,
        "appointment_id": c.appointment_id,
    }


def _appointment_out(a: Appointment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "version": a.version,
        "person_id": a.person_id,
        "practitioner_id": a.practitioner_id,
        "agency": a.agency.name,
        "kind": a.kind,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "location": a.location,
        "purpose": a.purpose,
        "status": a.status,
        "outcome": a.outcome,
        "outcome_recorded_at": a.outcome_recorded_at,
        "rearranged_from_id": a.rearranged_from_id,
    }


@router.get(
    "/people/{id:person_id}/chronology",
    response={200: ChronologyPage, 404: ErrorOut},
    summary="A person's chronology across agencies, newest first (what you may see only)",
)
def supervision_chronology(request: HttpRequest, person_id: int, params: Query[ChronologyParams]) -> Any:
    actor = api_actor(request)
    person = person_for_actor(actor, person_id, what="the chronology")
    filters = selectors.ChronologyFilters(
        agency_id=params.agency, kinds=tuple(params.kind), date_from=params.date_from, date_to=params.date_to
    )
    size = max(1, min(params.page_size, MAX_PAGE_SIZE))
    shared = shared_categories(actor, person.pk)
    page = Paginator(selectors.chronology(actor, person, filters, shared=shared), size).get_page(params.page)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary=f"Viewed the chronology of person {person.pk} through the API",
        detail={"contacts": [c.pk for c in page]},
    )
    return {
        "count": page.paginator.count,
        "withheld": selectors.chronology_withheld(actor, person, filters, shared=shared),
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_contact_out(c) for c in page],
    }


@router.post(
    "/people/{id:person_id}/contacts",
    response={201: ContactOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record a contact in a person's chronology, for your agency",
)
def supervision_contact_record(request: HttpRequest, person_id: int, body: ContactIn) -> Any:
    actor = api_actor(request)
    person = person_for_actor(actor, person_id, what="recording a contact")
    try:
        contact = services.record_contact(actor=actor, person=person, **body.model_dump())
    except services.SupervisionError as error:
        return Status(422, {"detail": str(error)})
    return Status(201, _contact_out(contact))


@router.post(
    "/people/{id:person_id}/appointments",
    response={201: AppointmentOut, 404: ErrorOut, 422: ErrorOut},
    summary="Book an appointment (while supervision contact is suspended, with a reason)",
)
def supervision_appointment_book(request: HttpRequest, person_id: int, body: AppointmentIn) -> Any:
    actor = api_actor(request)
    person = person_for_actor(actor, person_id, what="booking an appointment")
    data = body.model_dump()
    practitioner = selectors.practitioners_for(actor).filter(pk=data.pop("practitioner")).first()
    if practitioner is None:
        return Status(422, {"detail": "Choose a practitioner who works for your agency."})
    try:
        appointment = services.book_appointment(actor=actor, person=person, practitioner=practitioner, **data)
    except services.SupervisionError as error:
        return Status(422, {"detail": str(error)})
    return Status(201, _appointment_out(appointment))


@router.post(
    "/appointments/{id:appointment_id}/outcome",
    response={200: AppointmentOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Record an appointment's outcome (written into the chronology)",
)
def supervision_appointment_outcome(request: HttpRequest, appointment_id: int, body: OutcomeIn) -> Any:
    actor = api_actor(request)
    appointment = selectors.appointment_for_actor(actor, appointment_id)
    try:
        services.record_appointment_outcome(actor=actor, appointment=appointment, **body.model_dump())
    except services.SupervisionError as error:
        return Status(422, {"detail": str(error)})
    return _appointment_out(appointment)
