"""Violations worked out from location points (issue 14, items 3 and 5): entering the exclusion zone, or
being away from the curfew address during curfew hours, raises the alert a supplier's own violation would,
once per breach and idempotently."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desist.monitoring import services
from desist.monitoring.models import Alert, MonitoringEvent
from tests.app.builders import TODAY
from tests.app.monitoring.conftest import feed

pytestmark = pytest.mark.django_db

DAY = (TODAY - timedelta(days=3)).isoformat()
HOME = (51.3, 0.5)  # (lat, lon)


@pytest.fixture
def curfew_at_home(case):
    case.curfew.home_latitude, case.curfew.home_longitude = HOME
    case.curfew.save()
    return case


def test_a_trail_through_the_zone_raises_one_alert_per_visit(case):
    content = feed(
        f"P1,TAG2,gps,{DAY}T12:00:00Z,51.30,1.20",  # outside
        f"P2,TAG2,gps,{DAY}T12:05:00Z,51.28,1.08",  # enters
        f"P3,TAG2,gps,{DAY}T12:10:00Z,51.279,1.081",  # still inside
        f"P4,TAG2,gps,{DAY}T12:15:00Z,51.30,1.20",  # leaves
        f"P5,TAG2,gps,{DAY}T12:20:00Z,51.28,1.08",  # comes back
    )
    result = services.import_feed(actor=case.officer, supplier="acme", content=content, file_name="t.csv")
    assert (result.events_added, result.alerts_raised) == (5, 2)
    kinds = dict(MonitoringEvent.objects.values_list("supplier_event_id", "kind"))
    assert kinds == {
        "P1": "location",
        "P2": "zone_entry",
        "P3": "location",
        "P4": "location",
        "P5": "zone_entry",
    }
    again = services.import_feed(actor=case.officer, supplier="acme", content=content, file_name="t.csv")
    assert (again.events_added, again.alerts_raised) == (0, 0)
    assert Alert.objects.count() == 2


def test_a_later_feed_carries_on_a_breach_under_way(case):
    first = feed(f"P1,TAG2,gps,{DAY}T12:00:00Z,51.28,1.08")
    services.import_feed(actor=case.officer, supplier="acme", content=first, file_name="a.csv")
    later = feed(f"P2,TAG2,gps,{DAY}T12:05:00Z,51.28,1.08", f"P3,TAG2,gps,{DAY}T14:05:00Z,51.28,1.08")
    result = services.import_feed(actor=case.officer, supplier="acme", content=later, file_name="b.csv")
    # P2 carries on P1's entry; P3 comes two hours after the last point held, so is a new one.
    assert result.alerts_raised == 1
    assert MonitoringEvent.objects.get(supplier_event_id="P3").kind == "zone_entry"


def test_away_from_the_curfew_address_in_curfew_hours_is_a_curfew_violation(curfew_at_home):
    case = curfew_at_home
    day = TODAY - timedelta(days=7)
    while day.isoweekday() > 4:  # the curfew starts Monday to Friday: a Monday-Thursday night
        day -= timedelta(days=1)
    night, noon = f"{day.isoformat()}T23:30:00+00:00", f"{day.isoformat()}T12:00:00+00:00"
    content = feed(
        f"C1,TAG1,gps,{noon},51.35,0.60",  # out at midday: no curfew
        f"C2,TAG1,gps,{night},51.3001,0.5001",  # at home at night
        f"C3,TAG1,trail_point,{day.isoformat()}T23:45:00+00:00,51.35,0.60",  # out at night
    )
    result = services.import_feed(actor=case.officer, supplier="acme", content=content, file_name="c.csv")
    assert result.alerts_raised == 1
    alert = Alert.objects.select_related("event").get()
    assert (alert.event.supplier_event_id, alert.event.kind) == ("C3", "curfew_violation")
    assert alert.officer_id == case.officer_user.pk


def test_without_a_curfew_address_location_points_never_break_the_curfew(case):
    content = feed(f"C1,TAG1,gps,{DAY}T23:45:00+00:00,51.35,0.60")
    assert (
        services.import_feed(
            actor=case.officer, supplier="acme", content=content, file_name="d.csv"
        ).alerts_raised
        == 0
    )


def test_the_curfew_address_is_set_with_the_order_and_checked(case):
    with pytest.raises(services.MonitoringError, match="or neither"):
        services.create_order(
            actor=case.officer,
            person=case.person,
            kind="curfew",
            requirement=case.curfew.requirement,
            start_date=TODAY,
            supplier="acme",
            device_id="TAG9",
            curfew_start=case.curfew.curfew_start,
            curfew_end=case.curfew.curfew_end,
            home_latitude=51.3,
        )


def test_the_order_page_takes_the_curfew_address(client, case):
    from tests.app.monitoring.test_order_page import em_requirement, url

    requirement = em_requirement(case)
    client.force_login(case.officer_user)
    data = {
        "kind": "curfew",
        "basis": f"requirement:{requirement.pk}",
        "start_date": TODAY.isoformat(),
        "curfew_start": "19:00",
        "curfew_end": "07:00",
        "home_latitude": "51.2720",
        "home_longitude": "0.5220",
        "supplier": "acme",
        "device_id": "TAG11",
    }
    done = client.post(url(case), data)
    assert done.status_code == 302
    order = case.person.monitoring_orders.get(device_id="TAG11")
    assert (order.home_latitude, order.home_longitude, order.home_radius_m) == (51.272, 0.522, 100)
    refused = client.post(url(case), {**data, "home_longitude": "", "device_id": "TAG12"})
    assert refused.status_code == 400 and "or neither" in refused.content.decode()


def test_the_caseload_shows_monitoring_in_force_with_open_alerts_in_one_query(client, case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from desist.monitoring.selectors import caseload_monitoring

    services.import_feed(
        actor=case.officer,
        supplier="acme",
        content=feed(f"V1,TAG1,curfew violation,{DAY}T23:15:00Z,,"),
        file_name="v.csv",
    )
    with CaptureQueriesContext(connection) as queries:
        shown = caseload_monitoring([case.person.pk])
    assert len(queries) == 1
    assert sorted(m.text for m in shown[case.person.pk]) == ["Curfew, 1 open alert", "Exclusion zone"]
    client.force_login(case.officer_user)
    page = client.get("/caseload/").content.decode()
    assert "EM: Curfew, 1 open alert" in page and "EM: Exclusion zone" in page
