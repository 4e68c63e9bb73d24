"""The supervision API (issue 14): the chronology paginated in bounded queries and with what the caller may
see only, recording a contact, booking an appointment and recording its outcome, with the pages' refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from desist.api.services import api_token_issue
from desist.supervision.models import Appointment, Contact, ContactKind, Sensitivity
from tests.app import builders

pytestmark = pytest.mark.django_db

TEAM = ("officer", "police", "housing")


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_DESIST_PURPOSE": "case_management"}


@pytest.fixture
def subject(partnership, team):
    return builders.person(
        last_name="Supervised",
        involved=[(partnership.probation, team["officer"]), (partnership.police, team["police"])],
    )


def token_of(user):
    return api_token_issue(user=user, name="test", scopes=("read", "write"))[1]


def test_the_chronology_pages_in_bounded_queries_and_hides_other_agencies_notes(
    client, partnership, team, subject, django_assert_max_num_queries
):
    now = timezone.now()
    Contact.objects.bulk_create(
        Contact(
            person=subject,
            kind=ContactKind.CASE_NOTE,
            occurred_at=now - timedelta(hours=i + 1),
            agency=partnership.police if i % 2 else partnership.probation,
            summary=f"note {i}",
            sensitivity=Sensitivity.OWN_AGENCY if i % 4 == 1 else Sensitivity.SHARED,
        )
        for i in range(60)
    )
    token = token_of(team["officer"])
    url = f"/api/supervision/people/{subject.pk}/chronology"
    with django_assert_max_num_queries(12):
        body = client.get(url, {"page_size": 20}, **bearer(token)).json()
    assert body["count"] == 45 and body["pages"] == 3 and len(body["results"]) == 20
    assert body["results"][0]["summary"] == "note 0"
    with django_assert_max_num_queries(12):
        police = client.get(url, {"agency": partnership.police.pk, "page": 2}, **bearer(token)).json()
    assert police["count"] == 15 and all(r["agency"] == "Kent Police" for r in police["results"])
    assert client.get(url, **bearer(token_of(team["housing"]))).status_code == 404


def test_record_a_contact_book_and_record_a_failure_to_attend(client, team, subject):
    token = token_of(team["officer"])
    created = client.post(
        f"/api/supervision/people/{subject.pk}/contacts",
        {"kind": "phone", "occurred_at": timezone.now().isoformat(), "summary": "Phoned about housing"},
        content_type="application/json",
        **bearer(token),
    )
    assert created.status_code == 201 and created.json()["agency"] == "Kent Probation"
    naive = client.post(
        f"/api/supervision/people/{subject.pk}/contacts",
        {"kind": "case_note", "occurred_at": "2024-01-01T10:00:00", "summary": "Read as local time"},
        content_type="application/json",
        **bearer(token),
    )
    assert naive.status_code == 201
    refused = client.post(
        f"/api/supervision/people/{subject.pk}/contacts",
        {"kind": "phone", "occurred_at": (timezone.now() + timedelta(days=2)).isoformat(), "summary": "x"},
        content_type="application/json",
        **bearer(token),
    )
    assert refused.status_code == 422 and "in the past" in refused.json()["detail"]
    start = timezone.now() + timedelta(hours=3)
    booked = client.post(
        f"/api/supervision/people/{subject.pk}/appointments",
        {
            "practitioner": team["officer"].pk,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
        },
        content_type="application/json",
        **bearer(token),
    )
    assert booked.status_code == 201, booked.content
    appointment_id = booked.json()["id"]
    wrong = client.post(
        f"/api/supervision/people/{subject.pk}/appointments",
        {"practitioner": team["police"].pk, "starts_at": start.isoformat(), "ends_at": start.isoformat()},
        content_type="application/json",
        **bearer(token),
    )
    assert wrong.status_code == 422
    early = client.post(
        f"/api/supervision/appointments/{appointment_id}/outcome",
        {"outcome": "failed_to_attend"},
        content_type="application/json",
        **bearer(token),
    )
    assert early.status_code == 422 and "not started" in early.json()["detail"]
    past = timezone.now() - timedelta(hours=2)
    Appointment.objects.filter(pk=appointment_id).update(starts_at=past, ends_at=past + timedelta(hours=1))
    recorded = client.post(
        f"/api/supervision/appointments/{appointment_id}/outcome",
        {"outcome": "failed_to_attend", "version": 1},
        content_type="application/json",
        **bearer(token),
    )
    assert recorded.status_code == 200 and recorded.json()["outcome"] == "failed_to_attend"
    stale = client.post(
        f"/api/supervision/appointments/{appointment_id}/outcome",
        {"outcome": "attended_complied", "version": 1},
        content_type="application/json",
        **bearer(token),
    )
    assert stale.status_code == 422  # already has its outcome
    assert (
        client.post(
            f"/api/supervision/appointments/{appointment_id}/outcome",
            {"outcome": "attended_complied"},
            content_type="application/json",
            **bearer(token_of(team["police"])),
        ).status_code
        == 404
    )
