"""When a person's record changes, everything derived from it follows, in the background.

The apps below (people, offences, sentences, registers, assessments) only say that a record changed
(`desist.people.signals.record_changed`); IOM owns the order of the work, because the IOM score is the last
figure and reads the others (docs/decisions/0004-no-import-cycles.md)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django_tasks import task

from desist.assessments.services import risk_recalculate
from desist.audit.context import system_actor
from desist.audit.models import Channel
from desist.iom.services import candidacy_refresh
from desist.people.signals import record_changed
from desist.priority.services import priority_groups_refresh


@task()
def refresh_person_derived(person_id: int) -> dict[str, int]:
    """Recalculate one person's risk scores, then priority groups, then IOM candidacy.

    One task, in this order, because the IOM score reads the OGRS3 the risk step has just written: as
    separate tasks a second worker could score the candidacy from the old figure.
    """
    actor = system_actor(channel=Channel.TASK)
    return {
        "risk_scores_changed": risk_recalculate(actor=actor, person_ids=[person_id]).changed,
        "priority_groups_changed": priority_groups_refresh(actor=actor, person_ids=[person_id]),
        "candidacies_changed": candidacy_refresh(actor=actor, person_ids=[person_id]),
    }


@receiver(record_changed, dispatch_uid="desist.iom.tasks.refresh_person_derived")
def _record_changed(sender: Any, *, person_id: int, **kwargs: Any) -> None:
    """Queue the refresh of everything derived from this person's record once the writing transaction
    commits (so the task sees the change)."""
    transaction.on_commit(lambda: refresh_person_derived.enqueue(person_id))
