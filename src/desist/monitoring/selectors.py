"""Reads about electronic monitoring: who may import a feed and judge an alert, the response deadlines'
settings, each person's responsible officer, a person's orders, events and alerts, an alert the actor may
see, and the open alerts of an officer's work queue (`open_alerts_for`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.core import monitoring as rules
from desist.core import reference as rules_reference
from desist.monitoring.models import Alert, AlertStatus, FeedImport, MonitoringEvent, MonitoringOrder
from desist.partnership.models import Agency, AgencyKind
from desist.people.models import Involvement, Person
from desist.people.selectors import visible_people
from desist.sentences.models import LicenceCondition, Requirement, RequirementKind, RequirementStatus

EVENTS_SHOWN = 50


def response_overrides() -> Mapping[str, int | None]:
    """The settings' response hours by event kind (DESIST_MONITORING_RESPONSE_HOURS), over the core's."""
    return dict(getattr(settings, "DESIST_MONITORING_RESPONSE_HOURS", {}) or {})


def may_monitor(actor: Actor) -> bool:
    """Probation staff (and administrators) import feeds, set orders up and judge alerts."""
    return actor.is_administrator or (
        Agency.objects.filter(pk__in=actor.agency_ids, kind=AgencyKind.PROBATION).exists()
    )


def responsible_officers(person_ids: Iterable[int], on: date) -> dict[int, int]:
    """Each person's responsible officer: the lead worker of their current probation involvement (the
    offender manager), the latest started if more than one."""
    officers: dict[int, int] = {}
    for person_id, user_id in (
        Involvement.objects.filter(
            person_id__in=list(person_ids), agency__kind=AgencyKind.PROBATION, lead_worker__isnull=False
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by("start_date", "id")
        .values_list("person_id", "lead_worker_id")
    ):
        officers[person_id] = user_id
    return officers


def orders_for_device(supplier: str) -> dict[str, list[MonitoringOrder]]:
    """A supplier's orders by device id, latest first: which order an event of that device belongs to."""
    found: dict[str, list[MonitoringOrder]] = {}
    for order in (
        MonitoringOrder.objects.filter(supplier=supplier)
        .order_by("-start_date", "-id")
        .only(
            "pk",
            "person_id",
            "device_id",
            "start_date",
            "end_date",
            "kind",
            "zone",
            "curfew_start",
            "curfew_end",
            "curfew_days",
            "home_latitude",
            "home_longitude",
            "home_radius_m",
        )
    ):
        found.setdefault(order.device_id, []).append(order)
    return found


def order_fence(order: MonitoringOrder) -> rules.Fence | None:
    """What the order's location points are tested against (its exclusion zone; its curfew hours at the
    curfew address), or None when it has neither."""
    zone = rules.zone_polygons(order.zone) if order.zone else None
    curfew = None
    if (
        order.curfew_start is not None
        and order.curfew_end is not None
        and order.home_latitude is not None
        and order.home_longitude is not None
    ):
        curfew = rules.Curfew(
            start_minute=order.curfew_start.hour * 60 + order.curfew_start.minute,
            end_minute=order.curfew_end.hour * 60 + order.curfew_end.minute,
            days=tuple(int(d) for d in order.curfew_days or "1234567"),
            home=(order.home_longitude, order.home_latitude),
            radius_m=order.home_radius_m,
        )
    return None if zone is None and curfew is None else rules.Fence(zone=zone, curfew=curfew)


def point_before(order_id: int, moment: datetime) -> MonitoringEvent | None:
    """The order's latest location-bearing event held before the moment: where a feed's trail carries on."""
    return (
        MonitoringEvent.objects.filter(order_id=order_id, occurred_at__lt=moment, latitude__isnull=False)
        .only("occurred_at", "latitude", "longitude")
        .order_by("-occurred_at", "-id")
        .first()
    )


@dataclass
class OrderView:
    order: MonitoringOrder
    drawing: rules.Drawing | None
    zone_text: str


