"""Reads about victim contact. Only the victim liaison role sees victims and notifications, and only about
people the one access rule lets them see (people.selectors.visible_people)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.offences.models import Offence
from desist.people.selectors import visible_people
from desist.victims.models import NotificationStatus, Victim, VictimLink, VictimNotification
from desist.victims.services import is_victim_liaison


def victims_visible(actor: Actor) -> QuerySet[Victim]:
    """Victims the actor may see: the victim liaison role only, linked to someone they may see (or theirs)."""
    if not is_victim_liaison(actor):
        return Victim.objects.none()
    # A plain (uncorrelated) semi-join: a correlated EXISTS around the access rule's own subqueries, OR-ed
    # with the officer test, led PostgreSQL to a nested loop that took minutes on a 1,000-person demo.
    linked = VictimLink.objects.filter(offence__person__in=visible_people(actor)).values("victim_id")
    return Victim.objects.filter(Q(pk__in=linked) | Q(liaison_officer_id=actor.user_id))


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
    return (
        notifications_visible(actor)
        .filter(status=NotificationStatus.OUTSTANDING)
        .aggregate(
            outstanding=Count("id"),
            overdue=Count("id", filter=Q(deadline__lt=on)),
            due_today=Count("id", filter=Q(deadline=on)),
            domestic_abuse=Count("id", filter=Q(domestic_abuse=True)),
        )
    )


def notification_detail(actor: Actor, notification_id: int) -> VictimNotification | None:
    """One notification with its victim and person, or None where the actor may not see it."""
    return (
        notifications_visible(actor)
        .filter(pk=notification_id)
        .select_related("victim", "person", "sentence", "liaison_officer", "completed_by")
        .first()
    )


def _links_prefetch(actor: Actor) -> Prefetch:
    # Only links to offences of people the actor may see: a victim of two people shows only the one in sight.
    return Prefetch(
        "links",
        to_attr="visible_links",
        queryset=VictimLink.objects.filter(offence__person__in=visible_people(actor)).select_related(
            "offence__person", "offence__offence_code"
        ),
    )


def victims_list(actor: Actor, *, reference: str = "") -> QuerySet[Victim]:
    """Victims the actor may see, by reference, each with the offences (and people) they are linked to as
    `visible_links` and their outstanding notifications counted as `outstanding`. A fixed number of
    queries."""
    rows = victims_visible(actor)
    if reference.strip():
        rows = rows.filter(reference__icontains=reference.strip())
    outstanding = Count(
        "notifications",
        filter=Q(
            notifications__status=NotificationStatus.OUTSTANDING,
            notifications__person__in=visible_people(actor),
        ),
    )
    return (
        rows.annotate(outstanding=outstanding).prefetch_related(_links_prefetch(actor)).order_by("reference")
    )


def victim_detail(actor: Actor, victim_id: int) -> Victim | None:
    """One victim with `visible_links`, or None where the actor may not see them."""
    return (
        victims_visible(actor)
        .filter(pk=victim_id)
        .select_related("liaison_officer")
        .prefetch_related(_links_prefetch(actor))
        .first()
    )


def victim_notifications(actor: Actor, victim: Victim) -> list[VictimNotification]:
    """The victim's notifications about people the actor may see: outstanding first, soonest deadline
    first."""
    return list(
        notifications_visible(actor)
        .filter(victim=victim)
        .select_related("person", "completed_by")
        .order_by("-status", "deadline", "id")
    )


def person_victim_links(actor: Actor, person_id: int) -> list[VictimLink]:
    """Victims linked to a person's offences, for the person record: empty for anyone but the victim liaison
    role, and for people they may not see."""
    if not is_victim_liaison(actor):
        return []
    return list(
        VictimLink.objects.filter(offence__person_id=person_id, offence__person__in=visible_people(actor))
        .select_related("victim", "offence__offence_code")
        .order_by("victim__reference", "offence_id")
    )


def person_offences(actor: Actor, person_id: int) -> list[Offence]:
    """A person's proven offences, most recent first, where the actor may see the person (else empty)."""
    return list(
        Offence.objects.filter(person_id=person_id, person__in=visible_people(actor)).select_related(
            "offence_code"
        )
    )


# --- One getter per guarded thing: the record, or a logged refusal (desist.audit.refusals) ---------------

LIAISON_ONLY = "victim liaison role only, about people the user may see"


def require_victim_liaison(actor: Actor, *, what: str, person_id: int | None = None) -> None:
    """Refuse (logged, 404: victims' existence is not told either) anyone without the victim liaison role."""
    if not is_victim_liaison(actor):
        refuse(actor, summary=f"Refused access to {what}", person_id=person_id, reason=LIAISON_ONLY)


def notification_for_actor(actor: Actor, notification_id: int) -> VictimNotification:
    """`notification_detail`, or the refusal logged and the channel's 404 raised."""
    notification = notification_detail(actor, notification_id)
    if notification is None:
        person_id = (
            VictimNotification.objects.filter(pk=notification_id).values_list("person_id", flat=True).first()
        )
        refuse(
            actor,
            summary=f"Refused access to victim notification {notification_id}",
            person_id=person_id,
            reason=LIAISON_ONLY,
        )
    return notification


def victim_for_actor(actor: Actor, victim_id: int) -> Victim:
    """`victim_detail`, or the refusal logged and the channel's 404 raised."""
    victim = victim_detail(actor, victim_id)
    if victim is None:
        refuse(actor, summary=f"Refused access to victim {victim_id}", reason=LIAISON_ONLY)
    return victim
