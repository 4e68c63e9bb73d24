"""Reads about victim contact. Only the victim liaison role sees victims and notifications, and only about people
the one access rule lets them see (people.selectors.visible_people)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from desist.audit.context import Actor
from desist.people.selectors import visible_people
from desist.victims.models import NotificationStatus, Victim, VictimLink, VictimNotification
from desist.victims.services import is_victim_liaison


def victims_visible(actor: Actor) -> QuerySet[Victim]:
    """Victims the actor may see: the victim liaison role only, linked to someone they may see (or theirs)."""
    if not is_victim_liaison(actor):
        return Victim.objects.none()
    linked = VictimLink.objects.filter(victim=OuterRef("pk"), offence__person__in=visible_people(actor))
    return Victim.objects.filter(Exists(linked) | Q(liaison_officer_id=actor.user_id))


def notifications_visible(actor: Actor) -> QuerySet[VictimNotification]:
    """Notifications the actor may see: the victim liaison role only, about people they may see."""
    if not is_victim_liaison(actor):
        return VictimNotification.objects.none()
    return VictimNotification.objects.filter(person__in=visible_people(actor))


def notifications_outstanding(actor: Actor, *, mine: bool = False) -> QuerySet[VictimNotification]:
    """Outstanding notifications, soonest deadline first; `mine`: only the actor's own victims."""
    rows = notifications_visible(actor).filter(status=NotificationStatus.OUTSTANDING)
    if mine:
        rows = rows.filter(liaison_officer_id=actor.user_id)
    return rows.select_related("victim", "person", "liaison_officer").order_by("deadline", "event_date", "id")


def notification_counts(actor: Actor, *, on: date) -> dict[str, int]:
    """Outstanding, overdue (deadline passed) and due today, in one query."""
    return notifications_visible(actor).filter(status=NotificationStatus.OUTSTANDING).aggregate(
        outstanding=Count("id"), overdue=Count("id", filter=Q(deadline__lt=on)),
        due_today=Count("id", filter=Q(deadline=on)), domestic_abuse=Count("id", filter=Q(domestic_abuse=True)))


def notification_detail(actor: Actor, notification_id: int) -> VictimNotification | None:
    """One notification with its victim and person, or None where the actor may not see it."""
    return (notifications_visible(actor).filter(pk=notification_id)
            .select_related("victim", "person", "sentence", "liaison_officer", "completed_by").first())
