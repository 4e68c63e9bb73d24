"""Writes about electronic monitoring: set up an order, import a supplier's feed (all or nothing, each event
once), acknowledge an alert and judge it. An unacceptable violation becomes a failure to comply through the
enforcement app's services, and every judgement a contact in the person's chronology through supervision's.
Each writes its own access-log entry; the pages, the API and the `import_em_feed` command call these."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core import monitoring as rules
from desist.enforcement.models import Judgement
from desist.enforcement.services import EnforcementError, judge_failure, record_failure
from desist.monitoring import selectors
from desist.monitoring.models import (
    Alert,
    AlertJudgement,
    AlertStatus,
    FeedImport,
    FeedStatus,
    MonitoringEvent,
    MonitoringOrder,
    OrderKind,
)
from desist.people.models import Person
from desist.sentences.models import LicenceCondition, Requirement, RequirementKind
from desist.supervision.models import ContactKind
from desist.supervision.services import SupervisionError, record_contact


class MonitoringError(ValueError):
    """A monitoring step that cannot be taken as asked; the message says why."""


SUPPLIER_MAX = 32
BATCH = 5000
# Which requirements each kind of order may rest on.
ORDER_REQUIREMENTS: dict[str, tuple[str, ...]] = {
    OrderKind.CURFEW: (RequirementKind.CURFEW, RequirementKind.ELECTRONIC_MONITORING),
    OrderKind.EXCLUSION_ZONE: (RequirementKind.EXCLUSION, RequirementKind.ELECTRONIC_MONITORING),
    OrderKind.TRAIL: (RequirementKind.ELECTRONIC_MONITORING, RequirementKind.EXCLUSION),
    OrderKind.ALCOHOL: (RequirementKind.AAMR, RequirementKind.ELECTRONIC_MONITORING),
}


def _require_monitor(actor: Actor, what: str) -> None:
    if not selectors.may_monitor(actor):
        raise MonitoringError(f"Only probation staff can {what}.")


def _supplier(value: str) -> str:
    supplier = value.strip()
    if not supplier or len(supplier) > SUPPLIER_MAX:
        raise MonitoringError(f"Name the monitoring supplier (up to {SUPPLIER_MAX} characters).")
    return supplier


# --- Orders ----------------------------------------------------------------------------------------------


@transaction.atomic
def create_order(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    start_date: date,
    supplier: str,
    device_id: str,
    requirement: Requirement | None = None,
    licence_condition: LicenceCondition | None = None,
    end_date: date | None = None,
    curfew_start: clock | None = None,
    curfew_end: clock | None = None,
    curfew_days: str = "",
    zone: Any = None,
    zone_name: str = "",
    home_latitude: float | None = None,
    home_longitude: float | None = None,
    home_radius_m: int = rules.HOME_RADIUS_M,
) -> MonitoringOrder:
    """Set up a monitoring order under one requirement or one licence condition of the person's."""
    _require_monitor(actor, "set up electronic monitoring")
    if kind not in OrderKind.values:
        raise MonitoringError("Choose what is monitored.")
    if (requirement is None) == (licence_condition is None):
        raise MonitoringError("Choose the requirement or the licence condition the monitoring is for (one).")
    if requirement is not None:
        if requirement.sentence.person_id != person.pk:
            raise MonitoringError("The requirement is not this person's.")
        if requirement.kind not in ORDER_REQUIREMENTS[kind]:
            raise MonitoringError(
                f"{OrderKind(kind).label} cannot rest on a "
                f"{requirement.get_kind_display().lower()} requirement."
            )
    if licence_condition is not None and licence_condition.sentence.person_id != person.pk:
        raise MonitoringError("The licence condition is not this person's.")
    if end_date is not None and end_date < start_date:
        raise MonitoringError("The end date cannot be before the start date.")
    if kind == OrderKind.CURFEW:
        if curfew_start is None or curfew_end is None or curfew_start == curfew_end:
            raise MonitoringError("Give the curfew's hours: from and until.")
        curfew_days = curfew_days or "1234567"
        if not curfew_days.isdigit() or not set(curfew_days) <= set("1234567"):
            raise MonitoringError("Curfew days are ISO weekdays, 1 (Monday) to 7 (Sunday).")
        curfew_days = "".join(sorted(set(curfew_days)))
        if (home_latitude is None) != (home_longitude is None):
            raise MonitoringError("Give the curfew address's latitude and longitude, or neither.")
        if home_latitude is not None and home_longitude is not None:
            if not (-90 <= home_latitude <= 90 and -180 <= home_longitude <= 180):
                raise MonitoringError("The curfew address is not a latitude and longitude.")
            if not 10 <= home_radius_m <= 5000:
                raise MonitoringError("The distance from the curfew address is 10 to 5,000 metres.")
    else:
        home_latitude = home_longitude = None
        curfew_start = curfew_end = None
        curfew_days = ""
    if zone is not None and zone != "":
        try:
            rules.zone_polygons(zone)
        except rules.ZoneError as error:
            raise MonitoringError(str(error)) from error
    else:
        zone = None
    if kind == OrderKind.EXCLUSION_ZONE and zone is None:
        raise MonitoringError("Draw the exclusion zone: give it as a GeoJSON Polygon or MultiPolygon.")
    device_id = device_id.strip()
    if not device_id or len(device_id) > rules.MAX_ID:
        raise MonitoringError(f"Give the device's id (up to {rules.MAX_ID} characters).")
    order = MonitoringOrder.objects.create(
        person=person,
        kind=kind,
        requirement=requirement,
        licence_condition=licence_condition,
        start_date=start_date,
        end_date=end_date,
        curfew_start=curfew_start,
        curfew_end=curfew_end,
        curfew_days=curfew_days,
        zone=zone,
        zone_name=zone_name.strip()[:120],
        home_latitude=home_latitude,
        home_longitude=home_longitude,
        home_radius_m=home_radius_m,
        supplier=_supplier(supplier),
        device_id=device_id,
        created_by_id=actor.user_id,
    )
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        person_id=person.pk,
        obj=order,
        summary=f"Set up electronic monitoring: {order.get_kind_display().lower()}",
        detail={"supplier": order.supplier, "device": device_id},
    )
    return order


