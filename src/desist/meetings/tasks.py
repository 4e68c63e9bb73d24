"""Background work for meetings: the daily chase of overdue actions (safe to repeat)."""

from __future__ import annotations

from django_tasks import task

from desist.audit.context import system_actor
from desist.audit.models import Channel
from desist.meetings.chasing import chase_overdue_actions


@task()
def chase_meeting_actions() -> int:
    """Chase the owners of actions past their due date, at most once every DESIST_MEETING_CHASE_EVERY_DAYS."""
    return chase_overdue_actions(actor=system_actor(channel=Channel.TASK))
