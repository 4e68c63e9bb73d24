"""Sharing agreements on the meetings (issue 16, item 1): the agenda page, the agenda pack, the minutes (page
and PDF) and the agenda in the API show each case's sections only where the reader's agency's agreements
share them for that person (`sharing.selectors.shared_categories_for`, one decision for the whole agenda), say
"Not shared with your agency" in place of the rest, and log what they withheld."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from desist.audit.models import AccessLogEntry, Action
from desist.meetings import pack, services
from desist.meetings.models import AgendaItem, Attendance, AttendanceStatus
from desist.sharing.demo import demo_sharing_build
from desist.sharing.models import SharingAgreement
from tests.app.builders import TODAY
from tests.app.meetings.test_api import bearer
from tests.app.meetings.test_pages import sign_in

pytestmark = pytest.mark.django_db

WITHHELD = "Not shared with your agency"
# What the cases' risk sections hold in the fixture: the MAPPA referral's reason, the item's title (its
# category) and the discussion recorded below.
RISK_TEXT = ("Escalating risk", "New referral: category 1", "Risk rising at home")


@pytest.fixture
def heard(mappa, monkeypatch):
    """The mappa fixture's meeting with its agenda built, one case heard, every agency present, the demo
    agreements recorded (police are given risk; housing are not), and the PDFs rendered as their HTML."""
    demo_sharing_build(TODAY)
    meeting = mappa["meeting"]
    services.agenda_build(actor=mappa["actor"], meeting=meeting)
    item = AgendaItem.objects.get(meeting=meeting, person=mappa["reviewed"])
    services.item_record(
        actor=mappa["actor"],
        item=item,
        discussion="Risk rising at home",
        next_review_on=TODAY + timedelta(days=28),
        level_after=3,
    )
    Attendance.objects.filter(meeting=meeting).update(status=AttendanceStatus.PRESENT)
    monkeypatch.setattr(pack, "_render", lambda template, ctx: render_to_string(template, ctx).encode())
    return meeting


def _pages(meeting):
    return {
        "agenda": reverse("meeting", args=[meeting.pk]),
        "pack": reverse("meeting_agenda_pdf", args=[meeting.pk]),
        "minutes": reverse("meeting_minutes", args=[meeting.pk]),
        "minutes PDF": reverse("meeting_minutes_pdf", args=[meeting.pk]),
    }


def test_an_agency_given_risk_sees_the_cases_risk_sections(client, mappa, heard):
    sign_in(client, mappa["police"])
    bodies = {name: client.get(url).content.decode() for name, url in _pages(heard).items()}
    for name, body in bodies.items():
        assert WITHHELD not in body, name
        assert "NEWCASE" in body.upper(), name
    assert "Escalating risk" in bodies["agenda"] and "Escalating risk" in bodies["pack"]
    assert "Risk rising at home" in bodies["minutes"] and "Risk rising at home" in bodies["minutes PDF"]
    assert "New referral: category 1" in bodies["pack"]
    assert not AccessLogEntry.objects.filter(action=Action.DENIED).exists()


def test_an_agency_not_given_risk_sees_not_shared_and_none_of_it(client, mappa, heard):
    sign_in(client, mappa["housing"])
    for name, url in _pages(heard).items():
        response = client.get(url)
        assert response.status_code == 200, name
        body = response.content.decode()
        assert WITHHELD in body, name
        assert "NEWCASE" in body.upper(), name  # the name shows, as on the record
        for text in RISK_TEXT:
            assert text not in body, (name, text)
    # Identity is shared with housing: the pack gives the date of birth.
    pack_body = client.get(_pages(heard)["pack"]).content.decode()
    assert "born " in pack_body
    denied = AccessLogEntry.objects.filter(action=Action.DENIED, detail__reason="not shared with the agency")
    assert denied.count() == 5  # one a page or PDF, not one a person
    people = sorted([mappa["reviewed"].pk, mappa["referred"].pk])
    assert all(sorted(e.detail["person_ids"]) == people for e in denied)
    assert denied.first().detail["withheld"][str(people[0])] == ["risk"]


def test_the_api_agenda_withholds_the_same(client, mappa, heard):
    items = client.get(f"/api/meetings/{heard.pk}", **bearer(mappa["housing"])).json()["agenda"]
    assert items and all(i["withheld"] == ["risk"] and i["title"] == WITHHELD for i in items)
    assert all(i["level_after"] is None for i in items)
    items = client.get(f"/api/meetings/{heard.pk}", **bearer(mappa["police"])).json()["agenda"]
    assert all(i["withheld"] == [] and i["title"] != WITHHELD for i in items)


def test_the_agenda_with_sharing_stays_within_its_queries(
    client, mappa, heard, django_assert_max_num_queries
):
    """The existing pages' bounds (test_pages: 30 for the agenda and the minutes) hold with agreements
    recorded: the decision is one query for the whole agenda beyond the agreements read once."""
    sign_in(client, mappa["housing"])
    for url in _pages(heard).values():
        client.get(url)
        with django_assert_max_num_queries(30):
            assert client.get(url).status_code == 200


def test_an_item_page_withholds_the_same_from_a_coordinator_not_given_risk(
    client, mappa, heard, django_assert_max_num_queries
):
    """The item pages are the coordinator's: with probation's agreement ended, its coordinator sees neither
    the referral's reason nor the discussion's form with it."""
    item = AgendaItem.objects.get(meeting=heard, person=mappa["referred"])
    sign_in(client, mappa["coordinator"])
    assert "Escalating risk" in client.get(reverse("meeting_item", args=[item.pk])).content.decode()
    SharingAgreement.objects.filter(reference="isp-core-justice").delete()
    client.get(reverse("meeting_item", args=[item.pk]))
    with django_assert_max_num_queries(30):  # test_pages' bound for the item page
        body = client.get(reverse("meeting_item", args=[item.pk])).content.decode()
    assert WITHHELD in body and "NEWCASE" in body.upper()
    assert "Escalating risk" not in body and "New referral: category 1" not in body
    assert "Record the item" not in body
