"""Background work for releases: the daily pass (start plans for releases due, raise escalations) and the
immediate escalation of a short-notice release. The work itself is in `desist.release.planning` and
`desist.release.escalation`; the services queue through here (services -> tasks -> escalation, never back)."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from desist.audit.context import system_actor
from desist.audit.models import Channel
from desist.release.escalation import escalations_raise
from desist.release.planning import release_plans_start_due


@task()
def escalate_releases() -> dict[str, int]:
    """Start a plan for every release due in the horizon, then raise the escalations that are due today."""
    actor = system_actor(channel=Channel.TASK)
    return {
        "plans_started": release_plans_start_due(actor=actor),
        "escalations": escalations_raise(actor=actor),
    }


@task()
def escalate_plan(plan_id: int) -> int:
    """Raise at once what one plan needs (a short-notice release)."""
    return escalations_raise(actor=system_actor(channel=Channel.TASK), plan_ids=[plan_id])


def escalate_plan_later(plan_id: int) -> None:
    """Queue the plan's escalations once this transaction commits (so the task sees the new date)."""
    transaction.on_commit(lambda: escalate_plan.enqueue(plan_id))
