"""Reads for supervision: a person's chronology (what the actor may see only), appointments, a practitioner's
diary, the outcomes still to record and the probation reset's suspensions. The person comes from
`people.selectors.person_for_actor` (the one access rule); contacts kept to their own agency are filtered
here, by `contact_visibility`, and by what the agency's sharing agreements give of the person
(`sharing.selectors.entries_shared`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.partnership.models import Membership
from desist.people.models import Person
from desist.people.selectors import visible_people
from desist.sharing.selectors import entries_shared, entry_shared, shared_categories
from desist.supervision.models import (
    Appointment,
    AppointmentStatus,
    Contact,
    DiaryFeedToken,
    Sensitivity,
    SupervisionSuspension,
)

CHRONOLOGY_PAGE_SIZE = 25


def contact_visibility(actor: Actor) -> Q:
    """Contacts the actor may see on a person they may see: shared ones, and their own agencies' ones."""
    return Q(sensitivity=Sensitivity.SHARED) | Q(agency_id__in=sorted(actor.agency_ids))


@dataclass(frozen=True)
class ChronologyFilters:
    agency_id: int | None = None
    kinds: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _chronology_filtered(
    actor: Actor, person: Person, filters: ChronologyFilters | None
) -> QuerySet[Contact]:
    filters = filters or ChronologyFilters()
    contacts = Contact.objects.filter(person=person).filter(contact_visibility(actor))
    if filters.agency_id is not None:
        contacts = contacts.filter(agency_id=filters.agency_id)
    if filters.kinds:
        contacts = contacts.filter(kind__in=filters.kinds)
    if filters.date_from is not None:
        contacts = contacts.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to is not None and filters.date_to < date.max:
        contacts = contacts.filter(occurred_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return contacts


def chronology(
    actor: Actor,
    person: Person,
    filters: ChronologyFilters | None = None,
    *,
    shared: frozenset[str] | None = None,
) -> QuerySet[Contact]:
    """The person's one chronology across agencies, newest first, filtered by agency, kind and dates, with
    only what the actor may see: by each contact's sensitivity, and by what the agency's sharing agreements
    give of this person (`shared`, from `sharing.selectors.shared_categories`, worked out here if not given).
    One indexed range over (person, occurred_at) whatever the record's size."""
    if shared is None:
        shared = shared_categories(actor, person.pk)
    return (
        _chronology_filtered(actor, person, filters)
        .filter(entries_shared(actor, shared))
        .select_related("agency", "recorded_by")
        .order_by("-occurred_at", "-id")
    )


def chronology_withheld(
    actor: Actor, person: Person, filters: ChronologyFilters | None, *, shared: frozenset[str]
) -> int:
    """How many entries matching the filters the actor's sharing agreements withhold from them: one count,
    and no query when the agreements withhold none."""
    if entries_shared(actor, shared) == Q():
        return 0
    return _chronology_filtered(actor, person, filters).exclude(entries_shared(actor, shared)).count()


def contact_for_actor(actor: Actor, contact_id: int) -> Contact:
    """A contact on a person the actor may see, if its sensitivity lets them; else the refusal (404)."""
    contact = (
        Contact.objects.filter(pk=contact_id, person__in=visible_people(actor))
        .filter(contact_visibility(actor))
        .select_related("agency", "recorded_by", "person")
        .first()
    )
    if contact is not None and not entry_shared(
        actor, shared_categories(actor, contact.person_id), contact.agency_id, contact.agency.kind
    ):
        contact = None  # what it holds is not shared with the actor's agency
    if contact is None:
        refuse(actor, summary=f"Refused access to contact {contact_id}")
    return contact


# --- Appointments ---------------------------------------------------------------------------------------


def appointment_for_actor(actor: Actor, appointment_id: int, *, what: str = "the appointment") -> Appointment:
    """An appointment booked by one of the actor's agencies, on a person they may see; else the refusal."""
    appointment = (
        Appointment.objects.filter(
            pk=appointment_id, agency_id__in=sorted(actor.agency_ids), person__in=visible_people(actor)
        )
        .select_related("person", "agency", "practitioner")
        .first()
    )
    if appointment is None:
        refuse(actor, summary=f"Refused access to {what} {appointment_id}"[:255])
    return appointment


def person_appointments(actor: Actor, person: Person, *, upcoming: bool = True) -> QuerySet[Appointment]:
    """The person's live appointments booked by the actor's agencies: those to come (soonest first), or
    those past still without an outcome."""
    now = timezone.now()
    rows = Appointment.objects.filter(
        person=person, agency_id__in=sorted(actor.agency_ids), status=AppointmentStatus.BOOKED
    ).select_related("practitioner", "agency")
    if upcoming:
        return rows.filter(starts_at__gte=now).order_by("starts_at", "id")
    return rows.filter(starts_at__lt=now, outcome="").order_by("-starts_at", "-id")


def practitioners_for(actor: Actor) -> QuerySet[User]:
    """Users who may be booked by the actor: active members of the actor's agencies."""
    members = Membership.objects.filter(
        user=OuterRef("pk"), agency_id__in=sorted(actor.agency_ids), is_active=True
    )
    return User.objects.filter(Exists(members), is_active=True).order_by(
        "last_name", "first_name", "username"
    )


def may_see_diary(actor: Actor, practitioner: User) -> bool:
    """A practitioner sees their own diary; colleagues in one of their agencies may see it too."""
    if actor.user_id == practitioner.pk:
        return True
    return Membership.objects.filter(
        user=practitioner, agency_id__in=sorted(actor.agency_ids), is_active=True
    ).exists()


def diary(actor: Actor, practitioner: User, *, start: date, days: int = 1) -> list[Appointment]:
    """The practitioner's appointments from `start` for `days` days (1: a day, 7: a week), cancelled ones
    left out, on people the actor may see. One query."""
    return list(
        Appointment.objects.filter(
            practitioner=practitioner,
            starts_at__gte=_start_of(start),
            starts_at__lt=_start_of(start + timedelta(days=days)),
            person__in=visible_people(actor),
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("person", "agency")
        .order_by("starts_at", "id")
    )


def _in_suspension() -> Exists:
    # The appointment's day, annotated as `day` on the outer query (TruncDate cannot wrap an OuterRef).
    day = OuterRef("day")
    return Exists(
        SupervisionSuspension.objects.filter(person=OuterRef("person"), starts_on__lte=day).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day)
        )
    )


