"""Chasing overdue actions: each open action past its due date is chased through the notification backend, at
most once every DESIST_MEETING_CHASE_EVERY_DAYS days. Below the services (the task calls this; nothing here
imports the services or the tasks), and safe to run as often as wanted: an action is claimed by one
conditional UPDATE before its chase goes, so two runs on one day send one message."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.meetings.models import ActionStatus, MeetingAction
from desist.supervision.notify import NotificationBackend, notification_backend


def chase_text(action: MeetingAction, on: date) -> str:
    """The chase: which meeting's action, due when, and where to update it; no person's details."""
    late = (on - action.due_on).days
    return (
        f"An action for {action.owner_agency.name} from {action.meeting.series.name} "
        f"({timezone.localtime(action.meeting.starts_at):%d %b %Y}) was due on {action.due_on:%d %b %Y}, "
        f"{late} day{'s' if late != 1 else ''} ago, and is still open. Please update it in desist (action "
        f"{action.pk})."
    )


def chase_overdue_actions(
    *, actor: Actor, on: date | None = None, backend: NotificationBackend | None = None
) -> int:
    """Chase every open action overdue on `on` not chased in the last DESIST_MEETING_CHASE_EVERY_DAYS days.
    Returns how many were chased. A failed send is released, to be tried on the next run."""
    on = on or timezone.localdate()
    backend = backend or notification_backend()
    since = on - timedelta(days=settings.DESIST_MEETING_CHASE_EVERY_DAYS)
    not_lately = Q(chased_on__isnull=True) | Q(chased_on__lte=since)
    due = list(
        MeetingAction.objects.filter(not_lately, status=ActionStatus.OPEN, due_on__lt=on)
        .select_related("owner_agency", "owner_user", "meeting__series")
        .order_by("due_on", "id")
    )
    chased = 0
    for action in due:
        before = action.chased_on
        claimed = MeetingAction.objects.filter(not_lately, pk=action.pk).update(chased_on=on)
        if not claimed:
            continue  # another run took it
        user = action.owner_user
        to = (user.email or user.get_username()) if user else f"{action.owner_agency.name} (coordinators)"
        try:
            backend.send(to, chase_text(action, on))
        except Exception:
            MeetingAction.objects.filter(pk=action.pk).update(chased_on=before)
            raise
        with transaction.atomic():
            log_access(
                actor=actor,
                action=Action.DISCLOSURE,
                person_id=action.person_id,
                obj=action,
                summary=f"Chased overdue action {action.pk} ({backend.channel})",
                recipient=to,
            )
        chased += 1
    return chased
