"""A probation officer opens a person's chronology from their record, books an office appointment, and once
its time has passed records that the person failed to attend; the outcome is in the chronology and the diary
no longer asks for it (issue 14, items 1 and 2); then the enforcement that follows a missed appointment: the
warning and its letter, and the second failure that must be referred (item 4)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from desist.supervision.models import Appointment, AppointmentOutcome
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_book_an_appointment_and_record_a_failure_to_attend(page: Page, live_server, partnership):
    officer = partnership.user("ruth.responsible", partnership.probation)
    person = builders.person(
        first_name="Dean", last_name="Needham", involved=[(partnership.probation, officer)]
    )
    login(page, live_server, "ruth.responsible", PASSWORD)
    page.goto(f"/people/{person.pk}/")
    page.get_by_role("link", name="Chronology and appointments").click()
    expect(page.get_by_role("heading", name="Chronology and appointments")).to_be_visible()
    assert_accessible(page, context="a person's chronology")

    page.get_by_role("link", name="Book an appointment").click()
    tomorrow = TODAY + timedelta(days=1)
    page.get_by_label("Kind of appointment").select_option(label="Office appointment")
    page.get_by_label("With").select_option(label="Ruth.Responsible Worker")
    page.get_by_label("Date").fill(tomorrow.isoformat())
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("10:30")
    page.get_by_label("Where (optional)").fill("Chatham probation office")
    assert_accessible(page, context="booking an appointment")
    page.get_by_role("button", name="Book the appointment").click()
    expect(
        page.get_by_text(f"Appointment booked for {tomorrow.day} {tomorrow:%B %Y} at 10:00")
    ).to_be_visible()
    expect(page.get_by_text("Its outcome can be recorded once it has started.")).to_be_visible()

    # The day comes and goes.
    appointment = Appointment.objects.get()
    start = timezone.now() - timedelta(hours=3)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=start, ends_at=start + timedelta(minutes=30)
    )

    page.goto("/diary/")
    expect(page.get_by_role("heading", name="Outcomes to record")).to_be_visible()
    assert_accessible(page, context="the diary")
    page.locator("#outcomes ~ ul").get_by_role("link", name="Dean Needham", exact=False).click()
    expect(page.get_by_role("heading", name="Record the outcome")).to_be_visible()
    page.get_by_label("Failed to attend").check()
    page.get_by_label("Notes (optional)").fill("No answer at the door or by phone")
    assert_accessible(page, context="recording an appointment's outcome")
    page.get_by_role("button", name="Record the outcome").click()

    expect(page.get_by_text("Outcome recorded: failed to attend.")).to_be_visible()
    expect(page.get_by_role("link", name="Office appointment: failed to attend")).to_be_visible()
    assert Appointment.objects.get().outcome == AppointmentOutcome.FAILED_TO_ATTEND
    page.goto("/diary/")
    expect(page.get_by_text("None: every appointment that has happened has its outcome.")).to_be_visible()


def test_record_a_contact_and_suspend_supervision_contact(page: Page, live_server, partnership):
    officer = partnership.user("ruth.responsible", partnership.probation)
    person = builders.person(
        first_name="Lee", last_name="Licence", involved=[(partnership.probation, officer)]
    )
    builders.custody(
        person,
        sentence_date=TODAY - timedelta(days=400),
        length_days=730,
        release=TODAY - timedelta(days=20),
        actual=True,
    )
    login(page, live_server, "ruth.responsible", PASSWORD)
    page.goto(f"/people/{person.pk}/chronology/")
    page.get_by_role("link", name="Record a contact").click()
    page.get_by_label("Kind of contact").select_option(label="Multi-agency contact")
    page.get_by_label("What happened, in a line").fill("Housing and probation met about a move")
    page.get_by_label("Own agency only").check()
    assert_accessible(page, context="recording a contact")
    page.get_by_role("button", name="Record the contact").click()
    expect(page.get_by_text("The contact is recorded in the chronology.")).to_be_visible()
    expect(page.get_by_text("Kent Probation only")).to_be_visible()

    page.get_by_role("link", name="Suspend supervision contact").click()
    page.get_by_label("Why supervision contact is suspended").fill("Probation reset: stable, low risk")
    assert_accessible(page, context="suspending supervision contact")
    page.get_by_role("button", name="Suspend supervision contact").click()
    expect(page.get_by_text("Supervision contact is suspended", exact=True)).to_be_visible()

    page.get_by_role("link", name="Book an appointment").click()
    page.get_by_role("button", name="Book the appointment").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_role("link", name="say why this appointment is still needed", exact=False)
    ).to_be_visible()
    assert_accessible(page, context="booking refused while supervision contact is suspended")

    page.goto(f"/people/{person.pk}/chronology/")
    page.get_by_role("link", name="Resume supervision contact").click()
    page.get_by_label("Resumes on").fill((TODAY + timedelta(days=1)).isoformat())
    assert_accessible(page, context="resuming supervision contact")
    page.get_by_role("button", name="Resume supervision contact").click()
    expect(page.get_by_text("Supervision contact resumes")).to_be_visible()


def test_warn_for_a_missed_appointment_then_a_second_failure_must_be_referred(
    page: Page, live_server, partnership
):
    """Issue 14's enforcement journey: a missed appointment becomes a failure to comply, judged unacceptable;
    the warning is given and its letter is a PDF; a second unacceptable failure within 12 months cannot be
    warned again (RULES.md §9, Sch 10 para 6): the page says why and only the referral is offered."""
    from desist.enforcement.models import EnforcementReferral, EnforcementWarning, Failure
    from desist.supervision import services as supervision

    officer = partnership.user("ruth.responsible", partnership.probation)
    person = builders.person(
        first_name="Dean", last_name="Needham", involved=[(partnership.probation, officer)]
    )
    builders.community_order(person, start=TODAY - timedelta(days=90), months=12)
    booked = timezone.now() + timedelta(days=1)
    missed = supervision.book_appointment(
        actor=builders.actor(officer),
        person=person,
        starts_at=booked,
        ends_at=booked + timedelta(minutes=30),
        practitioner=officer,
    )
    # Two days ago, and the person did not come.
    start = timezone.now() - timedelta(days=2)
    Appointment.objects.filter(pk=missed.pk).update(starts_at=start, ends_at=start + timedelta(minutes=30))
    missed.refresh_from_db()
    supervision.record_appointment_outcome(
        actor=builders.actor(officer), appointment=missed, outcome=AppointmentOutcome.FAILED_TO_ATTEND
    )

    login(page, live_server, "ruth.responsible", PASSWORD)
    page.goto(f"/people/{person.pk}/")
    page.get_by_role("link", name="Compliance and enforcement").click()
    page.get_by_text("Record a failure to comply").click()
    page.get_by_label("Missed appointment (optional)").select_option(index=1)
    page.get_by_label("Date of the failure").fill((TODAY - timedelta(days=2)).isoformat())
    page.get_by_label("What happened").fill("Did not attend the office appointment")
    page.get_by_role("button", name="Record the failure").click()
    expect(page.get_by_role("heading", name="Judge the failure")).to_be_visible()
    page.get_by_label("Unacceptable").check()
    page.get_by_label("Reason", exact=True).fill("No reason given when contacted")
    assert_accessible(page, context="judging a failure to comply")
    page.get_by_role("button", name="Record the judgement").click()
    page.get_by_role("button", name="Give a warning").click()
    expect(page.get_by_text("Warning given")).to_be_visible()
    letter = page.get_by_role("link", name="Warning letter (PDF)")
    response = page.request.get(letter.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # A second failure, since the warning.
    page.get_by_role("link", name="Back to compliance and enforcement").click()
    page.get_by_text("Record a failure to comply").click()
    page.get_by_label("Date of the failure").fill(TODAY.isoformat())
    page.get_by_label("What happened").fill("Turned up drunk and was sent home")
    page.get_by_role("button", name="Record the failure").click()
    page.get_by_label("Unacceptable").check()
    page.get_by_label("Reason", exact=True).fill("Second failure since the warning")
    page.get_by_role("button", name="Record the judgement").click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("within 12 months")
    expect(page.get_by_role("button", name="Give a warning")).to_have_count(0)
    assert_accessible(page, context="a second failure that must be referred")
    page.get_by_role("button", name="Refer for enforcement").click()
    expect(page.get_by_text("Referred for enforcement").first).to_be_visible()
    assert EnforcementWarning.objects.count() == 1
    second = Failure.objects.order_by("-id").first()
    assert EnforcementReferral.objects.get().failure_id == second.pk
