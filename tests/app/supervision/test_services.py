"""Supervision services (issue 14, items 1, 2 and 6): contacts in one chronology with own-agency contacts
kept to their agency, appointments booked, rearranged, cancelled and given outcomes that write the
chronology, and the probation reset's suspension of supervision contact."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from desist.audit.models import AccessLogEntry
from desist.supervision import selectors, services
from desist.supervision.models import (
    Appointment,
    AppointmentOutcome,
    AppointmentStatus,
    Contact,
    ContactKind,
    Sensitivity,
)
from desist.supervision.services import SupervisionError
from desist.versioning import StaleEdit
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db

TEAM = ("officer", "colleague", "police", "worker")


@pytest.fixture
def subject(partnership, team):
    return builders.person(
        last_name="Supervised",
        involved=[(partnership.probation, team["officer"]), (partnership.police, team["police"])],
    )


def actor(team, name="officer"):
    return builders.actor(team[name])


def book(team, subject, *, hours=2, **extra):
    start = timezone.now() + timedelta(hours=hours)
    values = {
        "actor": actor(team),
        "person": subject,
        "practitioner": team["officer"],
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "location": "Medway probation office",
        "purpose": "Supervision",
        **extra,
    }
    return services.book_appointment(**values)


def past(appointment, hours=1):
    """Move an appointment into the past, as time passing would."""
    start = timezone.now() - timedelta(hours=hours)
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    appointment.refresh_from_db()
    return appointment


# --- the chronology -------------------------------------------------------------------------------------


def test_contacts_from_every_agency_make_one_chronology_newest_first(partnership, team, subject):
    now = timezone.now()
    services.record_contact(
        actor=actor(team),
        person=subject,
        kind=ContactKind.OFFICE_APPOINTMENT,
        occurred_at=now - timedelta(days=2),
        summary="Reported as instructed",
    )
    services.record_contact(
        actor=actor(team, "police"),
        person=subject,
        kind=ContactKind.INFORMATION_RECEIVED,
        occurred_at=now - timedelta(days=1),
        summary="Seen with known associates",
    )
    rows = list(selectors.chronology(actor(team), subject))
    assert [c.summary for c in rows] == ["Seen with known associates", "Reported as instructed"]
    assert [c.agency for c in rows] == [partnership.police, partnership.probation]
    # Filtered by agency, kind and date.
    only_police = selectors.ChronologyFilters(agency_id=partnership.police.pk)
    assert [c.summary for c in selectors.chronology(actor(team), subject, only_police)] == [
        "Seen with known associates"
    ]
    kinds = selectors.ChronologyFilters(kinds=(ContactKind.OFFICE_APPOINTMENT,))
    assert len(selectors.chronology(actor(team), subject, kinds)) == 1
    window = selectors.ChronologyFilters(date_from=TODAY - timedelta(days=1), date_to=TODAY)
    assert [c.summary for c in selectors.chronology(actor(team), subject, window)] == [
        "Seen with known associates"
    ]
    entry = (
        AccessLogEntry.objects.filter(action="collection", object_type="supervision.contact")
        .order_by("chain_seq")
        .last()
    )
    assert entry is not None and entry.person_id == subject.pk and entry.username == "pc.plod"


def test_an_own_agency_contact_is_seen_by_that_agency_only(partnership, team, subject):
    kept = services.record_contact(
        actor=actor(team, "police"),
        person=subject,
        kind=ContactKind.CASE_NOTE,
        occurred_at=timezone.now(),
        summary="Intelligence",
        sensitivity=Sensitivity.OWN_AGENCY,
    )
    assert list(selectors.chronology(actor(team, "police"), subject)) == [kept]
    assert list(selectors.chronology(actor(team), subject)) == []
    with pytest.raises(Exception, match="No such record"):
        selectors.contact_for_actor(actor(team), kept.pk)
    assert AccessLogEntry.objects.filter(
        action="denied", summary=f"Refused access to contact {kept.pk}"
    ).exists()


def test_a_contact_must_have_happened_and_say_what(team, subject):
    with pytest.raises(SupervisionError, match="in the past"):
        services.record_contact(
            actor=actor(team),
            person=subject,
            kind=ContactKind.PHONE,
            occurred_at=timezone.now() + timedelta(days=1),
            summary="Phoned",
        )
    with pytest.raises(SupervisionError, match="what happened"):
        services.record_contact(
            actor=actor(team), person=subject, kind=ContactKind.PHONE, occurred_at=timezone.now(), summary=" "
        )


# --- appointments ----------------------------------------------------------------------------------------


def test_an_appointment_is_booked_and_its_failure_to_attend_writes_the_chronology(partnership, team, subject):
    appointment = book(team, subject)
    assert appointment.status == AppointmentStatus.BOOKED and appointment.agency == partnership.probation
    with pytest.raises(SupervisionError, match="not started"):
        services.record_appointment_outcome(
            actor=actor(team), appointment=appointment, outcome=AppointmentOutcome.FAILED_TO_ATTEND
        )
    past(appointment)
    assert list(selectors.outcomes_to_record(actor(team))) == [appointment]
    services.record_appointment_outcome(
        actor=actor(team),
        appointment=appointment,
        outcome=AppointmentOutcome.FAILED_TO_ATTEND,
        notes="No answer on the phone",
    )
    appointment.refresh_from_db()
    assert appointment.outcome == AppointmentOutcome.FAILED_TO_ATTEND and appointment.is_failure
    assert appointment.outcome_recorded_by == team["officer"]
    contact = Contact.objects.get(appointment=appointment)
    assert contact.kind == ContactKind.OFFICE_APPOINTMENT and contact.outcome == "Failed to attend"
    assert contact.occurred_at == appointment.starts_at
    assert list(selectors.outcomes_to_record(actor(team))) == []
    with pytest.raises(SupervisionError, match="already failed to attend"):
        services.record_appointment_outcome(
            actor=actor(team), appointment=appointment, outcome=AppointmentOutcome.ATTENDED_COMPLIED
        )


def test_rearranging_books_a_new_time_and_records_the_old_as_rescheduled(team, subject):
    first = book(team, subject)
    later = first.starts_at + timedelta(days=2)
    moved = services.rearrange_appointment(
        actor=actor(team),
        appointment=first,
        starts_at=later,
        ends_at=later + timedelta(minutes=45),
        reason="Job interview",
    )
    first.refresh_from_db()
    assert first.status == AppointmentStatus.REARRANGED and first.outcome == AppointmentOutcome.RESCHEDULED
    assert moved.rearranged_from == first and moved.status == AppointmentStatus.BOOKED
    assert moved.location == first.location
    assert Contact.objects.get(appointment=first).outcome == "Rescheduled"
    with pytest.raises(SupervisionError, match="already rescheduled"):
        services.cancel_appointment(actor=actor(team), appointment=first, reason="x")


def test_cancelling_needs_a_reason_the_booking_agency_and_the_version_read(team, subject):
    appointment = book(team, subject)
    with pytest.raises(SupervisionError, match="Only Kent Probation"):
        services.cancel_appointment(actor=actor(team, "police"), appointment=appointment, reason="Ill")
    with pytest.raises(SupervisionError, match="why"):
        services.cancel_appointment(actor=actor(team), appointment=appointment, reason="")
    with pytest.raises(StaleEdit):
        services.cancel_appointment(actor=actor(team), appointment=appointment, reason="Ill", version=7)
    services.cancel_appointment(actor=actor(team), appointment=appointment, reason="Office closed")
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.CANCELLED
    assert not Contact.objects.exists()


def test_booking_checks_times_and_the_practitioner(team, subject):
    with pytest.raises(SupervisionError, match="end after"):
        book(team, subject, ends_at=timezone.now())
    with pytest.raises(SupervisionError, match="time to come"):
        book(team, subject, hours=-3)
    with pytest.raises(SupervisionError, match="does not work for"):
        book(team, subject, practitioner=team["police"])


def test_a_diary_shows_a_day_or_a_week(team, subject):
    today_one = book(team, subject, hours=0.5)
    next_week = book(team, subject, hours=24 * 8)
    day = timezone.localdate(today_one.starts_at)
    assert selectors.diary(actor(team), team["officer"], start=day) == [today_one]
    assert selectors.diary(actor(team), team["officer"], start=day, days=7) == [today_one]
    assert next_week in selectors.diary(actor(team), team["officer"], start=day, days=14)
    assert selectors.diary(actor(team), team["colleague"], start=day) == []


# --- the probation reset --------------------------------------------------------------------------------


@pytest.fixture
def licence(subject):
    return builders.custody(
        subject,
        sentence_date=TODAY - timedelta(days=400),
        length_days=730,
        release=TODAY - timedelta(days=35),
        actual=True,
    )


def test_while_supervision_contact_is_suspended_booking_needs_a_reason(team, subject, licence):
    due = past(book(team, subject), hours=30)  # booked before the suspension, expected no more
    suspension = services.suspend_supervision(
        actor=actor(team),
        person=subject,
        sentence=licence,
        starts_on=TODAY - timedelta(days=3),
        reason="Probation reset: low risk, stable",
    )
    assert selectors.suspension_on(subject, TODAY) == suspension
    assert list(selectors.outcomes_to_record(actor(team))) == []
    with pytest.raises(SupervisionError, match="suspended"):
        book(team, subject)
    needed = book(team, subject, suspension_reason="Enforcement interview about a missed curfew")
    assert needed.suspension_reason
    past(needed, hours=2)
    assert list(selectors.outcomes_to_record(actor(team))) == [needed]
    # Everything else goes on: contacts are still recorded and outcomes still recorded.
    services.record_appointment_outcome(
        actor=actor(team), appointment=due, outcome=AppointmentOutcome.ATTENDED_COMPLIED
    )
    services.resume_supervision(actor=actor(team), suspension=suspension)
    suspension.refresh_from_db()
    assert suspension.ends_on == TODAY - timedelta(days=1)
    assert selectors.suspension_on(subject, TODAY) is None
    book(team, subject)


def test_only_probation_suspends_on_a_licence_and_not_twice(team, subject, licence, partnership):
    with pytest.raises(SupervisionError, match="Only probation"):
        services.suspend_supervision(
            actor=actor(team, "police"), person=subject, sentence=licence, starts_on=TODAY, reason="x"
        )
    assert AccessLogEntry.objects.filter(action="denied", person_id=subject.pk).exists()
    order = builders.community_order(subject, start=TODAY - timedelta(days=10))
    with pytest.raises(SupervisionError, match="custodial"):
        services.suspend_supervision(
            actor=actor(team), person=subject, sentence=order, starts_on=TODAY, reason="x"
        )
    with pytest.raises(SupervisionError, match="licence starts on release"):
        services.suspend_supervision(
            actor=actor(team),
            person=subject,
            sentence=licence,
            starts_on=TODAY - timedelta(days=60),
            reason="x",
        )
    services.suspend_supervision(
        actor=actor(team), person=subject, sentence=licence, starts_on=TODAY, reason="x"
    )
    with pytest.raises(SupervisionError, match="already suspended"):
        services.suspend_supervision(
            actor=actor(team),
            person=subject,
            sentence=licence,
            starts_on=TODAY + timedelta(days=5),
            reason="y",
        )


# --- the diary feed token -------------------------------------------------------------------------------


def test_a_feed_token_is_kept_hashed_and_reissuing_revokes_the_old(team):
    first = services.issue_feed_token(actor=actor(team))
    assert selectors.feed_owner(first) == team["officer"]
    assert not selectors.DiaryFeedToken.objects.filter(token_hash=first).exists()
    second = services.issue_feed_token(actor=actor(team))
    assert selectors.feed_owner(first) is None and selectors.feed_owner(second) == team["officer"]
    assert services.revoke_feed_token(actor=actor(team)) == 1
    assert selectors.feed_owner(second) is None


# --- the database's own rules ---------------------------------------------------------------------------


@pytest.mark.postgres
def test_the_database_refuses_impossible_appointments_and_suspensions(team, subject, licence, partnership):
    start = timezone.now()
    rows = {
        "appointment_ends_after_start": lambda: Appointment.objects.create(
            person=subject,
            practitioner=team["officer"],
            agency=partnership.probation,
            starts_at=start,
            ends_at=start,
        ),
        "appointment_change_has_reason": lambda: Appointment.objects.create(
            person=subject,
            practitioner=team["officer"],
            agency=partnership.probation,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            status=AppointmentStatus.CANCELLED,
        ),
        "suspension_dates_in_order": lambda: selectors.SupervisionSuspension.objects.create(
            person=subject, sentence=licence, starts_on=TODAY, ends_on=TODAY - timedelta(days=1), reason="x"
        ),
    }
    for constraint, create in rows.items():
        with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
            create()
