"""Hourly: queue the task that reminds people of appointments starting soon (or run it now, --now)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from desist.audit.context import system_actor
from desist.supervision.reminders import send_due_reminders
from desist.supervision.tasks import send_appointment_reminders


class Command(BaseCommand):
    help = "Remind people of appointments starting in the next DESIST_REMINDER_HOURS hours (safe to repeat)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Send them here rather than through the worker."
        )

    def handle(self, *args: Any, now: bool = False, **options: Any) -> None:
        if now:
            sent = send_due_reminders(actor=system_actor())
            self.stdout.write(f"Sent {sent} appointment reminders.")
            return
        result = send_appointment_reminders.enqueue()
        self.stdout.write(f"Queued the appointment reminders (task {result.id}).")
