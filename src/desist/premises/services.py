"""Writes about accommodation places: book a bed (refusing a double booking and a bed that does not fit the
person), and record arrival, non-arrival, departure with the move-on outcome, or a cancellation. Each writes
its own access-log entry; the pages, the API and the commands call these."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.people.models import Person
from desist.premises.models import HOLDING_STATUSES, BedSpace, Booking, BookingStatus, MoveOn
from desist.premises.selectors import has_sexual_offence
from desist.versioning import version_claim


class BookingError(ValueError):
    """A booking that cannot be made or changed as asked; the message says why, in the user's words."""


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def fit_reasons(*, person: Person, bed: BedSpace, needs_step_free: bool, on: date) -> list[str]:
    """Why the bed does not fit the person, in words; empty when it fits (the one place this rule lives)."""
    premises = bed.premises
    reasons = []
    if premises.women_only and person.sex != "female":
        reasons.append(f"{premises} takes women only.")
    if premises.men_only and person.sex != "male":
        reasons.append(f"{premises} takes men only.")
    if not premises.accepts_sexual_offences and has_sexual_offence(person.pk, on=on):
        reasons.append(
            f"{premises} does not take people with a sexual offence or on the sex offender register."
        )
    if needs_step_free and not bed.step_free:
        reasons.append(f"{bed.name} at {premises} is not step-free.")
    return reasons


def overlapping(bed_id: int, start: date, end: date, *, exclude: int | None = None) -> Booking | None:
    """The booking holding the bed for any night in [start, end), if there is one."""
    clash = Booking.objects.filter(
        bed_id=bed_id, status__in=HOLDING_STATUSES, expected_arrival__lt=end
    ).filter(
        Q(departed_on__isnull=False, departed_on__gt=start)
        | Q(departed_on__isnull=True, expected_departure__gt=start)
    )
    if exclude:
        clash = clash.exclude(pk=exclude)
    return clash.order_by("expected_arrival").first()


@transaction.atomic
def booking_make(
    *,
    actor: Actor,
    person: Person,
    bed: BedSpace,
    expected_arrival: date,
    expected_departure: date,
    needs_step_free: bool = False,
    referral_id: int | None = None,
    on: date | None = None,
) -> Booking:
    """Book a bed for a person from the expected arrival to the expected departure (the bed is free again that
    day). Refused, with the reason, when the dates are wrong, the bed is taken or it does not fit the
    person."""
    on = _today(on)
    if expected_departure <= expected_arrival:
        raise BookingError("The expected departure must be after the expected arrival.")
    if expected_arrival < on:
        raise BookingError("The expected arrival cannot be in the past.")
    if not bed.is_active:
        raise BookingError(f"{bed.name} is not in use.")
    # Lock the bed so two bookings made at once are checked one after the other (PostgreSQL; SQLite locks
    # the whole database on write, and PostgreSQL's exclusion constraint is the last word anyway).
    BedSpace.objects.select_for_update().filter(pk=bed.pk).first()
    reasons = fit_reasons(person=person, bed=bed, needs_step_free=needs_step_free, on=on)
    if reasons:
        raise BookingError(" ".join(reasons))
    clash = overlapping(bed.pk, expected_arrival, expected_departure)
    if clash is not None:
        raise BookingError(
            f"{bed.name} at {bed.premises} is already booked from {clash.expected_arrival:%d %B %Y} "
            f"to {clash.holds_until:%d %B %Y}. Choose another bed or other dates."
        )
    booking = Booking(
        person=person,
        bed=bed,
        expected_arrival=expected_arrival,
        expected_departure=expected_departure,
        needs_step_free=needs_step_free,
        booked_by_id=actor.user_id,
        referral_id=referral_id,
    )
    booking.full_clean(exclude=["referral"])
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:  # the PostgreSQL exclusion constraint: booked at the same moment
        raise BookingError(
            f"{bed.name} at {bed.premises} has just been booked for these dates. "
            "Choose another bed or other dates."
        ) from error
    log_access(
        actor=actor,
        action=Action.DISCLOSURE,
        person_id=person.pk,
        obj=booking,
        summary=f"Booked {bed.name} at {bed.premises} from {expected_arrival:%d %b %Y}",
        recipient=bed.premises.provider.name,
        detail={
            "bed": bed.pk,
            "expected_arrival": expected_arrival.isoformat(),
            "expected_departure": expected_departure.isoformat(),
        },
    )
    return booking


