"""Referral and accommodation endpoints (/api/referrals/…, /api/premises/…), through the same selectors,
services and forms as the pages, so both give the same refusals in the same words."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from desist.api.actor import api_actor
from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.people.models import Person
from desist.people.selectors import person_for_actor
from desist.premises import selectors as premises_selectors
from desist.premises import services as premises_services
from desist.premises.actions import BOOKING_ACTIONS, apply_booking_action
from desist.premises.forms import BookingForm
from desist.premises.models import BedSpace, Booking
from desist.referrals import selectors, services
from desist.referrals.actions import ACTIONS, referral_action_apply
from desist.referrals.forms import ReferralForm, form_errors
from desist.referrals.models import ProviderNotice, Referral, Service

router = Router(tags=["referrals"])
premises_router = Router(tags=["accommodation"])
NOT_FOUND = {"detail": "No such record is available to you."}


class ErrorOut(Schema):
    detail: str


class ReferralOut(Schema):
    id: int
    version: int
    person_id: int
    service_id: int
    service: str
    provider: str
    need: str
    status: str
    made_on: date
    acknowledged_on: date | None
    accepted_on: date | None
    decline_reason: str
    started_on: date | None
    ended_on: date | None
    outcome: str
    overdue: bool
    # The categories of the person this referral holds that your agency is not given (desist.sharing): the
    # service, provider, need and decline reason are then empty.
    withheld: list[str] = []


class ReferralIn(Schema):
    service: int
    need: str = ""
    detail: str = ""


class ActionIn(Schema):
    reason: str = ""
    outcome: str = ""
    detail: str = ""
    version: int | None = None


class NoticeOut(Schema):
    id: int
    referral_id: int
    person_id: int
    service: str
    kind: str
    summary: str
    detail: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class NoticesReadIn(Schema):
    up_to: int | None = None


class NoticesReadOut(Schema):
    marked: int


class CapacityOut(Schema):
    service_id: int
    service: str
    pathway: str
    capacity: int
    unit: str
    in_use: int
    waiting: int
    average_wait_days: float | None
    over_capacity: bool


class WaitingOut(Schema):
    referral_id: int
    position: int
    expected_wait_weeks: int | None


class BookingIn(Schema):
    bed: int
    expected_arrival: date
    expected_departure: date
    needs_step_free: bool = False


class BookingActionIn(Schema):
    reason: str = ""
    move_on: str = ""
    departed_on: date | None = None
    version: int | None = None


class BookingOut(Schema):
    id: int
    version: int
    person_id: int
    premises: str
    bed: str
    expected_arrival: date
    expected_departure: date
    status: str
    arrived_on: date | None
    departed_on: date | None
    move_on: str


class OccupancyOut(Schema):
    premises_id: int
    name: str
    kind: str
    beds: int
    occupied: int
    free: int
    arriving: int


def _out(r: Referral) -> dict[str, Any]:
    if r.withheld:
        return {
            **_shown(r),
            "service_id": 0,
            "service": "",
            "provider": "",
            "need": "",
            "decline_reason": "",
            "outcome": "",
            "withheld": list(r.withheld),
        }
    return _shown(r)


def _shown(r: Referral) -> dict[str, Any]:
    return {
        "id": r.pk,
        "version": r.version,
        "person_id": r.person_id,
        "service_id": r.service_id,
        "service": r.service.name,
        "provider": r.service.provider.name,
        "need": r.need,
        "status": r.status,
        "made_on": r.made_on,
        "acknowledged_on": r.acknowledged_on,
        "accepted_on": r.accepted_on,
        "decline_reason": r.decline_reason,
        "started_on": r.started_on,
        "ended_on": r.ended_on,
        "outcome": r.outcome,
        "overdue": bool(r.overdue_on and r.status == "made"),
    }


def _notice_out(n: ProviderNotice) -> dict[str, Any]:
    return {
        "id": n.pk,
        "referral_id": n.referral_id,
        "person_id": n.referral.person_id,
        "service": n.referral.service.name,
        "kind": n.kind,
        "summary": n.summary,
        "detail": n.detail,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


def _booking_out(b: Booking) -> dict[str, Any]:
    return {
        "id": b.pk,
        "version": b.version,
        "person_id": b.person_id,
        "premises": b.bed.premises.name,
        "bed": b.bed.name,
        "expected_arrival": b.expected_arrival,
        "expected_departure": b.expected_departure,
        "status": b.status,
        "arrived_on": b.arrived_on,
        "departed_on": b.departed_on,
        "move_on": b.move_on,
    }


def _person(actor: Actor, person_id: int) -> Person:
    return person_for_actor(actor, person_id, what="the referrals and bookings")


@router.get("/needing", response=list[ReferralOut], summary="Referrals your agency has to answer")
def needing(request: HttpRequest) -> list[dict[str, Any]]:
    actor = api_actor(request)
    rows = list(selectors.referrals_needing(actor, timezone.localdate())[:500])
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Listed referrals to answer through the API ({len(rows)})",
        detail={"person_ids": sorted({r.person_id for r in rows})},
    )
    return [_out(r) for r in rows]


@router.get("/notices", response=list[NoticeOut], summary="Notices to your agency not yet marked read")
def notices(request: HttpRequest) -> list[dict[str, Any]]:
    actor = api_actor(request)
    rows = list(selectors.provider_notices_unread(actor)[:500])
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Listed unread referral notices through the API ({len(rows)})",
        detail={"person_ids": sorted({n.referral.person_id for n in rows})},
    )
    return [_notice_out(n) for n in rows]


# Before "/{referral_id}/{action}", which would otherwise take "/notices/read".
@router.post(
    "/notices/read",
    response=NoticesReadOut,
    summary="Mark read every notice to your agency (up to a notice id, if given)",
)
def notices_read(request: HttpRequest, body: NoticesReadIn) -> dict[str, int]:
    return {"marked": services.provider_notices_read_all(actor=api_actor(request), up_to=body.up_to)}


@router.post(
    "/notices/{id:notice_id}/read", response={200: NoticeOut, 404: ErrorOut}, summary="Mark one notice read"
)
def notice_read(request: HttpRequest, notice_id: int) -> Any:
    actor = api_actor(request)
    notice = selectors.notice_for_actor(actor, notice_id)
    return _notice_out(services.provider_notice_read(actor=actor, notice=notice))


@router.get(
    "/people/{id:person_id}", response={200: list[ReferralOut], 404: ErrorOut}, summary="A person's referrals"
)
def person_referrals(request: HttpRequest, person_id: int) -> Any:
    actor = api_actor(request)
    person = _person(actor, person_id)
    rows = selectors.with_sharing(
        actor, selectors.person_referrals(person.pk), where=f"the referrals of person {person.pk} (API)"
    )
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary=f"Viewed the referrals of person {person.pk} through the API",
    )
    return [_out(r) for r in rows]


@router.post(
    "/people/{id:person_id}",
    response={201: ReferralOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Make a referral (eligibility and duplicates checked)",
)
def make(request: HttpRequest, person_id: int, body: ReferralIn) -> Any:
    actor = api_actor(request)
    person = _person(actor, person_id)
    form = ReferralForm(body.model_dump())
    if not form.is_valid():
        return Status(422, {"detail": form_errors(form)})
    service = Service.objects.select_related("provider").get(pk=form.cleaned_data["service"])
    try:
        referral = services.referral_make(
            actor=actor,
            person=person,
            service=service,
            need=form.cleaned_data["need"],
            detail=form.cleaned_data["detail"],
        )
    except services.ReferralError as error:
        return Status(422, {"detail": str(error)})
    return Status(201, _out(referral))


@router.post(
    "/{id:referral_id}/{action}",
    response={200: ReferralOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="A step of the lifecycle: acknowledge, accept, decline, start, complete, end or change",
)
def act(request: HttpRequest, referral_id: int, action: str, body: ActionIn) -> Any:
    actor = api_actor(request)
    referral = selectors.referral_for_actor(actor, referral_id)
    if action not in ACTIONS:
        return Status(422, {"detail": f"Choose an action: {', '.join(ACTIONS)}."})
    try:
        referral_action_apply(actor, referral, action, body.model_dump())
    except services.ReferralError as error:
        return Status(422, {"detail": str(error)})
    return _out(selectors.with_sharing(actor, [referral], where=f"referral {referral.pk} (API)")[0])


@router.get(
    "/capacity", response=list[CapacityOut], summary="Places, in use, waiting and average wait by service"
)
def capacity(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "service_id": r.service.pk,
            "service": r.service.name,
            "pathway": r.service.pathway,
            "capacity": r.service.capacity,
            "unit": r.service.unit,
            "in_use": r.in_use,
            "waiting": r.waiting,
            "average_wait_days": r.average_wait_days,
            "over_capacity": r.over_capacity,
        }
        for r in selectors.capacity(Service.objects.filter(is_active=True), on=timezone.localdate())
    ]


@router.get(
    "/services/{id:service_id}/waiting",
    response={200: list[WaitingOut], 404: ErrorOut},
    summary="A service's waiting list: positions and expected waits (referral ids, no names)",
)
def waiting(request: HttpRequest, service_id: int) -> Any:
    service = Service.objects.filter(pk=service_id).first()
    if service is None:
        return Status(404, NOT_FOUND)
    _, entries = selectors.waiting_list(service, on=timezone.localdate())
    return [
        {"referral_id": e.referral.pk, "position": e.position, "expected_wait_weeks": e.expected_wait_weeks}
        for e in entries
    ]


@premises_router.get(
    "", response=list[OccupancyOut], summary="Premises with beds, occupancy and arrivals this week"
)
def occupancy(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "premises_id": r.premises.pk,
            "name": r.premises.name,
            "kind": r.premises.kind,
            "beds": r.beds,
            "occupied": r.occupied,
            "free": r.free,
            "arriving": r.arriving,
        }
        for r in premises_selectors.occupancy(on=timezone.localdate())
    ]


@premises_router.post(
    "/people/{id:person_id}/bookings",
    response={201: BookingOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Book a bed (no double booking; the premises and bed must fit the person)",
)
def book(request: HttpRequest, person_id: int, body: BookingIn) -> Any:
    actor = api_actor(request)
    person = _person(actor, person_id)
    form = BookingForm({**body.model_dump(), "needs_step_free": body.needs_step_free or ""})
    if not form.is_valid():
        return Status(422, {"detail": form_errors(form)})
    bed = BedSpace.objects.select_related("premises", "premises__provider").get(pk=form.cleaned_data["bed"])
    try:
        booking = premises_services.booking_make(
            actor=actor, person=person, bed=bed, **{k: v for k, v in form.cleaned_data.items() if k != "bed"}
        )
    except premises_services.BookingError as error:
        return Status(422, {"detail": str(error)})
    return Status(201, _booking_out(booking))


@premises_router.post(
    "/bookings/{id:booking_id}/{action}",
    response={200: BookingOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Record arrival, non-arrival (not-arrived), departure (depart) or cancel",
)
def booking_action(request: HttpRequest, booking_id: int, action: str, body: BookingActionIn) -> Any:
    actor = api_actor(request)
    booking = premises_selectors.booking_for_actor(actor, booking_id)
    if action not in BOOKING_ACTIONS:
        return Status(422, {"detail": f"Choose an action: {', '.join(BOOKING_ACTIONS)}."})
    data = {k: ("" if v is None else v) for k, v in body.model_dump().items()}
    try:
        apply_booking_action(actor, booking, action, data)
    except premises_services.BookingError as error:
        return Status(422, {"detail": str(error)})
    return _booking_out(booking)
