"""Daily: start plans for releases due in the coming weeks and raise the escalations due today."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from desist.audit.context import system_actor
from desist.release.services import escalations_raise, release_plans_start_due


class Command(BaseCommand):
    help = "Start release plans for releases due and escalate open tasks 12, 4 and 1 weeks before release."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--on", type=date.fromisoformat, default=None, help="As if today were YYYY-MM-DD."
        )

    def handle(self, *args: Any, on: date | None = None, **options: Any) -> None:
        actor = system_actor()
        started = release_plans_start_due(actor=actor, on=on)
        raised = escalations_raise(actor=actor, on=on)
        self.stdout.write(f"Started {started} release plans; raised {raised} escalations.")
