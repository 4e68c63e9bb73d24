from typing import Any

from django.core.management.base import BaseCommand

from desist.audit.context import system_actor
from desist.families.services import families_refresh


class Command(BaseCommand):
    help = (
        "Work out households, families, where agencies overlap and the Troubled Families criteria for the "
        "whole partnership (docs/families.md). Run daily: windows move with the date."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = families_refresh(actor=system_actor())
        self.stdout.write(
            f"{result.families:,} families for {result.people:,} people in {result.seconds:.1f} s."
        )
