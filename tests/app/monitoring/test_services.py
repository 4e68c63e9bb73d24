"""Monitoring's services: orders, the feed import (all or nothing, idempotent, deduplicated, alerts with
their deadline for the responsible officer), acknowledging and judging (unacceptable: an enforcement
failure), and the work queue's selector."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from desist.audit.models import AccessLogEntry
from desist.enforcement.models import Failure
from desist.monitoring import selectors, services
from desist.monitoring.models import Alert, FeedStatus, MonitoringEvent
from desist.supervision.models import Contact
from tests.app.builders import TODAY
from tests.app.monitoring.conftest import ZONE, feed

pytestmark = pytest.mark.django_db

WHEN = (TODAY - timedelta(days=2)).isoformat()


def good_feed() -> bytes:
    return feed(
        f"E1,TAG1,Curfew Violation,{WHEN}T23:15:00Z,,",
        f"E2,TAG1,strap tamper,{WHEN}T23:20:00Z,,",
        f"E3,TAG2,gps,{WHEN}T12:00:00Z,51.28,1.08",  # a location point inside the zone
        f"E4,TAG2,gps,{WHEN}T12:05:00Z,51.40,0.55",  # outside
        f"E5,TAG1,low battery,{WHEN}T08:00:00Z,,",
    )


def test_import_is_idempotent_and_raises_alerts_with_deadlines(case):
    received = datetime(2026, 3, 1, 9, tzinfo=UTC)
    first = services.import_feed(
        actor=case.officer, supplier="acme", content=good_feed(), file_name="a.csv", received_at=received
    )
    assert first.status == FeedStatus.IMPORTED and first.events_added == 5 and first.alerts_raised == 3
    kinds = dict(MonitoringEvent.objects.values_list("supplier_event_id", "kind"))
    assert kinds == {
        "E1": "curfew_violation",
        "E2": "strap_tamper",
        "E3": "zone_entry",
        "E4": "location",
        "E5": "battery_low",
    }
    due = {a.event.supplier_event_id: a.due_at for a in Alert.objects.select_related("event")}
    assert due == {
        "E1": received + timedelta(hours=24),
        "E2": received + timedelta(hours=4),
        "E3": received + timedelta(hours=2),
    }
    assert set(Alert.objects.values_list("officer_id", flat=True)) == {case.officer_user.pk}
    again = services.import_feed(actor=case.officer, supplier="acme", content=good_feed(), file_name="a.csv")
    assert again.status == FeedStatus.IMPORTED and again.events_added == 0 and again.events_already_held == 5
    assert MonitoringEvent.objects.count() == 5 and Alert.objects.count() == 3
    # The same events in JSON, and a new one: only the new one goes in.
    events = [
        {"id": "E1", "device": "TAG1", "type": "curfew_violation", "timestamp": f"{WHEN}T23:15:00Z"},
        {"id": "E9", "device": "TAG1", "type": "equipment fault", "timestamp": f"{WHEN}T23:59:00Z"},
    ]
    third = services.import_feed(
        actor=case.officer, supplier="acme", content=json.dumps(events).encode(), file_name="b.json"
    )
    assert (third.events_added, third.events_already_held, third.alerts_raised) == (1, 1, 1)
    assert AccessLogEntry.objects.filter(summary__startswith="Imported a acme monitoring feed").count() == 3


def test_a_bad_row_imports_nothing_and_reports_each_row(case):
    content = feed(
        f"E1,TAG1,curfew,{WHEN}T23:15:00Z,,",
        "E2,TAG1,curfew,not a time,,",
        f"E3,NOPE,curfew,{WHEN}T23:15:00Z,,",
        f"E4,TAG1,dancing,{WHEN}T23:15:00Z,,",
    )
    result = services.import_feed(actor=case.officer, supplier="acme", content=content, file_name="bad.csv")
    assert result.status == FeedStatus.REFUSED and result.events_added == 0
    assert MonitoringEvent.objects.count() == 0 and Alert.objects.count() == 0
    rows = [(e["row"], e["column"]) for e in result.errors]
    assert (3, "occurred_at") in rows and (5, "kind") in rows
    # The unknown device is only checked once the file reads cleanly.
    clean = feed(f"E1,TAG1,curfew,{WHEN}T23:15:00Z,,", f"E3,NOPE,curfew,{WHEN}T23:15:00Z,,")
    refused = services.import_feed(actor=case.officer, supplier="acme", content=clean, file_name="c.csv")
    assert refused.status == FeedStatus.REFUSED and refused.errors[0]["row"] == 3
    assert "no order has this device" in refused.errors[0]["problem"]
    assert MonitoringEvent.objects.count() == 0


def test_events_without_ids_are_deduplicated_by_content(case):
    content = feed(
        f"TAG1,curfew,{WHEN}T23:15:00Z", f"TAG1,curfew,{WHEN}T23:15:00+00:00", header="device,type,timestamp"
    )
    first = services.import_feed(actor=case.officer, supplier="acme", content=content, file_name="x.csv")
    assert first.events_added == 1 and first.duplicates_in_file == 1
    assert (
        services.import_feed(
            actor=case.officer, supplier="acme", content=content, file_name="x.csv"
        ).events_added
        == 0
    )
    # Another supplier's identical event is another event (and here has no order).
    assert (
        services.import_feed(actor=case.officer, supplier="other", content=content, file_name="x.csv").status
        == FeedStatus.REFUSED
    )


@override_settings(DESIST_MONITORING_RESPONSE_HOURS={"curfew_violation": 8, "strap_tamper": None})
def test_deadlines_follow_the_settings(case):
    received = datetime(2026, 3, 1, 9, tzinfo=UTC)
    services.import_feed(
        actor=case.officer, supplier="acme", content=good_feed(), file_name="a.csv", received_at=received
    )
    due = {a.event.kind: a.due_at for a in Alert.objects.select_related("event")}
    assert due == {
        "curfew_violation": received + timedelta(hours=8),
        "zone_entry": received + timedelta(hours=2),
    }


def test_police_cannot_import(case):
    with pytest.raises(services.MonitoringError, match="probation"):
        services.import_feed(actor=case.police, supplier="acme", content=good_feed(), file_name="a.csv")


def test_judging_unacceptable_records_an_enforcement_failure_and_a_contact(case):
    services.import_feed(actor=case.officer, supplier="acme", content=good_feed(), file_name="a.csv")
    alert = Alert.objects.get(event__supplier_event_id="E1")
    assert list(selectors.open_alerts_for(case.officer)) == list(Alert.objects.order_by("due_at", "id"))
    assert not selectors.open_alerts_for(case.police).exists()
    services.acknowledge_alert(actor=case.officer, alert=alert)
    with pytest.raises(services.MonitoringError, match="already"):
        services.acknowledge_alert(actor=case.officer, alert=alert)
    with pytest.raises(services.MonitoringError, match="reason"):
        services.judge_alert(actor=case.officer, alert=alert, judgement="unacceptable", reason=" ")
    judged = services.judge_alert(
        actor=case.officer, alert=alert, judgement="unacceptable", reason="Out until 1am, no excuse"
    )
    failure = Failure.objects.get()
    assert judged.failure == failure and failure.judgement == "unacceptable"
    assert failure.requirement == case.curfew.requirement and failure.sentence == case.sentence
    assert "Curfew violation" in failure.description
    assert Contact.objects.get(person=case.person).notes == "Out until 1am, no excuse"
    assert alert.pk not in selectors.open_alerts_for(case.officer).values_list("pk", flat=True)
    with pytest.raises(services.MonitoringError, match="already been judged"):
        services.judge_alert(actor=case.officer, alert=alert, judgement="acceptable", reason="x")
    acceptable = Alert.objects.get(event__supplier_event_id="E2")
    services.judge_alert(
        actor=case.officer, alert=acceptable, judgement="acceptable", reason="Strap refitted"
    )
    assert Failure.objects.count() == 1


def test_orders_are_checked(case):
    with pytest.raises(services.MonitoringError, match="one"):
        services.create_order(
            actor=case.officer,
            person=case.person,
            kind="trail",
            start_date=TODAY,
            supplier="acme",
            device_id="T",
        )
    with pytest.raises(services.MonitoringError, match="Polygon"):
        services.create_order(
            actor=case.officer,
            person=case.person,
            kind="exclusion_zone",
            requirement=case.exclusion.requirement,
            start_date=TODAY,
            supplier="acme",
            device_id="T",
            zone={"type": "Point", "coordinates": [1, 51]},
        )
    with pytest.raises(services.MonitoringError, match="cannot rest"):
        services.create_order(
            actor=case.officer,
            person=case.person,
            kind="alcohol",
            requirement=case.curfew.requirement,
            start_date=TODAY,
            supplier="acme",
            device_id="T",
        )
    assert case.exclusion.zone == ZONE
    assert timezone.localdate() >= case.curfew.start_date
