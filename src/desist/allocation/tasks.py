"""Background work for allocation: the nightly recompute of every practitioner's workload, and the recompute
of a person's probation case holders when their record changes (a new tier, a sentence that changes the case
type), delayed and queued once per person however many changes come together (docs/allocation.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from desist.allocation.recompute import workloads_recompute
from desist.audit.context import system_actor
from desist.audit.models import Channel
from desist.partnership.models import AgencyKind
from desist.people.models import Involvement
from desist.people.signals import record_changed

# A person's record change waits this long before their holders are recomputed: the risk refresh it also
# queues writes the new tier first, and more changes to the record in the meantime join the same recompute.
DEBOUNCE_SECONDS = 120


@task()
def recompute_workloads() -> int:
    """Recompute every practitioner's workload (one set-based pass). Run nightly: reductions start and end,
    weighted work leaves its window and tiers change without anyone allocating."""
    return workloads_recompute(actor=system_actor(channel=Channel.TASK))


@task()
def recompute_person_holders(person_id: int) -> int:
    """Recompute the workload of whoever holds this person's open probation cases."""
    holders = sorted(
        set(
            Involvement.objects.filter(
                person_id=person_id,
                agency__kind=AgencyKind.PROBATION,
                end_date__isnull=True,
                lead_worker__isnull=False,
            ).values_list("lead_worker_id", flat=True)
        )
    )
    if not holders:
        return 0
    return workloads_recompute(actor=system_actor(channel=Channel.TASK), user_ids=holders)


def _waiting(person_id: int) -> bool:
    """Whether a recompute for this person is queued and not yet started (the database backend only)."""
    try:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend
        return False
    return any(
        row.get("args") == [person_id]
        for row in DBTaskResult.objects.filter(
            task_path=recompute_person_holders.module_path, status=TaskResultStatus.READY
        ).values_list("args_kwargs", flat=True)
    )


def recompute_person_holders_now(person_id: int) -> bool:
    """Queue the recompute of this person's holders, delayed by `DEBOUNCE_SECONDS` where the backend can
    defer, unless one is already waiting. Returns whether it queued one."""
    if _waiting(person_id):
        return False
    chosen = recompute_person_holders
    if chosen.get_backend().supports_defer:
        chosen = chosen.using(run_after=timezone.now() + timedelta(seconds=DEBOUNCE_SECONDS))
    chosen.enqueue(person_id)
    return True


@receiver(record_changed, dispatch_uid="desist.allocation.tasks.recompute_person_holders")
def _record_changed(sender: Any, *, person_id: int, **kwargs: Any) -> None:
    """Once the writing transaction commits, queue the recompute of the person's case holders."""
    transaction.on_commit(lambda: recompute_person_holders_now(person_id))
