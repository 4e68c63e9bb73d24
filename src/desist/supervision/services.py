"""Writes for supervision: record a contact; book, rearrange and cancel an appointment and record its
outcome (which writes a contact into the chronology); suspend and resume supervision contact (the probation
reset); issue and revoke a practitioner's diary feed token. Each writes its own access-log entry; the pages,
the API and the commands call these. The person passed in was fetched through
`people.selectors.person_for_actor`, so the actor may see them."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import log_refusal
from desist.audit.services import log_access
from desist.partnership.models import Agency, AgencyKind, Membership
from desist.people.models import Person
from desist.sentences.models import Sentence, SentenceKind
from desist.supervision.models import (
    CONTACT_KIND_OF_APPOINTMENT,
    Appointment,
    AppointmentKind,
    AppointmentOutcome,
    AppointmentStatus,
    Contact,
    ContactKind,
    DiaryFeedToken,
    Sensitivity,
    SupervisionSuspension,
)
from desist.supervision.selectors import suspension_on, token_hash
from desist.versioning import version_claim

# A contact is something that happened: a clock a little ahead is not a contact in the future.
CLOCK_SLACK = timedelta(minutes=10)


class SupervisionError(ValueError):
    """A change that cannot be made as asked; the message says why, in the user's words."""


def _aware(moment: datetime) -> datetime:
    """A time without a zone (from the API, say) is read as the partnership's local time."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _recording_agency(actor: Actor, agency_id: int | None) -> int:
    """The agency the actor records for: the one named (one of theirs), or their only (or first) agency."""
    if agency_id is not None:
        if agency_id not in actor.agency_ids:
            raise SupervisionError("You can only record for an agency you work for.")
        return agency_id
    if not actor.agency_ids:
        raise SupervisionError("You work for no agency in the partnership, so you cannot record this.")
    return min(actor.agency_ids)


def _require_booking_agency(actor: Actor, appointment: Appointment, doing: str) -> None:
    if appointment.agency_id not in actor.agency_ids:
        log_refusal(
            actor, summary=f"Refused to {doing} appointment {appointment.pk}", person_id=appointment.person_id
        )
        raise SupervisionError(f"Only {appointment.agency} can {doing} this appointment.")


def _require_live(appointment: Appointment, doing: str) -> None:
    if appointment.status != AppointmentStatus.BOOKED or appointment.outcome:
        state = (
            appointment.get_outcome_display().lower()
            if appointment.outcome
            else appointment.get_status_display().lower()
        )
        raise SupervisionError(f"This appointment is already {state}, so it cannot be {doing}.")


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise SupervisionError("The appointment must end after it starts.")
    if ends_at - starts_at > timedelta(hours=12):
        raise SupervisionError("An appointment lasts at most 12 hours.")
    if starts_at < timezone.now() - CLOCK_SLACK:
        raise SupervisionError("Book an appointment for a time to come; record a past contact instead.")


def _check_practitioner(practitioner: User, agency_id: int) -> None:
    if not Membership.objects.filter(user=practitioner, agency_id=agency_id, is_active=True).exists():
        raise SupervisionError(
            f"{practitioner.get_full_name() or practitioner} does not work for this agency."
        )


def _check_suspension(person_id: int, starts_at: datetime, suspension_reason: str) -> None:
    suspension = suspension_on(person_id, timezone.localdate(starts_at))
    if suspension is not None and not suspension_reason.strip():
        raise SupervisionError(
            f"Supervision contact is suspended from {suspension.starts_on:%-d %B %Y} (the probation reset): "
            "say why this appointment is still needed to book it."
        )


def _log(actor: Actor, obj: Appointment | Contact | SupervisionSuspension, action: str, summary: str) -> None:
    log_access(actor=actor, action=action, person_id=obj.person_id, obj=obj, summary=summary)


# --- Contacts --------------------------------------------------------------------------------------------


@transaction.atomic
def record_contact(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    occurred_at: datetime,
    summary: str,
    outcome: str = "",
    notes: str = "",
    sensitivity: str = Sensitivity.SHARED,
    agency_id: int | None = None,
) -> Contact:
    """Record a contact with, or about, the person in their chronology, for the actor's agency."""
    occurred_at = _aware(occurred_at)
    if kind not in ContactKind.values:
        raise SupervisionError("Choose what kind of contact it was.")
    if sensitivity not in Sensitivity.values:
        raise SupervisionError("Choose who may see the contact.")
    if occurred_at > timezone.now() + CLOCK_SLACK:
        raise SupervisionError(
            "A contact is recorded once it has happened: give a date and time in the past."
        )
    summary = summary.strip()
    if not summary:
        raise SupervisionError("Say what happened, in a line.")
    contact = Contact.objects.create(
        person=person,
        kind=kind,
        occurred_at=occurred_at,
        agency_id=_recording_agency(actor, agency_id),
        recorded_by_id=actor.user_id,
        summary=summary[:200],
        outcome=outcome.strip()[:200],
        notes=notes.strip(),
        sensitivity=sensitivity,
    )
    _log(actor, contact, Action.COLLECTION, f"Recorded a contact: {contact.get_kind_display()}")
    return contact