def _log(actor: Actor, booking: Booking, summary: str, **detail: object) -> None:
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=booking.person_id,
        obj=booking,
        summary=summary,
        detail={"status": booking.status, **detail},
    )


@transaction.atomic
def booking_arrive(
    *, actor: Actor, booking: Booking, arrived_on: date | None = None, version: int | None = None
) -> Booking:
    """The person arrived."""
    arrived_on = _today(arrived_on)
    if booking.status != BookingStatus.EXPECTED:
        raise BookingError(
            f"This booking is {booking.get_status_display().lower()}; only an expected arrival can arrive."
        )
    if arrived_on < booking.expected_arrival:
        raise BookingError("The arrival cannot be before the booking starts; change the booking first.")
    version_claim(booking, version)
    booking.status, booking.arrived_on = BookingStatus.ARRIVED, arrived_on
    booking.save(update_fields=["status", "arrived_on"])
    _log(actor, booking, f"Arrived at {booking.bed.premises} on {arrived_on:%d %b %Y}")
    return booking


@transaction.atomic
def booking_not_arrived(
    *, actor: Actor, booking: Booking, reason: str, version: int | None = None
) -> Booking:
    """The person did not arrive: the bed is free again."""
    if booking.status != BookingStatus.EXPECTED:
        raise BookingError(
            f"This booking is {booking.get_status_display().lower()}; only an expected arrival can "
            "be recorded as not arrived."
        )
    if not reason.strip():
        raise BookingError("Say why they did not arrive (for example recalled, released elsewhere, unknown).")
    version_claim(booking, version)
    booking.status, booking.non_arrival_reason = BookingStatus.NOT_ARRIVED, reason.strip()[:300]
    booking.save(update_fields=["status", "non_arrival_reason"])
    _log(actor, booking, f"Did not arrive at {booking.bed.premises}", reason=booking.non_arrival_reason)
    return booking


@transaction.atomic
def booking_depart(
    *,
    actor: Actor,
    booking: Booking,
    move_on: str,
    departed_on: date | None = None,
    version: int | None = None,
) -> Booking:
    """The person left, to where (the move-on outcome): the bed is free from that day."""
    departed_on = _today(departed_on)
    if booking.status != BookingStatus.ARRIVED:
        raise BookingError(
            f"This booking is {booking.get_status_display().lower()}; only someone who arrived can depart."
        )
    if move_on not in MoveOn.values:
        raise BookingError(f"Choose where they moved on to: {', '.join(MoveOn.labels)}.")
    assert booking.arrived_on is not None
    if departed_on < booking.arrived_on:
        raise BookingError("The departure cannot be before the arrival.")
    version_claim(booking, version)
    booking.status, booking.departed_on, booking.move_on = BookingStatus.DEPARTED, departed_on, move_on
    booking.save(update_fields=["status", "departed_on", "move_on"])
    _log(
        actor,
        booking,
        f"Left {booking.bed.premises} on {departed_on:%d %b %Y}: {booking.get_move_on_display()}",
        move_on=move_on,
    )
    return booking


@transaction.atomic
def booking_cancel(*, actor: Actor, booking: Booking, version: int | None = None) -> Booking:
    """Cancel an expected booking: the bed is free again."""
    if booking.status != BookingStatus.EXPECTED:
        raise BookingError("Only a booking not yet arrived can be cancelled.")
    version_claim(booking, version)
    booking.status = BookingStatus.CANCELLED
    booking.save(update_fields=["status"])
    _log(actor, booking, f"Cancelled the booking at {booking.bed.premises}")
    return booking
