"""manage.py link_records [--full] [--train]: link the stored source records into people by hand.

Incremental by default (new records join existing people or make new ones); --full scores every pair
again; --train trains a new model version first. People keep their numbers either way."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desist.audit.context import system_actor
from desist.audit.models import Channel
from desist.linking import runs


class Command(BaseCommand):
    help = "Link the stored agency source records into people (incremental unless --full)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--full", action="store_true", help="Score every pair again, not only new records."
        )
        parser.add_argument("--train", action="store_true", help="Train a new model version first.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = runs.link_run(
                actor=system_actor(channel=Channel.CLI),
                incremental=not options["full"],
                train=options["train"],
                reason="manage.py link_records",
            )
        except runs.LinkingError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Linking run {run.pk} ({'incremental' if run.incremental else 'full'}, model "
            f"{run.model_version.version if run.model_version else 'none'}): {run.records:,} records, "
            f"{run.people_created:,} people created, {run.records_joined:,} records joined, "
            f"{run.people_merged:,} people merged, {run.records_split:,} records split, "
            f"{run.sent_to_review:,} pairs for review."
        )
