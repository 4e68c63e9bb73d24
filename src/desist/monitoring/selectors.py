"""Reads about electronic monitoring: who may import a feed and judge an alert, the response deadlines'
settings, each person's responsible officer, a person's orders, events and alerts, an alert the actor may
see, and the open alerts of an officer's work queue (`open_alerts_for`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.core import monitoring as rules
from desist.core import reference as rules_reference
from desist.iom.models import MembershipStatus
from desist.monitoring.models import (
    Alert,
    AlertStatus,
    FeedImport,
    MonitoringEvent,
    MonitoringOrder,
    OrderKind,
)
from desist.partnership.models import Agency, AgencyKind
from desist.people.models import Involvement, Person
from desist.people.selectors import person_for_actor, visible_people
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
    """The person's latest events but the trail's plain location points (a GPS tag sends one every few
    minutes; they are on the tracking page), so violations and faults are not pushed off the list."""
    return list(
        MonitoringEvent.objects.filter(person=person)
        .exclude(kind=rules.EventKind.LOCATION)
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


# --- Tracking with the police (IOM) -------------------------------------------------------------------

# Who may follow a tagged IOM cohort member's location: the police (the IOM police officers working the
# cohort with probation, as the seeds' satellite tracking with BUDDI), and probation, whose order it is.
TRACKING_AGENCY_KINDS = (AgencyKind.POLICE, AgencyKind.PROBATION)
# The orders whose devices send location points: trail monitoring, and the GPS tag an exclusion zone needs.
TRACKED_KINDS = (OrderKind.TRAIL, OrderKind.EXCLUSION_ZONE)
TRACKING_POINTS = 60  # the latest location points shown
TRACKING_ALERTS = 20
TRACKING_POLL_SECONDS = 30


def may_track(actor: Actor) -> bool:
    """Whether the actor works for the police or probation (or administers desist): who may follow the
    location of a person in the IOM cohort on trail monitoring."""
    return actor.is_administrator or (
        Agency.objects.filter(pk__in=actor.agency_ids, kind__in=TRACKING_AGENCY_KINDS).exists()
    )


def tracked_orders(person_ids: QuerySet[Person, int] | list[int], on: date) -> QuerySet[MonitoringOrder]:
    """Trail and exclusion-zone orders in force on the day, of the people adopted into the IOM cohort."""
    return MonitoringOrder.objects.filter(
        person_id__in=person_ids,
        kind__in=TRACKED_KINDS,
        start_date__lte=on,
        person__iom_memberships__status=MembershipStatus.ADOPTED,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


def tracking_for_actor(actor: Actor, person_id: int, *, on: date | None = None) -> Person:
    """The person whose location the actor may follow, or the logged refusal: 404 for a person the actor may
    not see or who is not in the IOM cohort on trail monitoring, 403 for a role that may not track."""
    on = on or timezone.localdate()
    person = person_for_actor(actor, person_id, what="the location tracking", on=on)
    if not may_track(actor):
        refuse(
            actor,
            summary=f"Refused the location tracking of person {person.pk}",
            person_id=person.pk,
            reason="not police or probation staff",
            status=403,
            message="Location tracking is for the IOM police officers and probation staff.",
        )
    if not tracked_orders([person.pk], on).exists():
        refuse(
            actor,
            summary=f"Refused the location tracking of person {person.pk}: not tracked",
            person_id=person.pk,
            reason="not in the IOM cohort on trail monitoring",
        )
    return person


@dataclass
class Tracking:
    """A person's latest location points and zone alerts, with the map drawn and its text alternative."""

    orders: list[MonitoringOrder]
    points: list[MonitoringEvent]  # the latest first
    alerts: list[Alert]  # zone entries and curfew violations, the latest first
    drawing: rules.TrailDrawing | None
    text: str

    @property
    def latest(self) -> MonitoringEvent | None:
        return self.points[0] if self.points else None


