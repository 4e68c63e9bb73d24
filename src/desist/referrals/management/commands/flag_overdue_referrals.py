"""Daily: flag referrals not acknowledged within their service's response time."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from desist.audit.context import system_actor
from desist.referrals.services import referrals_flag_overdue


class Command(BaseCommand):
    help = "Flag referrals not acknowledged within their service's response time (safe to repeat)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--on", type=date.fromisoformat, default=None, help="As if today were YYYY-MM-DD."
        )

    def handle(self, *args: Any, on: date | None = None, **options: Any) -> None:
        flagged = referrals_flag_overdue(actor=system_actor(), on=on)
        self.stdout.write(f"Flagged {flagged} referrals not acknowledged in time.")
