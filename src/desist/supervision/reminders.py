"""Appointment reminders: each live appointment starting within DESIST_REMINDER_HOURS gets one reminder
through the notification backend. Below the services (the task calls this; nothing here imports the
services or the tasks), and safe to run as often as wanted: an appointment is claimed, by one conditional
UPDATE, before its reminder goes."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.supervision.models import Appointment, AppointmentStatus
from desist.supervision.notify import NotificationBackend, notification_backend


def reminder_text(appointment: Appointment) -> str:
    """The reminder, saying no more than the person needs: when, where, and who with."""
    start = timezone.localtime(appointment.starts_at)
    where = f" at {appointment.location}" if appointment.location else ""
    kind = appointment.get_kind_display().lower()
    return (
        f"Reminder: you have an appointment ({kind}) with {appointment.agency.name} on "
        f"{start:%A %-d %B} at {start:%H:%M}{where}. If you cannot attend, contact your officer before then."
    )


def send_due_reminders(
    *, actor: Actor, now: datetime | None = None, backend: NotificationBackend | None = None
) -> int:
    """Send a reminder for every live appointment starting in the next DESIST_REMINDER_HOURS hours that has
    not had one. Returns how many were sent. A failed send is released, to be tried on the next run."""
    now = now or timezone.now()
    backend = backend or notification_backend()
    due = list(
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED,
            reminder_sent_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(hours=settings.DESIST_REMINDER_HOURS),
        )
        .select_related("person", "agency")
        .order_by("starts_at", "id")
    )
    sent = 0
    for appointment in due:
        claimed = Appointment.objects.filter(pk=appointment.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        )
        if not claimed:
            continue  # another run took it
        to = backend.address_for(appointment.person)
        if not to:
            # Nowhere to send it: claimed all the same, so it is not looked at again.
            log_access(
                actor=actor,
                action=Action.CONSULTATION,
                person_id=appointment.person_id,
                obj=appointment,
                summary=f"No appointment reminder sent: no {backend.channel} address",
            )
            continue
        try:
            backend.send(to, reminder_text(appointment))
        except Exception:
            Appointment.objects.filter(pk=appointment.pk).update(reminder_sent_at=None)
            raise
        with transaction.atomic():
            log_access(
                actor=actor,
                action=Action.DISCLOSURE,
                person_id=appointment.person_id,
                obj=appointment,
                summary=f"Sent an appointment reminder ({backend.channel})",
                recipient=f"The person, by {backend.channel}",
            )
        sent += 1
    return sent
