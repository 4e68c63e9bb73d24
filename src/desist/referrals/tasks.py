"""Background work for referrals: the daily flag on referrals not acknowledged in the response time."""

from __future__ import annotations

from django_tasks import task

from desist.audit.context import system_actor
from desist.audit.models import Channel


@task()
def flag_overdue_referrals() -> int:
    """Flag referrals not acknowledged within their service's response time (safe to run more than once)."""
    from desist.referrals.services import referrals_flag_overdue

    return referrals_flag_overdue(actor=system_actor(channel=Channel.TASK))