def _order_view(order: MonitoringOrder) -> OrderView:
    if not order.zone:
        return OrderView(order, None, "")
    try:
        polygons = rules.zone_polygons(order.zone)
    except rules.ZoneError:
        return OrderView(order, None, "The zone held is not a polygon desist can draw.")
    drawing = rules.draw_zone(polygons)
    west, south, east, north = drawing.bounds
    parts = f"{len(polygons)} area{'s' if len(polygons) != 1 else ''}"
    district = dict((d.code, d.name) for d in _districts()).get(
        drawing.district or "", "outside Kent and Medway"
    )
    text = (
        f"{order.zone_name or 'The zone'}: {parts} between longitude {west:.4f} and {east:.4f} and latitude "
        f"{south:.4f} and {north:.4f}, in {district} (schematic district boundary)."
    )
    return OrderView(order, drawing, text)


def _districts() -> tuple[rules_reference.District, ...]:
    return rules_reference.DISTRICTS


def person_orders(person: Person) -> list[OrderView]:
    orders = MonitoringOrder.objects.filter(person=person).select_related(
        "requirement", "requirement__sentence", "licence_condition"
    )
    return [_order_view(order) for order in orders]


def person_events(person: Person, limit: int = EVENTS_SHOWN) -> list[MonitoringEvent]:
    return list(
        MonitoringEvent.objects.filter(person=person)
        .select_related("alert")
        .order_by("-occurred_at", "-id")[:limit]
    )


def person_open_alerts(person: Person) -> list[Alert]:
    return list(
        Alert.objects.filter(person=person)
        .exclude(status=AlertStatus.JUDGED)
        .select_related("event", "officer")
        .order_by("due_at", "id")
    )


def alert_for_actor(actor: Actor, alert_id: int) -> Alert:
    """An alert about a person the actor may see, or the logged refusal (404)."""
    found = (
        Alert.objects.select_related(
            "event", "event__order", "person", "officer", "acknowledged_by", "judged_by", "failure"
        )
        .filter(pk=alert_id, person__in=visible_people(actor))
        .first()
    )
    if found is None:
        refuse(actor, summary=f"Refused access to the monitoring alert {alert_id}")
    return found


def open_alerts_for(actor: Actor, on: date | None = None) -> QuerySet[Alert]:
    """The actor's open and acknowledged alerts (they are the responsible officer), soonest due first, about
    people they may see: what the work queue lists. `on` decides whose records are visible."""
    if actor.user_id is None:
        return Alert.objects.none()
    return (
        Alert.objects.filter(
            officer_id=actor.user_id, status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]
        )
        .filter(person__in=visible_people(actor, on=on or timezone.localdate()))
        .select_related("event", "person")
        .order_by("due_at", "id")
    )


def feed_imports(limit: int = 20) -> list[FeedImport]:
    return list(FeedImport.objects.select_related("imported_by").order_by("-imported_at", "-id")[:limit])


# Requirements an order may rest on, of any kind of order (the service checks the kind against the order's).
MONITORED_REQUIREMENTS = (
    RequirementKind.CURFEW,
    RequirementKind.EXCLUSION,
    RequirementKind.ELECTRONIC_MONITORING,
    RequirementKind.AAMR,
)


def order_bases(person: Person, on: date | None = None) -> list[tuple[str, str]]:
    """What a new order may rest on, as choices: the person's active requirements of a monitorable kind
    ("requirement:<id>") and their current licence conditions ("condition:<id>"), in two queries."""
    on = on or timezone.localdate()
    choices: list[tuple[str, str]] = []
    for requirement in (
        Requirement.objects.filter(
            sentence__person=person,
            sentence__terminated_date__isnull=True,
            status=RequirementStatus.ACTIVE,
            kind__in=MONITORED_REQUIREMENTS,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("sentence")
        .order_by("start_date", "id")
    ):
        sentence = requirement.sentence
        choices.append(
            (
                f"requirement:{requirement.pk}",
                f"{requirement} requirement: {sentence.get_kind_display().lower()} of "
                f"{sentence.sentence_date:%d/%m/%Y}",
            )
        )
    for condition in (
        LicenceCondition.objects.filter(sentence__person=person, ended_on__isnull=True)
        .select_related("sentence")
        .order_by("sentence__sentence_date", "code", "id")
    ):
        choices.append(
            (
                f"condition:{condition.pk}",
                f"Licence condition {condition} (sentence of {condition.sentence.sentence_date:%d/%m/%Y})",
            )
        )
    return choices
