"""The page that sets up a monitoring order: the form offers only the person's active requirements and
licence conditions, a valid order is made through the service, an invalid GeoJSON zone is refused with a
clear message and nothing made, the service's own refusals are shown, and a person the user may not see is
refused (and logged) as not found."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from desist.audit.models import AccessLogEntry, Action
from desist.monitoring.models import MonitoringOrder
from desist.sentences import services as sentences
from desist.sentences.models import Requirement
from tests.app import builders
from tests.app.builders import TODAY
from tests.app.monitoring.conftest import ZONE

pytestmark = pytest.mark.django_db


def url(case) -> str:
    return f"/people/{case.person.pk}/monitoring/orders/new/"


def em_requirement(case) -> Requirement:
    return sentences.requirement_add(
        actor=builders.actor(),
        sentence=case.sentence,
        kind="electronic_monitoring",
        start_date=TODAY - timedelta(days=10),
        amount=6,
        unit="months",
    )


def post(client, case, requirement, **changes):
    data = {
        "kind": "exclusion_zone",
        "basis": f"requirement:{requirement.pk}",
        "start_date": TODAY.isoformat(),
        "end_date": "",
        "curfew_start": "",
        "curfew_end": "",
        "zone": json.dumps(ZONE),
        "zone_name": "Chatham high street",
        "supplier": "acme",
        "device_id": "TAG9",
        **changes,
    }
    return client.post(url(case), data)


def test_the_form_offers_the_persons_active_requirements_in_bounded_queries(
    client, case, django_assert_max_num_queries
):
    requirement = em_requirement(case)
    ended = em_requirement(case)
    Requirement.objects.filter(pk=ended.pk).update(status="completed")
    client.force_login(case.officer_user)
    monitoring = client.get(f"/people/{case.person.pk}/monitoring/").content.decode()
    assert url(case) in monitoring
    with django_assert_max_num_queries(20):
        page = client.get(url(case))
    html = page.content.decode()
    assert page.status_code == 200 and "Set up electronic monitoring" in html
    assert f'value="requirement:{requirement.pk}"' in html
    assert f'value="requirement:{ended.pk}"' not in html
    assert "Exclusion zone (GeoJSON)" in html and 'name="curfew_days"' in html


def test_a_valid_order_is_set_up(client, case):
    requirement = em_requirement(case)
    client.force_login(case.officer_user)
    done = post(client, case, requirement)
    assert done.status_code == 302 and done["Location"] == f"/people/{case.person.pk}/monitoring/"
    order = MonitoringOrder.objects.get(device_id="TAG9")
    assert order.kind == "exclusion_zone" and order.requirement_id == requirement.pk
    assert order.zone == ZONE and order.person_id == case.person.pk
    page = client.get(done["Location"]).content.decode()
    assert "Monitoring order set up" in page and "Chatham high street" in page


def test_a_curfew_with_its_days(client, case):
    requirement = em_requirement(case)
    client.force_login(case.officer_user)
    done = client.post(
        url(case),
        {
            "kind": "curfew",
            "basis": f"requirement:{requirement.pk}",
            "start_date": TODAY.isoformat(),
            "curfew_start": "20:00",
            "curfew_end": "06:30",
            "curfew_days": ["6", "7"],
            "supplier": "acme",
            "device_id": "TAG10",
        },
    )
    assert done.status_code == 302
    order = MonitoringOrder.objects.get(device_id="TAG10")
    assert order.curfew_days == "67" and order.curfew_start.hour == 20 and order.curfew_end.minute == 30


@pytest.mark.parametrize(
    ("zone", "words"),
    [
        ("{not json", "Enter the exclusion zone as GeoJSON: it is not valid JSON (line 1, column 2)."),
        ('{"type": "Point", "coordinates": [1, 51]}', "The zone must be a GeoJSON Polygon or MultiPolygon."),
        (
            '{"type": "Polygon", "coordinates": [[[1, 51], [2, 51], [2, 52], [1, 51.5]]]}',
            "Each ring must end where it starts.",
        ),
        ("[" * 10_000 + "]" * 10_000, "Enter the exclusion zone as GeoJSON"),
    ],
)
def test_an_invalid_zone_is_refused_with_a_clear_message_and_nothing_made(client, case, zone, words):
    requirement = em_requirement(case)
    before = MonitoringOrder.objects.count()
    client.force_login(case.officer_user)
    page = post(client, case, requirement, zone=zone)
    html = page.content.decode()
    assert page.status_code == 400 and "There is a problem" in html and words in html
    assert '<a href="#id_zone">' in html and "<title>Error:" in html
    assert MonitoringOrder.objects.count() == before


def test_the_services_refusal_is_shown(client, case):
    requirement = em_requirement(case)
    client.force_login(case.officer_user)
    page = post(client, case, requirement, zone="", kind="exclusion_zone")
    html = page.content.decode()
    assert page.status_code == 400 and "Draw the exclusion zone" in html
    curfew = post(client, case, requirement, kind="curfew", zone="")
    assert curfew.status_code == 400 and "Give the curfew&#x27;s hours" in curfew.content.decode()
    assert not MonitoringOrder.objects.filter(device_id="TAG9").exists()


def test_a_requirement_not_offered_is_refused(client, case):
    other = builders.person(last_name="Other")
    theirs = builders.community_order(other, start=TODAY - timedelta(days=5), months=6)
    foreign = sentences.requirement_add(
        actor=builders.actor(), sentence=theirs, kind="curfew", start_date=TODAY, amount=1, unit="months"
    )
    client.force_login(case.officer_user)
    page = post(client, case, foreign, kind="curfew", curfew_start="19:00", curfew_end="07:00")
    assert page.status_code == 400 and "active requirements or licence conditions" in page.content.decode()
    assert not MonitoringOrder.objects.filter(device_id="TAG9").exists()


def test_refused_for_a_person_the_user_may_not_see(client, case):
    requirement = em_requirement(case)
    client.force_login(case.police_user)
    assert client.get(url(case)).status_code == 404
    assert post(client, case, requirement).status_code == 404
    assert not MonitoringOrder.objects.filter(device_id="TAG9").exists()
    refused = AccessLogEntry.objects.filter(action=Action.DENIED, person_id=case.person.pk)
    assert refused.filter(summary__contains="set up electronic monitoring").count() == 2
