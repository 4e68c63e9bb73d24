"""Electronic monitoring endpoints (/api/monitoring/…): a person's monitoring orders, open alerts and recent
events; setting up an order; the caller's open alerts (their work queue's); acknowledging and judging an alert
(unacceptable: a failure to comply for enforcement); importing a supplier's feed (the request's body: CSV or
JSON, all or nothing, with the row-level errors). Through the same selectors and services as the pages."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from desist.api.actor import api_actor
from desist.api.schemas import form_data, form_field_errors, refusal_errors
from desist.audit.models import Action
from desist.audit.refusals import refuse
from desist.audit.services import log_access
from desist.monitoring import selectors, services
from desist.monitoring.forms import MAX_UPLOAD, JudgeForm
from desist.monitoring.models import Alert, FeedImport, MonitoringEvent, MonitoringOrder
from desist.people.selectors import person_for_actor
from desist.sentences.models import LicenceCondition, Requirement

router = Router(tags=["monitoring"])


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    detail: list[dict[str, Any]]


class OrderOut(Schema):
    id: int
    person_id: int
    kind: str
    requirement_id: int | None
    licence_condition_id: int | None
    start_date: date
    end_date: date | None
    curfew_start: time | None
    curfew_end: time | None
    curfew_days: str
    zone: dict[str, Any] | None
    zone_name: str
    home_latitude: float | None
    home_longitude: float | None
    home_radius_m: int
    supplier: str
    device_id: str


class OrderIn(Schema):
    kind: str
    requirement_id: int | None = None
    licence_condition_id: int | None = None
    start_date: date
    end_date: date | None = None
    curfew_start: time | None = None
    curfew_end: time | None = None
    curfew_days: str = ""
    zone: dict[str, Any] | None = None
    zone_name: str = ""
    home_latitude: float | None = None
    home_longitude: float | None = None
    supplier: str
    device_id: str


class EventOut(Schema):
    id: int
    order_id: int
    supplier: str
    supplier_event_id: str
    kind: str
    occurred_at: datetime
    received_at: datetime
    latitude: float | None
    longitude: float | None
    detail: str


class AlertOut(Schema):
    id: int
    person_id: int
    event: EventOut
    officer_id: int | None
    due_at: datetime
    status: str
    judgement: str
    reason: str
    failure_id: int | None


class PersonMonitoringOut(Schema):
    person_id: int
    orders: list[OrderOut]
    alerts: list[AlertOut]
    events: list[EventOut]


class TrackingOut(Schema):
    person_id: int
    orders: list[OrderOut]
    points: list[EventOut]
    alerts: list[AlertOut]
    text: str


class AlertJudgeIn(Schema):
    judgement: str
    reason: str


class FeedOut(Schema):
    id: int
    supplier: str
    file_name: str
    status: str
    rows: int
    events_added: int
    events_already_held: int
    duplicates_in_file: int
    alerts_raised: int
    error_count: int
    errors: list[dict[str, Any]]


def _order_out(order: MonitoringOrder) -> dict[str, Any]:
    return {
        name: getattr(order, name)
        for name in (
            "person_id",
            "kind",
            "requirement_id",
            "licence_condition_id",
            "start_date",
            "end_date",
            "curfew_start",
            "curfew_end",
            "curfew_days",
            "zone",
            "zone_name",
            "home_latitude",
            "home_longitude",
            "home_radius_m",
            "supplier",
            "device_id",
        )
    } | {"id": order.pk}


def _event_out(event: MonitoringEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "order_id": event.order_id,
        "supplier": event.supplier,
        "supplier_event_id": event.supplier_event_id,
        "kind": event.kind,
        "occurred_at": event.occurred_at,
        "received_at": event.received_at,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "detail": event.detail,
    }


def _alert_out(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "person_id": alert.person_id,
        "event": _event_out(alert.event),
        "officer_id": alert.officer_id,
        "due_at": alert.due_at,
        "status": alert.status,
        "judgement": alert.judgement,
        "reason": alert.reason,
        "failure_id": alert.failure_id,
    }


def _feed_out(feed: FeedImport) -> dict[str, Any]:
    return {
        "id": feed.pk,
        "supplier": feed.supplier,
        "file_name": feed.file_name,
        "status": feed.status,
        "rows": feed.rows,
        "events_added": feed.events_added,
        "events_already_held": feed.events_already_held,
        "duplicates_in_file": feed.duplicates_in_file,
        "alerts_raised": feed.alerts_raised,
        "error_count": feed.error_count,
        "errors": feed.errors,
    }


@router.get(
    "/people/{id:person_id}",
    response={200: PersonMonitoringOut, 404: ErrorOut},
    summary="A person's monitoring orders (with zones), open alerts and latest events",
)
def monitoring_person(request: HttpRequest, person_id: int) -> Any:
    actor = api_actor(request)
    person = person_for_actor(actor, person_id, what="the electronic monitoring")
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary=f"Viewed the electronic monitoring of person {person.pk} through the API",
    )
    return {
        "person_id": person.pk,
        "orders": [_order_out(v.order) for v in selectors.person_orders(person)],
        "alerts": [_alert_out(a) for a in selectors.person_open_alerts(person)],
        "events": [_event_out(e) for e in selectors.person_events(person)],
    }


@router.post(
    "/people/{id:person_id}/orders",
    response={201: OrderOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Set up a monitoring order under one of the person's requirements or licence conditions",
)
def monitoring_order_create(request: HttpRequest, person_id: int, body: OrderIn) -> Any:
    actor = api_actor(request)
    person = person_for_actor(actor, person_id, what="set up electronic monitoring")
    requirement = (
        Requirement.objects.select_related("sentence")
        .filter(pk=body.requirement_id, sentence__person=person)
        .first()
        if body.requirement_id
        else None
    )
    condition = (
        LicenceCondition.objects.select_related("sentence")
        .filter(pk=body.licence_condition_id, sentence__person=person)
        .first()
        if body.licence_condition_id
        else None
    )
    if (body.requirement_id and requirement is None) or (body.licence_condition_id and condition is None):
        return Status(
            422, refusal_errors(ValueError("The requirement or licence condition is not this person's."))
        )
    try:
        order = services.create_order(
            actor=actor,
            person=person,
            kind=body.kind,
            requirement=requirement,
            licence_condition=condition,
            start_date=body.start_date,
            end_date=body.end_date,
            curfew_start=body.curfew_start,
            curfew_end=body.curfew_end,
            curfew_days=body.curfew_days,
            zone=body.zone,
            zone_name=body.zone_name,
            home_latitude=body.home_latitude,
            home_longitude=body.home_longitude,
            supplier=body.supplier,
            device_id=body.device_id,
        )
    except services.MonitoringError as error:
        return Status(422, refusal_errors(error))
    return Status(201, _order_out(order))


@router.get("/alerts", response=list[AlertOut], summary="Your open monitoring alerts (soonest due first)")
def monitoring_alerts(request: HttpRequest) -> list[dict[str, Any]]:
    actor = api_actor(request)
    alerts = list(selectors.open_alerts_for(actor)[:200])
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Listed open monitoring alerts through the API ({len(alerts)})",
        detail={"person_ids": sorted({a.person_id for a in alerts})},
    )
    return [_alert_out(a) for a in alerts]


@router.post(
    "/alerts/{id:alert_id}/acknowledgement",
    response={200: AlertOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Acknowledge an alert",
)
def monitoring_alert_acknowledge(request: HttpRequest, alert_id: int) -> Any:
    actor = api_actor(request)
    alert = selectors.alert_for_actor(actor, alert_id)
    try:
        services.acknowledge_alert(actor=actor, alert=alert)
    except services.MonitoringError as error:
        return Status(422, refusal_errors(error))
    return _alert_out(selectors.alert_for_actor(actor, alert_id))


@router.post(
    "/alerts/{id:alert_id}/judgement",
    response={200: AlertOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Judge an alert acceptable or unacceptable (unacceptable: a failure to comply for enforcement)",
)
def monitoring_alert_judge(request: HttpRequest, alert_id: int, body: AlertJudgeIn) -> Any:
    actor = api_actor(request)
    alert = selectors.alert_for_actor(actor, alert_id)
    form = JudgeForm(form_data(body))
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    try:
        services.judge_alert(actor=actor, alert=alert, **form.cleaned_data)
    except services.MonitoringError as error:
        return Status(422, refusal_errors(error))
    return _alert_out(selectors.alert_for_actor(actor, alert_id))


@router.post(
    "/feeds",
    response={201: FeedOut, 403: ErrorOut, 413: ErrorOut, 422: FeedOut},
    summary="Import a supplier's event feed (the body: CSV or JSON), all or nothing (422: each row's error)",
)
def monitoring_feed_import(request: HttpRequest, supplier: str = "", file_name: str = "api") -> Any:
    actor = api_actor(request)
    if not selectors.may_monitor(actor):
        refuse(
            actor,
            summary="Refused a monitoring feed import through the API",
            reason="not probation staff",
            status=403,
        )
    content = request.body
    if len(content) > MAX_UPLOAD:
        return Status(
            413, {"detail": "The feed is larger than 50 MB: import it with the import_em_feed command."}
        )
    try:
        feed = services.import_feed(actor=actor, supplier=supplier, content=content, file_name=file_name)
    except services.MonitoringError as error:
        return Status(
            422,
            {
                **_feed_out(FeedImport(supplier=supplier[:32], file_name=file_name, status="refused")),
                "error_count": 1,
                "errors": [{"row": 0, "column": "", "problem": str(error)}],
                "id": 0,
            },
        )
    return Status(201 if feed.status == "imported" else 422, _feed_out(feed))


@router.get(
    "/people/{id:person_id}/tracking",
    response={200: TrackingOut, 403: ErrorOut, 404: ErrorOut},
    summary="An IOM cohort member's latest location points and zone alerts (IOM police and probation)",
)
def monitoring_tracking(request: HttpRequest, person_id: int) -> Any:
    actor = api_actor(request)
    person = selectors.tracking_for_actor(actor, person_id)
    tracking = selectors.person_tracking(person)
    latest = tracking.latest
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary=f"Viewed the location tracking of person {person.pk} through the API",
        detail={
            "points": len(tracking.points),
            "latest_event": latest.pk if latest else None,
            "alerts": [a.pk for a in tracking.alerts],
        },
    )
    return {
        "person_id": person.pk,
        "orders": [_order_out(o) for o in tracking.orders],
        "points": [_event_out(p) for p in tracking.points],
        "alerts": [_alert_out(a) for a in tracking.alerts],
        "text": tracking.text,
    }
