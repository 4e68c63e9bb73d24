import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Q

from desist.assessments.services import risk_recalculate
from desist.audit.context import system_actor
from desist.people.models import Person


class Command(BaseCommand):
    help = "Recalculate OGRS3, OGP, OVP, RSR and RoSH bands and the tier for everyone with a record to score."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=2000, help="people per transaction")

    def handle(self, *args: Any, batch: int, **options: Any) -> None:
        started = time.perf_counter()
        ids = Person.objects.filter(
            Q(offences__isnull=False) | Q(assessments__isnull=False) | Q(sentences__isnull=False)
        ).distinct().values_list("pk", flat=True)
        result = risk_recalculate(actor=system_actor(), person_ids=ids, batch_size=batch)
        self.stdout.write(f"Recalculated {result.people:,} people in {time.perf_counter() - started:.1f} s: "
                          f"{result.changed:,} scores changed, {result.unchanged:,} unchanged.")