def person_tracking(person: Person, *, on: date | None = None) -> Tracking:
    """The person's tracked orders in force, their latest location points and zone and curfew alerts, and
    the map: three queries whatever the trail's length."""
    on = on or timezone.localdate()
    orders = list(tracked_orders([person.pk], on).distinct().order_by("-start_date", "-id"))
    ids = [o.pk for o in orders]
    points = list(
        MonitoringEvent.objects.filter(person=person, order_id__in=ids, latitude__isnull=False)
        .defer("raw")
        .order_by("-occurred_at", "-id")[:TRACKING_POINTS]
    )
    alerts = list(
        Alert.objects.filter(
            person=person,
            event__order_id__in=ids,
            event__kind__in=(rules.EventKind.ZONE_ENTRY, rules.EventKind.CURFEW_VIOLATION),
        )
        .select_related("event")
        .order_by("-event__occurred_at", "-id")[:TRACKING_ALERTS]
    )
    zones = []
    for order in orders:
        if order.zone:
            try:
                zones.append(rules.zone_polygons(order.zone))
            except rules.ZoneError:
                continue
    trail = [(p.longitude or 0.0, p.latitude or 0.0) for p in reversed(points)]
    drawing = rules.draw_trail(trail, zones) if trail or zones else None
    return Tracking(orders, points, alerts, drawing, _tracking_text(points, zones, drawing))


def _tracking_text(
    points: list[MonitoringEvent], zones: list[list[list[rules.Ring]]], drawing: rules.TrailDrawing | None
) -> str:
    if drawing is None:
        return "No location points and no zones to draw."
    district = dict((d.code, d.name) for d in _districts()).get(
        drawing.district or "", "outside Kent and Medway"
    )
    zone_text = f"{len(zones)} exclusion zone{'s' if len(zones) != 1 else ''} in red. " if zones else ""
    if not points:
        return f"{zone_text}No location points received yet."
    latest, first = points[0], points[-1]
    return (
        f"{zone_text}{len(points)} location points from "
        f"{timezone.localtime(first.occurred_at):%d/%m/%Y %H:%M} to "
        f"{timezone.localtime(latest.occurred_at):%d/%m/%Y %H:%M}, the latest at latitude "
        f"{latest.latitude:.5f}, longitude {latest.longitude:.5f}, in {district} "
        "(schematic district boundary)."
    )


def tracked_people(actor: Actor, *, on: date | None = None) -> QuerySet[Person]:
    """People the actor may see who are in the IOM cohort on trail monitoring, each with the time of their
    latest location point: one query."""
    on = on or timezone.localdate()
    latest = MonitoringEvent.objects.filter(person_id=OuterRef("pk"), latitude__isnull=False).order_by(
        "-occurred_at"
    )
    return (
        visible_people(actor, on=on)
        .filter(
            pk__in=tracked_orders(visible_people(actor, on=on).values_list("pk", flat=True), on).values(
                "person_id"
            )
        )
        .annotate(last_seen=Subquery(latest.values("occurred_at")[:1]))
        .select_related("district")
        .order_by("last_name", "first_name", "id")
    )


# --- The caseload -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadMonitoring:
    """One monitoring order in force as the caseload shows it: "Curfew (licence), 1 open alert"."""

    kind: str
    on_licence: bool
    open_alerts: int

    @property
    def text(self) -> str:
        basis = " (licence)" if self.on_licence else ""
        alerts = (
            f", {self.open_alerts} open alert{'s' if self.open_alerts != 1 else ''}"
            if self.open_alerts
            else ""
        )
        return f"{OrderKind(self.kind).label}{basis}{alerts}"


def caseload_monitoring(
    person_ids: list[int], *, on: date | None = None
) -> dict[int, list[CaseloadMonitoring]]:
    """Each person's monitoring orders in force (under a requirement or a licence condition) with their open
    alerts counted: one query for the caseload's page."""
    on = on or timezone.localdate()
    open_alerts = (
        Alert.objects.filter(event__order_id=OuterRef("pk"))
        .exclude(status=AlertStatus.JUDGED)
        .order_by()
        .values("event__order_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    out: dict[int, list[CaseloadMonitoring]] = {}
    for person_id, kind, condition_id, alerts in (
        MonitoringOrder.objects.filter(person_id__in=person_ids, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .annotate(alerts=Coalesce(Subquery(open_alerts), Value(0)))
        .order_by("person_id", "start_date", "id")
        .values_list("person_id", "kind", "licence_condition_id", "alerts")
    ):
        out.setdefault(person_id, []).append(CaseloadMonitoring(kind, condition_id is not None, alerts))
    return out
