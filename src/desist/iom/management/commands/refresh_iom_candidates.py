import time
from typing import Any

from django.core.management.base import BaseCommand

from desist.audit.context import system_actor
from desist.iom.services import candidacy_refresh
from desist.people.models import Person
from desist.priority.services import people_to_group, priority_groups_refresh


class Command(BaseCommand):
    help = (
        "Score everyone with an offence for IOM, and refresh priority groups. Run daily: recency "
        "weights change as offences age."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        offenders = (
            Person.objects.filter(offences__isnull=False).distinct().order_by().values_list("pk", flat=True)
        )
        candidates = candidacy_refresh(actor=system_actor(), person_ids=offenders)
        periods = priority_groups_refresh(actor=system_actor(), person_ids=people_to_group())
        self.stdout.write(
            f"{candidates:,} IOM candidates and {periods:,} priority group periods "
            f"in {time.perf_counter() - started:.1f} s."
        )