# --- Appointments ----------------------------------------------------------------------------------------


@transaction.atomic
def book_appointment(
    *,
    actor: Actor,
    person: Person,
    practitioner: User,
    starts_at: datetime,
    ends_at: datetime,
    kind: str = AppointmentKind.OFFICE,
    location: str = "",
    purpose: str = "",
    agency_id: int | None = None,
    suspension_reason: str = "",
) -> Appointment:
    """Book an appointment with the person for a practitioner of the actor's agency. While supervision contact
    is suspended (the probation reset) no appointment is expected, so booking one needs a reason."""
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    if kind not in AppointmentKind.values:
        raise SupervisionError("Choose what kind of appointment it is.")
    agency = _recording_agency(actor, agency_id)
    _check_times(starts_at, ends_at)
    _check_practitioner(practitioner, agency)
    _check_suspension(person.pk, starts_at, suspension_reason)
    appointment = Appointment.objects.create(
        person=person,
        practitioner=practitioner,
        agency_id=agency,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip()[:200],
        purpose=purpose.strip()[:300],
        booked_by_id=actor.user_id,
        suspension_reason=suspension_reason.strip()[:300],
    )
    _log(
        actor,
        appointment,
        Action.COLLECTION,
        f"Booked an appointment ({appointment.get_kind_display()}) for "
        f"{timezone.localtime(starts_at):%Y-%m-%d %H:%M}",
    )
    return appointment


def rearrange_appointment(
    *,
    actor: Actor,
    appointment: Appointment,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    location: str | None = None,
    practitioner: User | None = None,
    suspension_reason: str = "",
    version: int | None = None,
) -> Appointment:
    """Move an appointment to another time: it is marked rearranged (its outcome "rescheduled", written to the
    chronology) and a new appointment, pointing back at it, is booked. Returns the new appointment."""
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    # Before the transaction, so the refusal stays logged.
    _require_booking_agency(actor, appointment, "rearrange")
    with transaction.atomic():
        _require_live(appointment, "rearranged")
        reason = reason.strip()
        if not reason:
            raise SupervisionError("Say why the appointment is rearranged.")
        practitioner = practitioner or appointment.practitioner
        _check_times(starts_at, ends_at)
        if practitioner.pk != appointment.practitioner_id:
            _check_practitioner(practitioner, appointment.agency_id)
        _check_suspension(
            appointment.person_id, starts_at, suspension_reason or appointment.suspension_reason
        )
        version_claim(appointment, version)
        now = timezone.now()
        appointment.status, appointment.status_reason = AppointmentStatus.REARRANGED, reason[:300]
        appointment.outcome, appointment.outcome_recorded_at = AppointmentOutcome.RESCHEDULED, now
        appointment.outcome_recorded_by_id = actor.user_id
        appointment.save(
            update_fields=["status", "status_reason", "outcome", "outcome_recorded_at", "outcome_recorded_by"]
        )
        moved = Appointment.objects.create(
            person_id=appointment.person_id,
            practitioner=practitioner,
            agency_id=appointment.agency_id,
            kind=appointment.kind,
            starts_at=starts_at,
            ends_at=ends_at,
            location=(appointment.location if location is None else location.strip())[:200],
            purpose=appointment.purpose,
            rearranged_from=appointment,
            booked_by_id=actor.user_id,
            suspension_reason=(suspension_reason.strip() or appointment.suspension_reason)[:300],
        )
        _outcome_contact(
            actor,
            appointment,
            notes=f"Rearranged to {timezone.localtime(starts_at):%-d %B %Y %H:%M}: {reason}",
            sensitivity=Sensitivity.SHARED,
        )
        _log(
            actor,
            appointment,
            Action.ALTERATION,
            f"Rearranged an appointment to {timezone.localtime(starts_at):%Y-%m-%d %H:%M}",
        )
        return moved


