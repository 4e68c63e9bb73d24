"""One step of a bed booking from submitted data: the same dispatch for the pages, the API and the `booking`
command, so each checks input with the same form and calls the same service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desist.audit.context import Actor
from desist.premises import services
from desist.premises.forms import DepartureForm, NonArrivalForm
from desist.premises.models import Booking
from desist.referrals.forms import form_errors

BOOKING_ACTIONS = ("arrive", "not-arrived", "depart", "cancel")


def apply_booking_action(actor: Actor, booking: Booking, action: str, data: Mapping[str, Any]) -> str:
    """One step of a booking from posted data (with the booking's version as read, if sent); returns what to
    tell the user."""
    sent = str(data.get("version") or "")
    version = int(sent) if sent.isdigit() else None
    if action == "arrive":
        services.booking_arrive(actor=actor, booking=booking, version=version)
        return "Arrival recorded."
    if action == "cancel":
        services.booking_cancel(actor=actor, booking=booking, version=version)
        return "Booking cancelled: the bed is free."
    if action == "not-arrived":
        form = NonArrivalForm(data)
        if not form.is_valid():
            raise services.BookingError(form_errors(form))
        services.booking_not_arrived(
            actor=actor, booking=booking, reason=form.cleaned_data["reason"], version=version
        )
        return "Recorded that they did not arrive: the bed is free."
    departure = DepartureForm(data)
    if not departure.is_valid():
        raise services.BookingError(form_errors(departure))
    services.booking_depart(
        actor=actor,
        booking=booking,
        move_on=departure.cleaned_data["move_on"],
        departed_on=departure.cleaned_data["departed_on"],
        version=version,
    )
    return "Departure recorded."