def outcomes_to_record(actor: Actor, *, now: datetime | None = None) -> QuerySet[Appointment]:
    """The actor's own appointments that have happened with no outcome yet, oldest first. Appointments that
    fall while supervision contact is suspended are not expected (the probation reset), unless they were
    booked in the suspension with a reason."""
    if actor.user_id is None:
        return Appointment.objects.none()
    return (
        Appointment.objects.filter(
            practitioner_id=actor.user_id,
            status=AppointmentStatus.BOOKED,
            outcome="",
            starts_at__lt=now or timezone.now(),
            person__in=visible_people(actor),
        )
        .annotate(day=TruncDate("starts_at"))
        .filter(~_in_suspension() | ~Q(suspension_reason=""))
        .select_related("person", "agency")
        .order_by("starts_at", "id")
    )


# --- The probation reset ---------------------------------------------------------------------------------


def suspension_on(person: Person | int, day: date) -> SupervisionSuspension | None:
    """The suspension of supervision contact in force for the person on `day`, if any."""
    person_id = person if isinstance(person, int) else person.pk
    return (
        SupervisionSuspension.objects.filter(person_id=person_id, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("sentence")
        .order_by("-starts_on", "-id")
        .first()
    )


def suspensions(person: Person) -> QuerySet[SupervisionSuspension]:
    """Every suspension recorded for the person, newest first."""
    return (
        SupervisionSuspension.objects.filter(person=person).select_related("sentence").order_by("-starts_on")
    )


def suspension_for_actor(actor: Actor, suspension_id: int) -> SupervisionSuspension:
    """A suspension on a person the actor may see; else the refusal."""
    suspension = (
        SupervisionSuspension.objects.filter(pk=suspension_id, person__in=visible_people(actor))
        .select_related("person", "sentence")
        .first()
    )
    if suspension is None:
        refuse(actor, summary=f"Refused access to supervision suspension {suspension_id}")
    return suspension


# --- The diary feed ---------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_token_live(user: User) -> DiaryFeedToken | None:
    """The user's live feed token (its record; the token itself is shown once, when issued)."""
    return DiaryFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_owner(token: str) -> User | None:
    """Whose diary a feed token opens, if it is live and they are still active."""
    row = (
        DiaryFeedToken.objects.filter(
            token_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    return row.user if row is not None else None


FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 180


def feed_appointments(actor: Actor, practitioner: User, *, now: datetime | None = None) -> list[Appointment]:
    """The practitioner's live appointments from a month back to six months ahead, on people the actor (the
    practitioner) may still see, for the calendar feed."""
    now = now or timezone.now()
    return list(
        Appointment.objects.filter(
            practitioner=practitioner,
            person__in=visible_people(actor),
            status=AppointmentStatus.BOOKED,
            starts_at__gte=now - timedelta(days=FEED_PAST_DAYS),
            starts_at__lt=now + timedelta(days=FEED_FUTURE_DAYS),
        )
        .select_related("agency", "person")
        .order_by("starts_at", "id")
    )
