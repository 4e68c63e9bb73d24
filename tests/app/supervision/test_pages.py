"""Supervision pages (issue 14): the chronology with its filters and pagination in bounded queries, what
another agency may not see, recording a contact, booking an appointment and recording a failure to attend,
rearranging and cancelling, the diary by day and week, the probation reset, and the iCalendar feed behind a
revocable token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from desist.audit.models import AccessLogEntry
from desist.supervision import services
from desist.supervision.models import (
    Appointment,
    AppointmentOutcome,
    AppointmentStatus,
    Contact,
    ContactKind,
    Sensitivity,
    SupervisionSuspension,
)
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db

TEAM = ("officer", "police", "housing")


@pytest.fixture
def subject(partnership, team):
    return builders.person(
        first_name="Sam",
        last_name="Supervised",
        involved=[(partnership.probation, team["officer"]), (partnership.police, team["police"])],
    )


def contacts(subject, agency, user, n, *, sensitivity=Sensitivity.SHARED):
    now = timezone.now()
    Contact.objects.bulk_create(
        Contact(
            person=subject,
            kind=ContactKind.CASE_NOTE,
            occurred_at=now - timedelta(hours=i + 1),
            agency=agency,
            recorded_by=user,
            summary=f"{agency.code} note {i}",
            sensitivity=sensitivity,
        )
        for i in range(n)
    )


def test_the_chronology_pages_through_every_agency_in_bounded_queries(
    client, partnership, team, subject, django_assert_max_num_queries
):
    contacts(subject, partnership.probation, team["officer"], 30)
    contacts(subject, partnership.police, team["police"], 10)
    contacts(subject, partnership.police, team["police"], 3, sensitivity=Sensitivity.OWN_AGENCY)
    client.force_login(team["officer"])
    url = f"/people/{subject.pk}/chronology/"
    with django_assert_max_num_queries(16):
        page = client.get(url).content.decode()
    assert "40 entries" in page and "probation note 0" in page and 'aria-label="Page 2"' in page
    with django_assert_max_num_queries(16):
        second = client.get(url + "?page=2").content.decode()
    assert "probation note 29" in second or "police note 9" in second
    # The police's own-agency notes are theirs alone.
    client.force_login(team["police"])
    assert "43 entries" in client.get(url).content.decode()
    # Filters: agency, kind and dates, kept across pages.
    client.force_login(team["officer"])
    police = client.get(url, {"agency": partnership.police.pk}).content.decode()
    assert "10 entries match" in police
    none = client.get(url, {"kind": ContactKind.HOME_VISIT}).content.decode()
    assert "No entries match these filters" in none
    dated = client.get(url, {"date_from": (TODAY + timedelta(days=1)).isoformat()}).content.decode()
    assert "No entries match" in dated
    assert client.get(url, {"date_from": "0001-01-01", "date_to": "9999-12-31"}).status_code == 200
    bad = client.get(url, {"date_from": "2025-02-02", "date_to": "2025-01-01"}).content.decode()
    assert "The end date must be on or after the start date" in bad


def test_an_agency_not_involved_gets_404_logged(client, team, subject):
    client.force_login(team["housing"])
    assert client.get(f"/people/{subject.pk}/chronology/").status_code == 404
    assert AccessLogEntry.objects.filter(action="denied", person_id=subject.pk).exists()


def test_record_a_contact_on_the_page(client, team, subject):
    client.force_login(team["officer"])
    url = f"/people/{subject.pk}/chronology/record/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": ContactKind.MULTI_AGENCY,
            "day": TODAY.isoformat(),
            "at": "00:01",
            "summary": "MAPPA level 2 meeting",
            "sensitivity": Sensitivity.OWN_AGENCY,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/people/{subject.pk}/chronology/"
    contact = Contact.objects.get()
    assert contact.kind == ContactKind.MULTI_AGENCY and contact.sensitivity == Sensitivity.OWN_AGENCY
    errors = client.post(url, {"kind": ContactKind.PHONE}).content.decode()
    assert "Enter the date of the contact" in errors and "Say what happened, in a line" in errors


def test_book_an_appointment_then_record_a_failure_to_attend(
    client, team, subject, django_assert_max_num_queries
):
    client.force_login(team["officer"])
    url = f"/people/{subject.pk}/appointments/book/"
    assert client.get(url).status_code == 200
    tomorrow = TODAY + timedelta(days=1)
    response = client.post(
        url,
        {
            "kind": "office",
            "practitioner": team["officer"].pk,
            "day": tomorrow.isoformat(),
            "starts": "10:00",
            "ends": "10:30",
            "location": "Chatham office",
        },
        follow=True,
    )
    appointment = Appointment.objects.get()
    assert response.redirect_chain[-1][0] == f"/appointments/{appointment.pk}/"
    assert "recorded once it has started" in response.content.decode()
    # Time passes.
    start = timezone.now() - timedelta(hours=2)
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    diary = client.get("/diary/").content.decode()
    assert "Outcomes to record" in diary and f"/appointments/{appointment.pk}/" in diary
    with django_assert_max_num_queries(12):
        page = client.get(f"/appointments/{appointment.pk}/").content.decode()
    assert "Record the outcome" in page
    response = client.post(
        f"/appointments/{appointment.pk}/",
        {"outcome": AppointmentOutcome.FAILED_TO_ATTEND, "sensitivity": Sensitivity.SHARED, "version": 1},
        follow=True,
    )
    assert "Outcome recorded: failed to attend" in response.content.decode()
    assert "Office appointment: failed to attend" in response.content.decode()  # in the chronology
    assert Appointment.objects.get().outcome == AppointmentOutcome.FAILED_TO_ATTEND
    # Another agency sees the outcome in the chronology, but not as a link to an appointment it cannot open.
    client.force_login(team["police"])
    theirs = client.get(f"/people/{subject.pk}/chronology/").content.decode()
    assert (
        "Office appointment: failed to attend" in theirs and f"/appointments/{appointment.pk}/" not in theirs
    )
    assert client.get(f"/appointments/{appointment.pk}/").status_code == 404


def test_rearrange_and_cancel_on_the_pages(client, team, subject):
    start = timezone.now() + timedelta(days=2)
    first = services.book_appointment(
        actor=builders.actor(team["officer"]),
        person=subject,
        practitioner=team["officer"],
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    client.force_login(team["officer"])
    assert client.get(f"/appointments/{first.pk}/rearrange/").status_code == 200
    later = timezone.localdate(start) + timedelta(days=1)
    response = client.post(
        f"/appointments/{first.pk}/rearrange/",
        {"day": later.isoformat(), "starts": "14:00", "ends": "14:30", "reason": "Hospital", "version": 1},
        follow=True,
    )
    moved = Appointment.objects.get(rearranged_from=first)
    assert response.redirect_chain[-1][0] == f"/appointments/{moved.pk}/"
    stale = client.post(f"/appointments/{first.pk}/cancel/", {"reason": "x", "version": 1}).content.decode()
    assert "already rescheduled" in stale
    assert client.get(f"/appointments/{moved.pk}/cancel/").status_code == 200
    client.post(f"/appointments/{moved.pk}/cancel/", {"reason": "Recalled to prison", "version": 1})
    assert Appointment.objects.get(pk=moved.pk).status == AppointmentStatus.CANCELLED


def test_the_diary_by_day_and_week_in_bounded_queries(client, team, subject, django_assert_max_num_queries):
    actor = builders.actor(team["officer"])
    monday = TODAY - timedelta(days=TODAY.weekday()) + timedelta(days=7)
    for offset in range(5):
        start = timezone.make_aware(
            timezone.datetime.combine(monday + timedelta(days=offset), timezone.datetime.min.time())
        ) + timedelta(hours=10)
        services.book_appointment(
            actor=actor,
            person=subject,
            practitioner=team["officer"],
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
    client.force_login(team["officer"])
    with django_assert_max_num_queries(12):
        week = client.get("/diary/", {"view": "week", "date": monday.isoformat()}).content.decode()
    assert week.count("Sam Supervised") == 5 and "Next week" in week
    day = client.get("/diary/", {"date": monday.isoformat()}).content.decode()
    assert day.count("Sam Supervised") == 1 and "Show the whole week" in day
    for odd in ("not-a-date", "0001-01-01", "9999-12-31"):
        assert client.get("/diary/", {"date": odd, "view": "week"}).status_code == 200


def test_suspend_and_resume_supervision_contact_on_the_pages(client, team, subject):
    licence = builders.custody(
        subject,
        sentence_date=TODAY - timedelta(days=400),
        length_days=730,
        release=TODAY - timedelta(days=30),
        actual=True,
    )
    client.force_login(team["officer"])
    url = f"/people/{subject.pk}/supervision/suspend/"
    assert client.get(url).status_code == 200
    client.post(url, {"sentence": licence.pk, "starts_on": TODAY.isoformat(), "reason": "Probation reset"})
    suspension = SupervisionSuspension.objects.get()
    page = client.get(f"/people/{subject.pk}/chronology/").content.decode()
    assert "Supervision contact is suspended" in page
    book = client.get(f"/people/{subject.pk}/appointments/book/").content.decode()
    assert "To book one in that time, say why it is needed" in book
    resume = f"/supervision/suspensions/{suspension.pk}/resume/"
    assert client.get(resume).status_code == 200
    client.post(resume, {"on": (TODAY + timedelta(days=1)).isoformat(), "version": 1})
    assert SupervisionSuspension.objects.get().ends_on == TODAY
    client.force_login(team["police"])
    refused = client.post(resume, {"on": (TODAY + timedelta(days=2)).isoformat(), "version": 2})
    assert "Only probation" in refused.content.decode()


# --- the iCalendar feed ----------------------------------------------------------------------------------


def test_the_calendar_feed_is_valid_and_ends_when_revoked(client, team, subject):
    start = timezone.now() + timedelta(days=1)
    booked = services.book_appointment(
        actor=builders.actor(team["officer"]),
        person=subject,
        practitioner=team["officer"],
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        location="Chatham office",
    )
    client.force_login(team["officer"])
    client.post("/diary/feed/", {"action": "issue"})
    page = client.get("/diary/").content.decode()
    feed_url = page.split('<code class="desist-code">')[1].split("</code>")[0]
    assert "/diary/feed/" in feed_url and "It is shown only now" in page
    assert "It is shown only now" not in client.get("/diary/").content.decode()  # once
    path = feed_url.split("testserver", 1)[1]
    client.logout()
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]) == f"Office appointment: SS (person {subject.pk})"  # initials, not the name
    assert (
        event.decoded("dtstart") == booked.starts_at.replace(microsecond=0)
        and str(event["location"]) == "Chatham office"
    )
    assert "Supervised" not in response.content.decode()
    # Revoked: 404; re-issued: a new address works and the old does not.
    client.force_login(team["officer"])
    client.post("/diary/feed/", {"action": "revoke"})
    client.logout()
    assert client.get(path).status_code == 404
    assert client.get("/diary/feed/not-a-token.ics").status_code == 404


def test_a_user_of_two_agencies_says_which_one_records(client, partnership, team, subject):
    from desist.partnership.models import Membership

    both = partnership.user("ian.iom", partnership.police)
    Membership.objects.create(user=both, agency=partnership.probation)
    client.force_login(both)
    url = f"/people/{subject.pk}/chronology/record/"
    assert "For agency" in client.get(url).content.decode()
    data = {
        "kind": ContactKind.PHONE,
        "day": TODAY.isoformat(),
        "at": "00:01",
        "summary": "Phoned",
        "sensitivity": "shared",
    }
    assert "Choose the agency you record this for" in client.post(url, data).content.decode()
    client.post(url, {**data, "agency": partnership.police.pk})
    assert Contact.objects.get().agency == partnership.police
    client.force_login(team["officer"])
    assert "For agency" not in client.get(url).content.decode()