# --- Importing a feed ------------------------------------------------------------------------------------


@dataclass
class _Matched:
    event: rules.FeedEvent
    order_id: int
    person_id: int
    kind: str


def _order_for(orders: list[MonitoringOrder], day: date) -> MonitoringOrder | None:
    for order in orders:
        if order.start_date <= day and (order.end_date is None or day <= order.end_date):
            return order
    return None


def _local_day(moment: datetime) -> date:
    return moment.astimezone(rules.LONDON).date()


def _match(parsed: rules.FeedParse, supplier: str) -> list[_Matched]:
    """Each event's order (the supplier's device, in force on the event's day), or a row error. Location
    points are then tested against their order's zone and curfew (`_derive_violations`)."""
    by_device = selectors.orders_for_device(supplier)
    matched: list[_Matched] = []
    orders: dict[int, MonitoringOrder] = {}
    for event in parsed.events:
        day = _local_day(event.occurred_at)
        order = _order_for(by_device.get(event.device_id, []), day)
        if order is None:
            known = "" if event.device_id in by_device else " (no order has this device)"
            parsed.error(
                event.row,
                "device_id",
                f"No {supplier} monitoring order for device {event.device_id!r} on {day:%d/%m/%Y}{known}.",
            )
            continue
        orders[order.pk] = order
        matched.append(_Matched(event, order.pk, order.person_id, event.kind))
    if parsed.ok:
        _derive_violations(matched, orders)
    return matched


