"""Background work: priority groups follow the record."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from desist.audit.context import system_actor
from desist.audit.models import Channel


@task()
def refresh_person_priority_groups(person_id: int) -> int:
    from desist.priority.services import priority_groups_refresh

    return priority_groups_refresh(actor=system_actor(channel=Channel.TASK), person_ids=[person_id])


def priority_groups_refresh_later(person_id: int) -> None:
    transaction.on_commit(lambda: refresh_person_priority_groups.enqueue(person_id))
