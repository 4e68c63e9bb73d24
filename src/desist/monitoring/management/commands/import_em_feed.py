"""Import an electronic monitoring supplier's event feed from a file (CSV or JSON): all or nothing, each event
once. The command for feeds too large for the upload page, and what a supplier's scheduled drop calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desist.audit.context import system_actor
from desist.monitoring.services import MonitoringError, import_feed


class Command(BaseCommand):
    help = "Import a monitoring supplier's event feed (CSV or JSON); nothing is imported if any row is wrong."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The feed file.")
        parser.add_argument("--supplier", required=True, help="The supplier, as its orders name it.")

    def handle(self, *args: Any, file: Path, supplier: str, **options: Any) -> None:
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        try:
            feed = import_feed(actor=system_actor(), supplier=supplier, content=content, file_name=file.name)
        except MonitoringError as error:
            raise CommandError(str(error)) from error
        if feed.status != "imported":
            for problem in feed.errors[:50]:
                where = f"row {problem['row']}" if problem["row"] else "the file"
                column = f" ({problem['column']})" if problem["column"] else ""
                self.stderr.write(f"{where}{column}: {problem['problem']}")
            raise CommandError(f"Nothing imported: {feed.error_count} problems (feed import {feed.pk}).")
        self.stdout.write(
            f"Imported {feed.events_added} new events ({feed.events_already_held} already held, "
            f"{feed.duplicates_in_file} repeated in the file), {feed.alerts_raised} alerts, "
            f"in {feed.seconds:.1f} s."
        )
