"""Families follow the linked records: a linking run that changes who is who queues a refresh."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_tasks import task

from desist.audit.context import system_actor
from desist.audit.models import Channel


@task()
def refresh_families_task() -> dict[str, int]:
    """Work out households, families, overlap flags and the Troubled Families criteria again."""
    from desist.families.services import families_refresh

    result = families_refresh(actor=system_actor(channel=Channel.TASK))
    return {"families": result.families, "people": result.people}


def families_refresh_later() -> None:
    """Queue a whole-partnership families refresh once this transaction commits, unless one is waiting.

    The refresh is one pass over the partnership (seconds for a county), so one waiting run covers
    any number of changes made before it starts."""

    def enqueue() -> None:
        if "django_tasks_db" in settings.TASKS["default"]["BACKEND"]:
            from django_tasks.base import TaskResultStatus
            from django_tasks_db.models import DBTaskResult

            if DBTaskResult.objects.filter(
                task_path=refresh_families_task.module_path, status=TaskResultStatus.READY
            ).exists():
                return
        refresh_families_task.enqueue()

    transaction.on_commit(enqueue)
