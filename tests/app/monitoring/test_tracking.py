"""Tracking with the police (issue 14; the seeds' satellite tracking with BUDDI): an IOM police officer
follows the latest location points and zone alerts of a person in the IOM cohort on trail monitoring, on a
page that refreshes by HTMX polling; every view is in the access log; other roles are refused through the
one refusal helper; the queries do not grow with the trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from desist.audit.models import AccessLogEntry, Action
from desist.iom.models import CohortMembership, MembershipStatus, Strand
from desist.monitoring import selectors, services
from desist.people import services as people
from desist.people.selectors import visible_people
from tests.app import builders
from tests.app.builders import TODAY
from tests.app.monitoring.conftest import feed

pytestmark = pytest.mark.django_db

DAY = (TODAY - timedelta(days=1)).isoformat()


@pytest.fixture
def tracked(case, partnership):
    """Tagged is in the IOM cohort, with the police involved (PC Tagg may see him), and his exclusion
    zone's GPS tag has sent a trail that enters the zone once."""
    people.involvement_start(
        actor=builders.actor(),
        person=case.person,
        agency_id=partnership.police.pk,
        reason="IOM",
        start_date=TODAY - timedelta(days=30),
        lead_worker_id=case.police_user.pk,
    )
    CohortMembership.objects.create(
        person=case.person,
        status=MembershipStatus.ADOPTED,
        strand=Strand.FIXED,
        proposed_on=TODAY - timedelta(days=30),
        adopted_on=TODAY - timedelta(days=30),
    )
    services.import_feed(
        actor=case.officer,
        supplier="acme",
        content=feed(
            f"P1,TAG2,gps,{DAY}T12:00:00Z,51.30,1.20",
            f"P2,TAG2,gps,{DAY}T12:05:00Z,51.28,1.08",
            f"P3,TAG2,gps,{DAY}T12:10:00Z,51.30,1.21",
        ),
        file_name="trail.csv",
    )
    return case


def _url(case):
    return f"/people/{case.person.pk}/tracking/"


def test_the_iom_police_officer_sees_the_trail_the_zone_and_its_alert(client, tracked):
    client.force_login(tracked.police_user)
    page = client.get(_url(tracked))
    assert page.status_code == 200
    text = page.content.decode()
    assert '<h1 class="govuk-heading-l">Location tracking</h1>' in text
    assert "<polyline" in text and 'fill="#d4351c"' in text  # the trail over the zone
    assert "Exclusion zone entered" in text
    assert "3 location points" in text and "latitude 51.30000, longitude 1.21000" in text
    assert 'hx-trigger="every 30s"' in text
    logged = AccessLogEntry.objects.filter(
        user=tracked.police_user, person_id=tracked.person.pk, summary="Viewed the location tracking"
    )
    assert logged.get().action == Action.CONSULTATION


def test_the_htmx_poll_returns_the_fragment_and_is_logged_too(client, tracked):
    client.force_login(tracked.police_user)
    poll = client.get(_url(tracked), headers={"HX-Request": "true"})
    assert poll.status_code == 200
    text = poll.content.decode()
    assert text.lstrip().startswith("{% comment %}") is False and '<div id="tracking"' in text
    assert "<html" not in text
    assert AccessLogEntry.objects.filter(summary="Refreshed the location tracking").count() == 1


def test_other_roles_are_refused_and_the_refusal_logged(client, tracked, partnership):
    housing = partnership.user("hana.tracker", partnership.housing)
    people.involvement_start(
        actor=builders.actor(),
        person=tracked.person,
        agency_id=partnership.housing.pk,
        reason="Tenancy",
        start_date=TODAY - timedelta(days=30),
    )
    assert visible_people(builders.actor(housing)).filter(pk=tracked.person.pk).exists()
    client.force_login(housing)
    assert client.get(_url(tracked)).status_code == 403
    assert client.get("/monitoring/tracking/").status_code == 403
    denied = AccessLogEntry.objects.filter(user=housing, action=Action.DENIED)
    assert denied.filter(summary__startswith="Refused the location tracking of person").exists()
    assert denied.filter(summary="Refused the IOM location tracking list").exists()


def test_a_person_outside_the_cohort_is_not_tracked(client, tracked):
    CohortMembership.objects.filter(person=tracked.person).delete()
    client.force_login(tracked.police_user)
    assert client.get(_url(tracked)).status_code == 404
    assert AccessLogEntry.objects.filter(
        action=Action.DENIED, summary__endswith=": not tracked", person_id=tracked.person.pk
    ).exists()


def test_a_person_the_officer_may_not_see_is_not_found(client, case):
    client.force_login(case.police_user)
    assert client.get(_url(case)).status_code == 404


def test_the_list_shows_the_tracked_people_and_links_from_the_monitoring_page(client, tracked):
    client.force_login(tracked.police_user)
    listed = client.get("/monitoring/tracking/").content.decode()
    assert _url(tracked) in listed and "TAGGED" in listed
    monitoring = client.get(f"/people/{tracked.person.pk}/monitoring/").content.decode()
    assert _url(tracked) in monitoring and "/monitoring/tracking/" in monitoring


def test_the_queries_do_not_grow_with_the_trail(client, tracked):
    client.force_login(tracked.police_user)
    with CaptureQueriesContext(connection) as short:
        client.get(_url(tracked))
    rows = [f"Q{n},TAG2,gps,{DAY}T{13 + n // 60}:{n % 60:02d}:00Z,51.30,1.{20 + n % 3}" for n in range(70)]
    services.import_feed(actor=tracked.officer, supplier="acme", content=feed(*rows), file_name="more.csv")
    with CaptureQueriesContext(connection) as long:
        page = client.get(_url(tracked))
    assert len(long) == len(short), [q["sql"][:120] for q in long.captured_queries]
    assert len(selectors.person_tracking(tracked.person).points) == selectors.TRACKING_POINTS
    assert page.status_code == 200
    with CaptureQueriesContext(connection) as listing:
        client.get("/monitoring/tracking/")
    assert len(listing) <= 12


def test_the_api_gives_the_same_to_the_police_and_refuses_other_roles(
    client, tracked, partnership, django_assert_max_num_queries
):
    client.force_login(tracked.police_user)
    with django_assert_max_num_queries(12):
        got = client.get(f"/api/monitoring/people/{tracked.person.pk}/tracking")
    assert got.status_code == 200, got.content
    body = got.json()
    assert len(body["points"]) == 3 and body["points"][0]["supplier_event_id"] == "P3"
    assert [a["event"]["kind"] for a in body["alerts"]] == ["zone_entry"]
    assert body["orders"][0]["zone_name"] == "Canterbury city centre"
    assert AccessLogEntry.objects.filter(
        user=tracked.police_user, summary__endswith="through the API", summary__contains="location tracking"
    ).exists()
    housing = partnership.user("hana.api", partnership.housing)
    client.force_login(housing)
    assert client.get(f"/api/monitoring/people/{tracked.person.pk}/tracking").status_code == 404


def test_the_api_sets_up_a_curfew_with_its_address(client, case):
    client.force_login(case.officer_user)
    made = client.post(
        f"/api/monitoring/people/{case.person.pk}/orders",
        {
            "kind": "curfew",
            "requirement_id": case.curfew.requirement_id,
            "start_date": TODAY.isoformat(),
            "curfew_start": "19:00",
            "curfew_end": "07:00",
            "home_latitude": 51.3,
            "home_longitude": 0.5,
            "supplier": "acme",
            "device_id": "TAG20",
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert (made.json()["home_latitude"], made.json()["home_radius_m"]) == (51.3, 100)