def cancel_appointment(
    *, actor: Actor, appointment: Appointment, reason: str, version: int | None = None
) -> Appointment:
    """Cancel an appointment, saying why. Nothing is written to the chronology: no contact was expected."""
    # Before the transaction, so the refusal stays logged.
    _require_booking_agency(actor, appointment, "cancel")
    with transaction.atomic():
        _require_live(appointment, "cancelled")
        reason = reason.strip()
        if not reason:
            raise SupervisionError("Say why the appointment is cancelled.")
        version_claim(appointment, version)
        appointment.status, appointment.status_reason = AppointmentStatus.CANCELLED, reason[:300]
        appointment.save(update_fields=["status", "status_reason"])
        _log(actor, appointment, Action.ALTERATION, "Cancelled an appointment")
        return appointment


def _outcome_contact(actor: Actor, appointment: Appointment, *, notes: str, sensitivity: str) -> Contact:
    return Contact.objects.create(
        person_id=appointment.person_id,
        kind=CONTACT_KIND_OF_APPOINTMENT[AppointmentKind(appointment.kind)],
        occurred_at=appointment.starts_at,
        agency_id=appointment.agency_id,
        recorded_by_id=actor.user_id,
        summary=f"{appointment.get_kind_display()}: {appointment.get_outcome_display().lower()}"[:200],
        outcome=appointment.get_outcome_display(),
        notes=notes.strip(),
        sensitivity=sensitivity,
        appointment=appointment,
    )


# Recorded through rearranging, which books the new time.
RECORDABLE_OUTCOMES = [o for o in AppointmentOutcome if o != AppointmentOutcome.RESCHEDULED]


def record_appointment_outcome(
    *,
    actor: Actor,
    appointment: Appointment,
    outcome: str,
    notes: str = "",
    sensitivity: str = Sensitivity.SHARED,
    version: int | None = None,
) -> Appointment:
    """Record what came of an appointment once its time has come: attended and complied, failed to attend, or
    attended but failed to comply. The outcome is written into the person's chronology as a contact. (A
    rescheduled appointment is recorded by rearranging it.)"""
    # Before the transaction, so the refusal stays logged.
    _require_booking_agency(actor, appointment, "record the outcome of")
    with transaction.atomic():
        _require_live(appointment, "given an outcome")
        if outcome not in RECORDABLE_OUTCOMES:
            raise SupervisionError(
                "Choose attended and complied, failed to attend, or attended but failed to comply "
                "(to reschedule, rearrange the appointment)."
            )
        if sensitivity not in Sensitivity.values:
            raise SupervisionError("Choose who may see the contact.")
        if appointment.starts_at > timezone.now() + CLOCK_SLACK:
            raise SupervisionError("The appointment has not started yet: record its outcome once it has.")
        version_claim(appointment, version)
        appointment.outcome, appointment.outcome_notes = outcome, notes.strip()
        appointment.outcome_recorded_at, appointment.outcome_recorded_by_id = timezone.now(), actor.user_id
        appointment.save(
            update_fields=["outcome", "outcome_notes", "outcome_recorded_at", "outcome_recorded_by"]
        )
        _outcome_contact(actor, appointment, notes=notes, sensitivity=sensitivity)
        _log(
            actor,
            appointment,
            Action.ALTERATION,
            f"Recorded an appointment's outcome: {appointment.get_outcome_display()}",
        )
        return appointment


# --- The probation reset ----------------------------------------------------------------------------------


def _require_probation(actor: Actor, what: str, person_id: int) -> None:
    if actor.is_administrator:
        return
    probation = Agency.objects.filter(pk__in=sorted(actor.agency_ids), kind=AgencyKind.PROBATION)
    if not actor.agency_ids or not probation.exists():
        log_refusal(actor, summary=f"Refused to {what}", person_id=person_id, reason="not a probation user")
        raise SupervisionError("Only probation can suspend or resume supervision contact.")


