"""Background work for risk: scores follow the record without slowing the page that changed it."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from desist.audit.context import system_actor
from desist.audit.models import Channel


@task()
def recalculate_person_risk(person_id: int) -> int:
    """Recalculate one person's scores; returns how many changed."""
    from desist.assessments.services import risk_recalculate

    return risk_recalculate(actor=system_actor(channel=Channel.TASK), person_ids=[person_id]).changed


def risk_recalculate_later(person_id: int) -> None:
    """Queue a recalculation once the current transaction commits (so the task sees the change)."""
    transaction.on_commit(lambda: recalculate_person_risk.enqueue(person_id))
