"""The meetings pages (issue 15): a coordinator runs a level 2 meeting from the agenda to the minutes in
bounded queries; the minutes are refused to agencies not present and each reading is a disclosure; the action
reaches its owner's work queue; the overdue report, the PDFs and the calendar feed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from desist.audit.models import AccessLogEntry, Action
from desist.meetings import services
from desist.meetings.models import AgendaItem, AttendanceStatus, MeetingAction
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    client.force_login(user)
    session = client.session
    session["purpose"] = "case_management"
    session.save()


def test_a_coordinator_runs_a_meeting_from_agenda_to_minutes(
    client, mappa, partnership, django_assert_max_num_queries
):
    meeting = mappa["meeting"]
    sign_in(client, mappa["coordinator"])
    with django_assert_max_num_queries(25):
        assert client.get(reverse("meetings")).status_code == 200
    with django_assert_max_num_queries(30):
        page = client.get(reverse("meeting_series", args=[meeting.series_id]))
    assert page.status_code == 200 and b"NEWCASE" in page.content  # the referral waiting
    assert client.post(reverse("meeting_agenda_build", args=[meeting.pk])).status_code == 302
    with django_assert_max_num_queries(30):
        page = client.get(reverse("meeting", args=[meeting.pk]))
    assert b"REVIEWED" in page.content and b"NEWCASE" in page.content
    item = AgendaItem.objects.get(meeting=meeting, person=mappa["reviewed"])
    with django_assert_max_num_queries(30):
        assert client.get(reverse("meeting_item", args=[item.pk])).status_code == 200
    response = client.post(
        reverse("meeting_item", args=[item.pk]),
        {
            "discussion": "Risk rising",
            "level_after": "3",
            "next_review_on": (TODAY + timedelta(days=28)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content
    response = client.post(
        reverse("meeting_action_add", args=[meeting.pk]),
        {
            "description": "Joint home visit",
            "owner_agency": partnership.police.pk,
            "owner_user": mappa["police"].pk,
            "due_on": (TODAY + timedelta(days=7)).isoformat(),
            "item": item.pk,
        },
    )
    assert response.status_code == 302, response.content
    rows = {r.agency_id: r for r in meeting.attendance.all()}
    data = {f"row_{r.pk}": AttendanceStatus.PRESENT for r in rows.values()}
    data[f"row_{rows[partnership.housing.pk].pk}"] = AttendanceStatus.APOLOGIES
    with django_assert_max_num_queries(20):
        assert client.get(reverse("meeting_attendance", args=[meeting.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("meeting_action_add", args=[meeting.pk])).status_code == 200
    assert client.post(reverse("meeting_attendance", args=[meeting.pk]), data).status_code == 302
    response = client.post(reverse("meeting_minutes", args=[meeting.pk]), {"minutes": "Quorate."})
    assert response.status_code == 302
    with django_assert_max_num_queries(30):
        page = client.get(reverse("meeting_minutes", args=[meeting.pk]))
    assert b"Risk rising" in page.content
    # The action is in the police officer's work queue; they may read the minutes (present), housing may not.
    action = MeetingAction.objects.get()
    sign_in(client, mappa["police"])
    queue = client.get(reverse("work_queue"))
    assert b"Joint home visit" in queue.content
    before = AccessLogEntry.objects.filter(action=Action.DISCLOSURE).count()
    assert client.get(reverse("meeting_minutes", args=[meeting.pk])).status_code == 200
    assert AccessLogEntry.objects.filter(action=Action.DISCLOSURE).count() == before + 1
    with django_assert_max_num_queries(25):
        assert client.get(reverse("meeting_action", args=[action.pk])).status_code == 200
    response = client.post(reverse("meeting_action", args=[action.pk]), {"status": "done", "note": "Visited"})
    assert response.status_code == 302
    sign_in(client, mappa["housing"])
    assert client.get(reverse("meeting", args=[meeting.pk])).status_code == 200  # invited
    assert client.get(reverse("meeting_minutes", args=[meeting.pk])).status_code == 404  # apologies
    assert client.get(reverse("meeting_minutes_pdf", args=[meeting.pk])).status_code == 404
    assert client.post(reverse("meeting_agenda_build", args=[meeting.pk])).status_code == 403
    sign_in(client, mappa["treatment"])
    assert client.get(reverse("meeting", args=[meeting.pk])).status_code == 404  # not invited


def test_overdue_report_pdfs_and_feed(client, mappa, partnership, django_assert_max_num_queries):
    actor, meeting = mappa["actor"], mappa["meeting"]
    services.agenda_build(actor=actor, meeting=meeting)
    for n in range(5):
        services.action_add(
            actor=actor,
            meeting=meeting,
            description=f"Overdue {n}",
            owner_agency=partnership.police,
            due_on=TODAY - timedelta(days=n + 1),
        )
    rows = {r.agency_id: r.pk for r in meeting.attendance.all()}
    services.attendance_record(
        actor=actor, meeting=meeting, statuses={rows[partnership.probation.pk]: AttendanceStatus.PRESENT}
    )
    services.minutes_record(actor=actor, meeting=meeting, minutes="Held.")
    sign_in(client, mappa["coordinator"])
    with django_assert_max_num_queries(20):
        page = client.get(reverse("meeting_series_overdue", args=[meeting.series_id]))
    assert b"Overdue 4" in page.content and b"Kent Police" in page.content
    pdf = client.get(reverse("meeting_agenda_pdf", args=[meeting.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    pdf = client.get(reverse("meeting_minutes_pdf", args=[meeting.pk]))
    assert pdf.content.startswith(b"%PDF")
    client.post(reverse("meeting_series_feed_token", args=[meeting.series_id]))
    page = client.get(reverse("meeting_series", args=[meeting.series_id]))
    url = page.context["feed_url"]
    client.logout()
    feed = client.get(url)
    assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.content and b"Newcase" not in feed.content
    sign_in(client, mappa["coordinator"])
    client.post(reverse("meeting_series_feed_token", args=[meeting.series_id]), {"action": "revoke"})
    client.logout()
    assert client.get(url).status_code == 404


def test_referring_a_person_from_the_caseload(client, mappa, django_assert_max_num_queries):
    sign_in(client, mappa["officer"])
    person = mappa["reviewed"]
    with django_assert_max_num_queries(15):
        assert client.get(reverse("mappa_referral_new", args=[person.pk])).status_code == 200
    response = client.post(
        reverse("mappa_referral_new", args=[person.pk]),
        {
            "level": "3",
            "category": "2",
            "reason": "Needs senior attendance",
            "agency": mappa["officer"].memberships.get().agency_id,
        },
    )
    assert response.status_code == 302
    assert person.mappa_referrals.get().level == 3
    sign_in(client, mappa["treatment"])
    assert client.get(reverse("mappa_referral_new", args=[person.pk])).status_code == 404