def _derive_violations(matched: list[_Matched], orders: dict[int, MonitoringOrder]) -> None:
    """Where a location point starts a breach of its order's exclusion zone or curfew, the point is held as
    that violation (a zone entry, a curfew violation), which raises its alert as a supplier's would. The
    point keeps its own dedupe key, so importing it again adds nothing: idempotent. A point that carries on
    a breach already under way stays a location point (core.monitoring.trail_violations)."""
    trails: dict[int, list[_Matched]] = {}
    for m in matched:
        if m.kind == rules.EventKind.LOCATION and m.event.latitude is not None:
            trails.setdefault(m.order_id, []).append(m)
    for order_id, trail in trails.items():
        fence = selectors.order_fence(orders[order_id])
        if fence is None:
            continue
        trail.sort(key=lambda m: m.event.occurred_at)
        points = [
            rules.TrailPoint(m.event.occurred_at, m.event.longitude or 0.0, m.event.latitude or 0.0)
            for m in trail
        ]
        before = None
        # Only a breach at the first point needs the point held before it (one query, and rarely).
        if rules.point_breach(points[0], fence) is not None:
            held = selectors.point_before(order_id, points[0].at)
            if held is not None and held.latitude is not None and held.longitude is not None:
                previous = rules.TrailPoint(held.occurred_at, held.longitude, held.latitude)
                before = (held.occurred_at, rules.point_breach(previous, fence))
        for m, violation in zip(trail, rules.trail_violations(points, fence, before=before), strict=True):
            if violation is not None:
                m.kind = violation


def import_feed(
    *, actor: Actor, supplier: str, content: bytes, file_name: str, received_at: datetime | None = None
) -> FeedImport:
    """Import a supplier's feed file, all or nothing: any row-level error and nothing is imported (the
    errors are kept on the FeedImport). Each event is held once (unique per supplier and dedupe key), so
    importing the same file again adds nothing. Each new violation raises an alert for the person's
    responsible officer, due by its kind's deadline."""
    _require_monitor(actor, "import a monitoring feed")
    supplier = _supplier(supplier)
    started = time.monotonic()
    received_at = received_at or timezone.now()
    parsed = rules.parse_feed(content, supplier=supplier, local=rules.LONDON)
    matched = _match(parsed, supplier) if parsed.ok else []
    feed = FeedImport(
        supplier=supplier,
        file_name=file_name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        file_format=parsed.format,
        encoding=parsed.encoding,
        rows=parsed.rows,
        duplicates_in_file=parsed.duplicates_in_file,
        imported_by_id=actor.user_id,
    )
    if not parsed.ok:
        feed.status = FeedStatus.REFUSED
        feed.error_count = parsed.error_count
        feed.errors = [{"row": e.row, "column": e.column, "problem": e.problem} for e in parsed.errors]
        feed.seconds = time.monotonic() - started
        feed.save()
        log_access(
            actor=actor,
            action=Action.COLLECTION,
            obj=feed,
            summary=f"Refused a {supplier} monitoring feed: {parsed.error_count} errors"[:255],
            detail={"file": feed.file_name, "errors": parsed.error_count},
        )
        return feed
    with transaction.atomic():
        feed.status = FeedStatus.IMPORTED
        feed.save()
        officers = selectors.responsible_officers(
            {m.person_id for m in matched}, timezone.localdate(received_at)
        )
        overrides = selectors.response_overrides()
        if connection.vendor == "postgresql":
            added, alerts = _store_copy(feed, matched, officers, overrides, received_at)
        else:
            added, alerts = _store_batches(feed, matched, officers, overrides, received_at)
        feed.events_added, feed.alerts_raised = added, alerts
        feed.events_already_held = len(matched) - added
        feed.seconds = time.monotonic() - started
        feed.save(update_fields=["events_added", "alerts_raised", "events_already_held", "seconds"])
        log_access(
            actor=actor,
            action=Action.COLLECTION,
            obj=feed,
            summary=f"Imported a {supplier} monitoring feed: {added} new events, {alerts} alerts"[:255],
            detail={
                "file": feed.file_name,
                "added": added,
                "held": feed.events_already_held,
                "alerts": alerts,
            },
        )
    return feed


def _due(kind: str, received_at: datetime, overrides: Any) -> datetime | None:
    return rules.response_due(kind, received_at, overrides)


