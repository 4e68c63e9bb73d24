"""`manage.py recompute_workloads [--now] [--on YYYY-MM-DD]`: recompute every practitioner's workload. Queues
the task for the worker; `--now` (or `--on`) does it here. Run nightly (docs/production.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desist.allocation.recompute import workloads_recompute
from desist.allocation.tasks import recompute_workloads
from desist.audit.context import system_actor


class Command(BaseCommand):
    help = (
        "Recompute every practitioner's workload as the HMPPS model does (the nightly pass; safe to repeat)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Recompute here rather than through the worker."
        )
        parser.add_argument("--on", help="The day to recompute as of (YYYY-MM-DD); today by default.")

    def handle(self, *args: Any, now: bool = False, on: str | None = None, **options: Any) -> None:
        try:
            day = date.fromisoformat(on) if on else None
        except ValueError as error:
            raise CommandError(f"--on takes a date as YYYY-MM-DD: {error}") from error
        if now or day is not None:
            written = workloads_recompute(actor=system_actor(), on=day)
            self.stdout.write(
                f"Recomputed the workload of {written} practitioner{'s' if written != 1 else ''}."
            )
            return
        result = recompute_workloads.enqueue()
        self.stdout.write(f"Queued the workload recompute (task {result.id}).")
