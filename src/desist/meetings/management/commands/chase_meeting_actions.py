"""Daily: queue the task that chases the owners of overdue meeting actions (or chase them now, --now)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from desist.audit.context import system_actor
from desist.meetings.chasing import chase_overdue_actions
from desist.meetings.tasks import chase_meeting_actions


class Command(BaseCommand):
    help = "Chase the owners of open meeting actions past their due date (safe to repeat)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Chase here rather than through the worker.")
        parser.add_argument("--on", type=date.fromisoformat, help="The day to chase as of (YYYY-MM-DD).")

    def handle(self, *args: Any, now: bool = False, on: date | None = None, **options: Any) -> None:
        if now or on is not None:
            chased = chase_overdue_actions(actor=system_actor(), on=on)
            self.stdout.write(f"Chased {chased} overdue meeting actions.")
            return
        result = chase_meeting_actions.enqueue()
        self.stdout.write(f"Queued the chase of overdue meeting actions (task {result.id}).")
