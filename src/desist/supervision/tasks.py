"""Background work for supervision: appointment reminders (run every hour or so; safe to repeat)."""

from __future__ import annotations

from django_tasks import task

from desist.audit.context import system_actor
from desist.audit.models import Channel
from desist.supervision.reminders import send_due_reminders


@task()
def send_appointment_reminders() -> int:
    """Remind people of appointments starting in the next DESIST_REMINDER_HOURS hours, once each."""
    return send_due_reminders(actor=system_actor(channel=Channel.TASK))
