"""`manage.py notify_victims [--on YYYY-MM-DD]`: the daily victim notification pass in the foreground."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from desist.audit.context import system_actor
from desist.victims.services import notifications_raise


class Command(BaseCommand):
    help = "Raise the victim notifications owed and not yet raised (the daily pass)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--on", help="The day to run as (YYYY-MM-DD); today by default.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = date.fromisoformat(options["on"]) if options["on"] else None
        except ValueError as error:
            raise CommandError(f"--on takes a date as YYYY-MM-DD: {error}") from error
        created = notifications_raise(actor=system_actor(), on=on)
        self.stdout.write(f"Raised {created} victim notification{'s' if created != 1 else ''}.")
