"""When a person's record changes, everything derived from it follows, in the background."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from desist.audit.context import system_actor
from desist.audit.models import Channel


@task()
def refresh_person_derived(person_id: int) -> dict[str, int]:
    """Recalculate one person's risk scores, then priority groups, then IOM candidacy.

    One task, in this order, because the IOM score reads the OGRS3 the risk step has just written: as
    separate tasks a second worker could score the candidacy from the old figure.
    """
    from desist.assessments.services import risk_recalculate
    from desist.iom.services import candidacy_refresh
    from desist.priority.services import priority_groups_refresh

    actor = system_actor(channel=Channel.TASK)
    return {
        "risk_scores_changed": risk_recalculate(actor=actor, person_ids=[person_id]).changed,
        "priority_groups_changed": priority_groups_refresh(actor=actor, person_ids=[person_id]),
        "candidacies_changed": candidacy_refresh(actor=actor, person_ids=[person_id]),
    }


def derived_refresh_later(person_id: int) -> None:
    """Queue the refresh of everything derived from this person's record once this transaction commits
    (so the task sees the change)."""
    transaction.on_commit(lambda: refresh_person_derived.enqueue(person_id))