def suspend_supervision(
    *,
    actor: Actor,
    person: Person,
    sentence: Sentence,
    starts_on: date,
    reason: str,
    ends_on: date | None = None,
) -> SupervisionSuspension:
    """Suspend supervision contact on a licence from a date (until a date, or until resumed): appointments
    stop being expected and booking one needs a reason. Licence conditions such as electronic monitoring and
    accredited programmes, and enforcement, go on."""
    # Before the transaction, so the refusal stays logged.
    _require_probation(actor, "suspend supervision contact", person.pk)
    with transaction.atomic():
        if sentence.person_id != person.pk:
            raise SupervisionError("The licence is not this person's.")
        if sentence.kind != SentenceKind.CUSTODY:
            raise SupervisionError(
                "Supervision contact is suspended on a licence: choose a custodial sentence."
            )
        reason = reason.strip()
        if not reason:
            raise SupervisionError("Say why supervision contact is suspended.")
        if ends_on is not None and ends_on < starts_on:
            raise SupervisionError("The suspension must end on or after the day it starts.")
        if sentence.release_date and starts_on < sentence.release_date:
            raise SupervisionError(
                f"The licence starts on release, {sentence.release_date:%-d %B %Y}: suspend from then on."
            )
        expiry = sentence.licence_expiry_date
        if expiry and starts_on > expiry:
            raise SupervisionError(f"The licence ended on {expiry:%-d %B %Y}.")
        overlapping = (
            SupervisionSuspension.objects.filter(person=person)
            .exclude(ends_on__lt=starts_on)
            .filter(starts_on__lte=ends_on or date.max)
            .first()
        )
        if overlapping is not None:
            raise SupervisionError(f"Supervision contact is already suspended: {overlapping}.")
        suspension = SupervisionSuspension.objects.create(
            person=person,
            sentence=sentence,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            recorded_by_id=actor.user_id,
        )
        _log(actor, suspension, Action.COLLECTION, f"Suspended supervision contact from {starts_on:%Y-%m-%d}")
        return suspension


def resume_supervision(
    *, actor: Actor, suspension: SupervisionSuspension, on: date | None = None, version: int | None = None
) -> SupervisionSuspension:
    """Supervision contact resumes on `on` (today unless said): the suspension's last day is the day
    before."""
    # Before the transaction, so the refusal stays logged.
    _require_probation(actor, "resume supervision contact", suspension.person_id)
    with transaction.atomic():
        on = on or timezone.localdate()
        if on <= suspension.starts_on:
            raise SupervisionError(
                f"Supervision contact was suspended from {suspension.starts_on:%-d %B %Y}: "
                "resume it after that day."
            )
        if suspension.ends_on is not None and suspension.ends_on < on - timedelta(days=1):
            raise SupervisionError(f"This suspension already ended on {suspension.ends_on:%-d %B %Y}.")
        version_claim(suspension, version)
        suspension.ends_on = on - timedelta(days=1)
        suspension.resumed_at, suspension.resumed_by_id = timezone.now(), actor.user_id
        suspension.save(update_fields=["ends_on", "resumed_at", "resumed_by"])
        _log(actor, suspension, Action.ALTERATION, f"Resumed supervision contact from {on:%Y-%m-%d}")
        return suspension


# --- The diary feed --------------------------------------------------------------------------------------


@transaction.atomic
def issue_feed_token(*, actor: Actor) -> str:
    """Issue the actor a new secret for their diary's calendar feed, revoking any earlier one. The token is
    returned once; only its hash is kept."""
    if actor.user is None:
        raise SupervisionError("Only a signed-in user has a diary.")
    now = timezone.now()
    DiaryFeedToken.objects.filter(user=actor.user, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    row = DiaryFeedToken.objects.create(user=actor.user, token_hash=token_hash(token))
    log_access(actor=actor, action=Action.ALTERATION, obj=row, summary="Issued a diary calendar feed address")
    return token


@transaction.atomic
def revoke_feed_token(*, actor: Actor) -> int:
    """Revoke the actor's diary feed address: calendars using it stop getting the diary."""
    if actor.user is None:
        return 0
    revoked = DiaryFeedToken.objects.filter(user=actor.user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        log_access(actor=actor, action=Action.ALTERATION, summary="Revoked the diary calendar feed address")
    return revoked
