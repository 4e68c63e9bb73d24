"""Reads about accommodation places: occupancy, availability over the coming weeks, and bookings, which are
visible to whoever may see the person and to the provider agency of the premises."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.core.release import OGRS3_CATEGORY_GROUPS, OffenceGroup
from desist.offences.models import Offence
from desist.people.selectors import visible_people
from desist.premises.models import HOLDING_STATUSES, BedSpace, Booking, BookingStatus, Premises
from desist.registers.models import RegisterEntry

SEXUAL_CATEGORIES = [c for c, g in OGRS3_CATEGORY_GROUPS.items() if g == OffenceGroup.SEXUAL]


def has_sexual_offence(person_id: int, *, on: date) -> bool:
    """A proven sexual offence (by its OGRS3 category), or MAPPA category 1 (registered sex offender) now."""
    offence = Offence.objects.filter(person_id=person_id).filter(
        Q(ogrs3_category__in=SEXUAL_CATEGORIES)
        | Q(ogrs3_category="", offence_code__ogrs3_category__in=SEXUAL_CATEGORIES)
    )
    register = RegisterEntry.objects.filter(person_id=person_id, mappa_category=1, start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    return offence.exists() or register.exists()


def bookings_visible(actor: Actor, *, on: date | None = None) -> QuerySet[Booking]:
    return Booking.objects.filter(
        Q(person__in=visible_people(actor, on=on)) | Q(bed__premises__provider_id__in=actor.agency_ids)
    )


def _holding_on(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": HOLDING_STATUSES, f"{prefix}expected_arrival__lte": day}) & (
        Q(**{f"{prefix}departed_on__isnull": False, f"{prefix}departed_on__gt": day})
        | Q(**{f"{prefix}departed_on__isnull": True, f"{prefix}expected_departure__gt": day})
    )


@dataclass(frozen=True)
class Occupancy:
    premises: Premises
    beds: int
    occupied: int  # held tonight (arrived, or expected today)
    arriving: int  # expected in the coming week

    @property
    def free(self) -> int:
        return max(self.beds - self.occupied, 0)

    @property
    def percent(self) -> int:
        return round(100 * self.occupied / self.beds) if self.beds else 0

    @property
    def nearly_full(self) -> bool:
        return self.beds > 0 and self.free <= max(1, self.beds // 10)


def occupancy(*, on: date) -> list[Occupancy]:
    """Every premises with its beds, beds held tonight and arrivals expected in the coming week (two
    queries)."""
    rows = list(
        Premises.objects.select_related("provider", "district").annotate(
            bed_count=Count("beds", filter=Q(beds__is_active=True), distinct=True)
        )
    )
    held: dict[int, int] = defaultdict(int)
    arriving: dict[int, int] = defaultdict(int)
    week = on + timedelta(days=7)
    for premises_id, status, arrival in (
        Booking.objects.filter(status__in=HOLDING_STATUSES, expected_arrival__lte=week)
        .filter(Q(departed_on__isnull=True, expected_departure__gt=on) | Q(departed_on__gt=on))
        .values_list("bed__premises_id", "status", "expected_arrival")
    ):
        if arrival <= on:
            held[premises_id] += 1
        elif status == BookingStatus.EXPECTED:
            arriving[premises_id] += 1
    return [
        Occupancy(premises=p, beds=p.bed_count, occupied=held[p.pk], arriving=arriving[p.pk]) for p in rows
    ]


@dataclass(frozen=True)
class BedWeeks:
    bed: BedSpace
    weeks: list[bool]  # True: booked for any night of that week


def availability(premises: Premises, *, on: date, weeks: int) -> tuple[list[date], list[BedWeeks]]:
    """Each bed, week by week for the coming weeks: booked or free (two queries)."""
    starts = [on + timedelta(weeks=i) for i in range(weeks)]
    end = on + timedelta(weeks=weeks)
    beds = list(premises.beds.filter(is_active=True).order_by("id"))
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for bed_id, arrival, departure, departed in (
        Booking.objects.filter(bed__premises=premises, status__in=HOLDING_STATUSES, expected_arrival__lt=end)
        .filter(Q(departed_on__isnull=True, expected_departure__gt=on) | Q(departed_on__gt=on))
        .values_list("bed_id", "expected_arrival", "expected_departure", "departed_on")
    ):
        spans[bed_id].append((arrival, departed or departure))
    grid = [
        BedWeeks(
            bed=b, weeks=[any(a < s + timedelta(days=7) and d > s for a, d in spans[b.pk]) for s in starts]
        )
        for b in beds
    ]
    return starts, grid


def free_beds(premises: Premises, start: date, end: date) -> list[BedSpace]:
    """Beds with no booking holding them for any night in [start, end) (one query)."""
    taken = (
        Booking.objects.filter(bed__premises=premises, status__in=HOLDING_STATUSES, expected_arrival__lt=end)
        .filter(Q(departed_on__isnull=True, expected_departure__gt=start) | Q(departed_on__gt=start))
        .values("bed_id")
    )
    return list(premises.beds.filter(is_active=True).exclude(pk__in=taken).order_by("id"))


def booking_for_actor(actor: Actor, booking_id: int) -> Booking:
    """A booking the actor may see (`bookings_visible`), or the refusal logged and the channel's 404
    raised."""
    booking = (
        bookings_visible(actor)
        .filter(pk=booking_id)
        .select_related("person", "bed", "bed__premises", "bed__premises__provider")
        .first()
    )
    if booking is None:
        person_id = Booking.objects.filter(pk=booking_id).values_list("person_id", flat=True).first()
        refuse(actor, summary=f"Refused access to booking {booking_id}", person_id=person_id)
    return booking
