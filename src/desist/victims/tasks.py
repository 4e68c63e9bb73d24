"""Background work for victim contact: the daily pass that raises any notification a trigger missed."""

from __future__ import annotations

from django_tasks import task

from desist.audit.context import system_actor
from desist.audit.models import Channel


@task()
def notify_victims() -> int:
    """Raise every victim notification owed and not yet raised (a release date changed outside desist's
    release page, a victim linked or opted in late). Run daily."""
    from desist.victims.services import notifications_raise

    return notifications_raise(actor=system_actor(channel=Channel.TASK))