def _store_batches(
    feed: FeedImport,
    matched: list[_Matched],
    officers: dict[int, int],
    overrides: Any,
    received_at: datetime,
) -> tuple[int, int]:
    """Any database: the events not yet held (looked up by key, batch by batch), then their alerts."""
    added = alerts = 0
    for start in range(0, len(matched), BATCH):
        batch = matched[start : start + BATCH]
        held = set(
            MonitoringEvent.objects.filter(
                supplier=feed.supplier, dedupe_key__in=[m.event.dedupe_key for m in batch]
            ).values_list("dedupe_key", flat=True)
        )
        new = [m for m in batch if m.event.dedupe_key not in held]
        events = MonitoringEvent.objects.bulk_create(
            [
                MonitoringEvent(
                    order_id=m.order_id,
                    person_id=m.person_id,
                    supplier=feed.supplier,
                    supplier_event_id=m.event.supplier_event_id,
                    dedupe_key=m.event.dedupe_key,
                    kind=m.kind,
                    occurred_at=m.event.occurred_at,
                    received_at=received_at,
                    latitude=m.event.latitude,
                    longitude=m.event.longitude,
                    detail=m.event.detail,
                    raw=m.event.raw,
                    feed=feed,
                )
                for m in new
            ]
        )
        added += len(events)
        raised = []
        for event in events:
            due = _due(event.kind, received_at, overrides)
            if due is not None:
                raised.append(
                    Alert(
                        event=event,
                        person_id=event.person_id,
                        officer_id=officers.get(event.person_id),
                        due_at=due,
                        created_at=received_at,
                    )
                )
        alerts += len(Alert.objects.bulk_create(raised))
    return added, alerts


def _store_copy(
    feed: FeedImport,
    matched: list[_Matched],
    officers: dict[int, int],
    overrides: Any,
    received_at: datetime,
) -> tuple[int, int]:
    """PostgreSQL: COPY into a temporary stage, then one statement inserts the events not yet held (ON
    CONFLICT on the unique key does nothing, so a concurrent import of the same events cannot fail) and the
    alerts of those it inserted."""
    event_table = MonitoringEvent._meta.db_table
    alert_table = Alert._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE monitoring_stage (order_id bigint, person_id bigint, supplier_event_id "
            "text, dedupe_key text, kind text, occurred_at timestamptz, latitude double precision, longitude "
            "double precision, detail text, raw jsonb, officer_id bigint, due_at timestamptz) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY monitoring_stage FROM STDIN") as copy:
            for m in matched:
                e = m.event
                copy.write_row(
                    (
                        m.order_id,
                        m.person_id,
                        e.supplier_event_id,
                        e.dedupe_key,
                        m.kind,
                        e.occurred_at,
                        e.latitude,
                        e.longitude,
                        e.detail,
                        json.dumps(e.raw),
                        officers.get(m.person_id),
                        _due(m.kind, received_at, overrides),
                    )
                )
        cursor.execute(
            f"""
            WITH new AS (
                INSERT INTO {event_table} (order_id, person_id, supplier, supplier_event_id, dedupe_key, kind,
                    occurred_at, received_at, latitude, longitude, detail, raw, feed_id)
                SELECT order_id, person_id, %(supplier)s, supplier_event_id, dedupe_key, kind, occurred_at,
                    %(received)s, latitude, longitude, detail, raw, %(feed)s FROM monitoring_stage
                ON CONFLICT (supplier, dedupe_key) DO NOTHING
                RETURNING id, dedupe_key
            ), raised AS (
                INSERT INTO {alert_table} (event_id, person_id, officer_id, due_at, status, judgement, reason,
                    created_at)
                SELECT new.id, s.person_id, s.officer_id, s.due_at, 'open', 'pending', '', %(received)s
                FROM new JOIN monitoring_stage s ON s.dedupe_key = new.dedupe_key
                WHERE s.due_at IS NOT NULL
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM new), (SELECT count(*) FROM raised)
            """,  # noqa: S608 - table names from the models
            {"supplier": feed.supplier, "received": received_at, "feed": feed.pk},
        )
        added, alerts = cursor.fetchone()
        cursor.execute("DROP TABLE monitoring_stage")
    return int(added), int(alerts)


