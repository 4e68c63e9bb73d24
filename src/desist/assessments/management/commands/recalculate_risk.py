import multiprocessing
import os
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, connections
from django.db.models import Q

from desist.assessments.services import RecalculationResult, risk_recalculate
from desist.audit.context import system_actor
from desist.people.models import Person


def _recalculate_share(job: tuple[list[int], int]) -> tuple[int, int, int]:
    """Run in a worker process: its own database connection, its own share of the people."""
    person_ids, batch = job
    connections.close_all()
    result = risk_recalculate(actor=system_actor(), person_ids=person_ids, batch_size=batch)
    connections.close_all()
    return result.people, result.changed, result.unchanged


class Command(BaseCommand):
    help = "Recalculate OGRS3, OGP, OVP, RSR and RoSH bands and the tier for everyone with a record to score."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=2000, help="people per transaction")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes to share the work (default: one per CPU on PostgreSQL, 1 on SQLite)",
        )

    def handle(self, *args: Any, batch: int, workers: int | None, **options: Any) -> None:
        started = time.perf_counter()
        ids = list(
            Person.objects.filter(
                Q(offences__isnull=False) | Q(assessments__isnull=False) | Q(sentences__isnull=False)
            )
            .distinct()
            .order_by()
            .values_list("pk", flat=True)
        )
        if workers is None:
            workers = (os.cpu_count() or 1) if connection.vendor == "postgresql" else 1
        if len(ids) < 2 * batch:
            workers = 1  # too little work to be worth forking
        if workers <= 1:
            result = risk_recalculate(actor=system_actor(), person_ids=ids, batch_size=batch)
        else:
            # Forked workers must not share the parent's connection.
            connections.close_all()
            # Contiguous shares, so each worker's batches read narrow id ranges.
            ids.sort()
            size = -(-len(ids) // workers)
            shares = [(ids[n * size : (n + 1) * size], batch) for n in range(workers)]
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_recalculate_share, shares)
            result = RecalculationResult(
                people=sum(p[0] for p in parts),
                changed=sum(p[1] for p in parts),
                unchanged=sum(p[2] for p in parts),
            )
        self.stdout.write(
            f"Recalculated {result.people:,} people in {time.perf_counter() - started:.1f} s "
            f"with {max(workers, 1)} worker{'s' if workers > 1 else ''}: "
            f"{result.changed:,} scores changed, {result.unchanged:,} unchanged."
        )
