"""Victims for the demo partnership: victims linked to offences of some people due for release (domestic abuse
perpetrators among them), with notifications outstanding, overdue and done. References only, never names."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from desist.audit.context import system_actor
from desist.offences.models import Offence
from desist.partnership.models import Membership, Role
from desist.release.models import ReleasePlan
from desist.victims.models import Information, NotificationStatus, Victim, VictimLink, VictimNotification
from desist.victims.services import notifications_raise

CONTACT = ("letter", "phone", "email", "supporter")
VIOLENT_OR_SEXUAL = {"Violence", "Robbery", "Sexual (against child)", "Sexual (not against child)"}


@transaction.atomic
def demo_victims_build(today: date | None = None, *, every: int = 3) -> dict[str, int]:
    """Link a victim to an offence of every `every`-th release due (every domestic abuse one), then raise the
    notifications owed and age some so the dashboard shows overdue and completed ones."""
    today = today or date.today()
    officer = Membership.objects.filter(role=Role.VICTIM_LIAISON).values_list("user_id", flat=True).first()
    sentence_ids = list(
        ReleasePlan.objects.filter(release_date__gte=today)
        .order_by("id")
        .values_list("sentence_id", flat=True)
    )
    offences: dict[int, Offence] = {}
    for offence in (
        Offence.objects.filter(sentence_id__in=sentence_ids)
        .select_related("offence_code")
        .order_by("-domestic_abuse", "id")
    ):
        assert offence.sentence_id is not None
        offences.setdefault(offence.sentence_id, offence)
    # Violent, sexual and domestic abuse offences have victims the scheme knows; a few others too.
    chosen = [
        o
        for i, o in enumerate(offences.values())
        if o.domestic_abuse
        or i % every == 0
        or (o.ogrs3_category or o.offence_code.ogrs3_category) in VIOLENT_OR_SEXUAL
    ]
    # Choices follow each victim's place in the list, not database ids, so a demo is the same on any engine
    # whatever ids its sequences hand out.
    victims = [
        Victim(
            reference=f"VLU-{o.pk:06d}",
            contact_preference=CONTACT[i % len(CONTACT)],
            liaison_officer_id=officer,
            opted_in=i % 5 != 4,
            wants_to_know=[Information.RELEASE, Information.LICENCE_CONDITIONS]
            if i % 2 == 0
            else [Information.RELEASE],
            created_on=today - timedelta(days=90),
        )
        for i, o in enumerate(chosen)
    ]
    Victim.objects.bulk_create(victims, ignore_conflicts=True)
    by_reference = dict(
        Victim.objects.filter(reference__in=[v.reference for v in victims]).values_list("reference", "id")
    )
    VictimLink.objects.bulk_create(
        [
            VictimLink(
                victim_id=by_reference[f"VLU-{o.pk:06d}"], offence=o, linked_on=today - timedelta(days=90)
            )
            for o in chosen
        ],
        ignore_conflicts=True,
    )
    raised = notifications_raise(actor=system_actor(), on=today)
    # As if the daily job had raised them a while ago: some are overdue now, some already done.
    outstanding = list(
        VictimNotification.objects.filter(status=NotificationStatus.OUTSTANDING).order_by("id")
    )
    overdue = done = 0
    # In threes: one overdue, one still to do, one done; so any two or more show both an
    # overdue and an upcoming deadline.
    for i, n in enumerate(outstanding):
        if i % 3 == 1:
            n.raised_on, n.deadline = today - timedelta(days=14), today - timedelta(days=1 + i % 5)
            overdue += 1
        elif i % 3 == 2:
            n.status, n.outcome, n.completed_on = NotificationStatus.DONE, "told", today - timedelta(days=2)
            n.outcome_note = "Told by telephone; no representations."
            done += 1
    VictimNotification.objects.bulk_update(
        outstanding,
        ["raised_on", "deadline", "status", "outcome", "completed_on", "outcome_note"],
        batch_size=2000,
    )
    return {"victims": len(chosen), "notifications": raised, "overdue": overdue, "done": done}