# --- Alerts ----------------------------------------------------------------------------------------------


def _log_alert(actor: Actor, alert: Alert, action: str, summary: str, **detail: Any) -> None:
    log_access(
        actor=actor, action=action, person_id=alert.person_id, obj=alert, summary=summary, detail=detail
    )


@transaction.atomic
def acknowledge_alert(*, actor: Actor, alert: Alert) -> Alert:
    """The officer has seen the alert and is responding to it."""
    _require_monitor(actor, "acknowledge a monitoring alert")
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != AlertStatus.OPEN:
        raise MonitoringError("The alert has already been acknowledged.")
    alert.status, alert.acknowledged_by_id, alert.acknowledged_at = (
        AlertStatus.ACKNOWLEDGED,
        actor.user_id,
        timezone.now(),
    )
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    _log_alert(actor, alert, Action.ALTERATION, "Acknowledged a monitoring alert")
    return alert


def _sentence_basis(alert: Alert) -> tuple[Any, Requirement | None, LicenceCondition | None]:
    order = MonitoringOrder.objects.select_related(
        "requirement__sentence", "licence_condition__sentence"
    ).get(pk=alert.event.order_id)
    if order.requirement is not None:
        return order.requirement.sentence, order.requirement, None
    assert order.licence_condition is not None
    return order.licence_condition.sentence, None, order.licence_condition


@transaction.atomic
def judge_alert(
    *, actor: Actor, alert: Alert, judgement: str, reason: str, record_contact_too: bool = True
) -> Alert:
    """Judge the violation acceptable or unacceptable, with the reason. Unacceptable: a failure to comply is
    recorded and judged unacceptable (the enforcement app's services), for warning or referral there. Either
    way, a case note goes in the person's chronology."""
    _require_monitor(actor, "judge a monitoring alert")
    if judgement not in (AlertJudgement.ACCEPTABLE, AlertJudgement.UNACCEPTABLE):
        raise MonitoringError("Judge the violation acceptable or unacceptable.")
    reason = reason.strip()
    if not reason:
        raise MonitoringError("Give the reason for the judgement.")
    alert = Alert.objects.select_for_update().select_related("event", "person").get(pk=alert.pk)
    if alert.status == AlertStatus.JUDGED:
        raise MonitoringError("The alert has already been judged.")
    event = alert.event
    now = timezone.now()
    what = f"{event.get_kind_display()} at {timezone.localtime(event.occurred_at):%d/%m/%Y %H:%M}"
    if judgement == AlertJudgement.UNACCEPTABLE:
        sentence, requirement, condition = _sentence_basis(alert)
        try:
            failure = record_failure(
                actor=actor,
                person=alert.person,
                sentence=sentence,
                requirement=requirement,
                licence_condition=condition,
                occurred_on=timezone.localtime(event.occurred_at).date(),
                description=f"Electronic monitoring: {what} ({event.supplier})",
            )
            failure = judge_failure(
                actor=actor, failure=failure, judgement=Judgement.UNACCEPTABLE, reason=reason
            )
        except EnforcementError as error:
            raise MonitoringError(str(error)) from error
        alert.failure = failure
    if record_contact_too and actor.agency_ids:
        try:
            alert.contact = record_contact(
                actor=actor,
                person=alert.person,
                kind=ContactKind.INFORMATION_RECEIVED,
                occurred_at=min(now, max(event.occurred_at, now - timedelta(days=3650))),
                summary=f"Monitoring alert judged {judgement}: {what}",
                notes=reason,
            )
        except SupervisionError:
            alert.contact = None
    alert.status, alert.judgement, alert.reason = AlertStatus.JUDGED, judgement, reason
    alert.judged_by_id, alert.judged_at = actor.user_id, now
    if alert.acknowledged_at is None:
        alert.acknowledged_by_id, alert.acknowledged_at = actor.user_id, now
    alert.save()
    _log_alert(actor, alert, Action.ALTERATION, f"Judged a monitoring alert {judgement}", judgement=judgement)
    return alert
