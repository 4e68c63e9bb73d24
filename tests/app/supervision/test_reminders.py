"""Appointment reminders (issue 14, item 2): through the configured notification backend, once per
appointment however often the task runs, tried again after a failed send, and by e-mail through Django's
mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from desist.audit.context import system_actor
from desist.audit.models import AccessLogEntry
from desist.people.models import Person
from desist.supervision import services
from desist.supervision.models import Appointment
from desist.supervision.notify import SmsBackend
from desist.supervision.reminders import send_due_reminders
from desist.supervision.tasks import send_appointment_reminders
from tests.app import builders

pytestmark = pytest.mark.django_db

TEAM = ("officer",)


class FakeSms(SmsBackend):
    """An SMS provider as a deployment would plug one in: a class with send(to, text)."""

    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[str, str]] = []
        self.fail = fail

    def send(self, to: str, text: str) -> None:
        if self.fail:
            raise ConnectionError("provider down")
        self.sent.append((to, text))


@pytest.fixture
def booked(partnership, team):
    subject = builders.person(last_name="Reminded", involved=[(partnership.probation, team["officer"])])
    Person.objects.filter(pk=subject.pk).update(phone="07700 900123", email="reminded@example.org")
    subject.refresh_from_db()

    def book(hours: float) -> Appointment:
        start = timezone.now() + timedelta(hours=hours)
        return services.book_appointment(
            actor=builders.actor(team["officer"]),
            person=subject,
            practitioner=team["officer"],
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            location="Chatham office",
        )

    return book


def test_a_reminder_goes_once_for_appointments_starting_soon(booked):
    soon, later = booked(3), booked(24 * 3)
    sms = FakeSms()
    assert send_due_reminders(actor=system_actor(), backend=sms) == 1
    assert send_due_reminders(actor=system_actor(), backend=sms) == 0  # idempotent
    [(to, text)] = sms.sent
    assert to == "07700 900123" and "Kent Probation" in text and "Chatham office" in text
    assert "Reminded" not in text  # says no more than the person needs
    assert Appointment.objects.get(pk=soon.pk).reminder_sent_at is not None
    assert Appointment.objects.get(pk=later.pk).reminder_sent_at is None
    assert AccessLogEntry.objects.filter(action="disclosure", object_id=str(soon.pk)).count() == 1


def test_a_failed_send_is_tried_again_and_a_cancelled_appointment_is_not_reminded(booked, team):
    first, cancelled = booked(2), booked(4)
    services.cancel_appointment(actor=builders.actor(team["officer"]), appointment=cancelled, reason="Ill")
    with pytest.raises(ConnectionError):
        send_due_reminders(actor=system_actor(), backend=FakeSms(fail=True))
    assert Appointment.objects.get(pk=first.pk).reminder_sent_at is None
    sms = FakeSms()
    assert send_due_reminders(actor=system_actor(), backend=sms) == 1 and len(sms.sent) == 1


def test_the_task_and_the_command_send_by_email_through_the_setting(booked, settings):
    settings.DESIST_NOTIFICATION_BACKEND = "desist.supervision.notify.EmailBackend"
    booked(5)
    assert send_appointment_reminders.call() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["reminded@example.org"]
    booked(6)
    call_command("send_appointment_reminders", "--now")
    assert len(mail.outbox) == 2
    assert send_appointment_reminders.call() == 0


def test_the_log_backend_is_the_default(booked, caplog):
    booked(1)
    with caplog.at_level("INFO", logger="desist.supervision.notify"):
        assert send_due_reminders(actor=system_actor()) == 1
    assert "Notification to 07700 900123" in caplog.text
