"""The demo's electronic monitoring (issue 14, item 5): the orders and supplier events
desist.core.synth.monitoring generates, bulk loaded onto the requirements and licence conditions the demo
loaded, with an alert for each violation for the responsible officer: older ones mostly judged acceptable,
a few still awaiting judgement or unanswered; the last week's open, acknowledged or judged. Loaded once: a
second build finds the demo suppliers' orders and adds nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from desist.core import monitoring as rules
from desist.core.synth.monitoring import SUPPLIERS, generate_monitoring
from desist.demo.supervision import _loaded_ids
from desist.monitoring.models import Alert, AlertJudgement, AlertStatus, MonitoringEvent, MonitoringOrder
from desist.sentences.models import LicenceCondition, Requirement

BATCH = 5000


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value, rules.LONDON)


def demo_monitoring_load(
    world: Any, *, sentence_people: dict[int, int], worker_users: dict[int, int]
) -> dict[str, int]:
    """Generate and load the monitoring orders, events and alerts; returns the rows loaded by kind (none
    when the demo's monitoring is already there)."""
    counts = {"monitoring orders": 0, "monitoring events": 0, "monitoring alerts": 0}
    if MonitoringOrder.objects.filter(supplier__in=SUPPLIERS).exists():
        return counts
    made = generate_monitoring(world)
    requirements = _loaded_ids(Requirement, world.requirements, sentence_people, "requirement_id")
    conditions = _loaded_ids(LicenceCondition, world.licence_conditions, sentence_people, "condition_id")

    orders: dict[int, MonitoringOrder] = {}
    workers: dict[int, int] = {}
    for o in made.orders:
        if o.sentence_id not in sentence_people:
            continue
        requirement = requirements.get(o.requirement_id) if o.requirement_id is not None else None
        condition = conditions.get(o.condition_id) if o.condition_id is not None else None
        if requirement is None and condition is None:
            continue
        orders[o.order_id] = MonitoringOrder(
            person_id=sentence_people[o.sentence_id],
            kind=o.kind,
            requirement_id=requirement,
            licence_condition_id=condition,
            start_date=o.start_date,
            end_date=o.end_date,
            curfew_start=o.curfew_start,
            curfew_end=o.curfew_end,
            curfew_days=o.curfew_days,
            zone=o.zone,
            zone_name=o.zone_name,
            supplier=o.supplier,
            device_id=o.device_id,
        )
        workers[o.order_id] = o.worker_id
    MonitoringOrder.objects.bulk_create(list(orders.values()), batch_size=BATCH)
    counts["monitoring orders"] = len(orders)

    events: list[tuple[MonitoringEvent, Any]] = []
    for e in made.events:
        order = orders.get(e.order_id)
        if order is None:
            continue
        occurred, received = _aware(e.occurred_at), _aware(e.received_at)
        events.append(
            (
                MonitoringEvent(
                    order_id=order.pk,
                    person_id=order.person_id,
                    supplier=e.supplier,
                    supplier_event_id=e.supplier_event_id,
                    dedupe_key=rules.dedupe_key(
                        e.supplier, e.supplier_event_id, order.device_id, e.kind, occurred
                    ),
                    kind=e.kind,
                    occurred_at=occurred,
                    received_at=received,
                    latitude=e.latitude,
                    longitude=e.longitude,
                    detail=e.detail,
                    raw={
                        "event_id": e.supplier_event_id,
                        "device_id": order.device_id,
                        "event_type": e.kind,
                        "timestamp": occurred.isoformat(),
                    },
                ),
                e,
            )
        )
    MonitoringEvent.objects.bulk_create([event for event, _ in events], batch_size=BATCH)
    counts["monitoring events"] = len(events)

    alerts: list[Alert] = []
    for event, e in events:
        due = rules.response_due(event.kind, event.received_at)
        if not e.alert_status or due is None:
            continue
        officer = worker_users.get(workers[e.order_id])
        judged = e.alert_status == AlertStatus.JUDGED
        seen = judged or e.alert_status == AlertStatus.ACKNOWLEDGED
        alerts.append(
            Alert(
                event_id=event.pk,
                person_id=event.person_id,
                officer_id=officer,
                due_at=due,
                status=e.alert_status,
                judgement=AlertJudgement.ACCEPTABLE if judged else AlertJudgement.PENDING,
                reason=e.reason if judged else "",
                created_at=event.received_at,
                acknowledged_by_id=officer if seen else None,
                acknowledged_at=event.received_at + timedelta(hours=1) if seen else None,
                judged_by_id=officer if judged else None,
                judged_at=event.received_at + timedelta(hours=3) if judged else None,
            )
        )
    Alert.objects.bulk_create(alerts, batch_size=BATCH)
    counts["monitoring alerts"] = len(alerts)
    return counts
