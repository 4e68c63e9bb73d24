"""Accommodation pages: premises with occupancy, one premises with its availability over the coming weeks and
its bookings, booking a bed for a person, and recording arrival, non-arrival, departure or cancellation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest
from desist.audit.services import log_access
from desist.people.selectors import person_for_actor
from desist.premises import selectors, services
from desist.premises.actions import BOOKING_ACTIONS, apply_booking_action
from desist.premises.forms import BookingForm, DepartureForm
from desist.premises.models import HOLDING_STATUSES, BedSpace, Booking, Premises
from desist.versioning import StaleEdit


@login_required
def premises_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every premises with beds, beds held tonight, arrivals this week and how full it is (counts only)."""
    return render(
        request, "premises/premises_list.html", {"rows": selectors.occupancy(on=timezone.localdate())}
    )


@login_required
def premises_detail(request: AuthenticatedHttpRequest, premises_id: int) -> HttpResponse:
    """Availability bed by bed over the coming weeks, and the bookings the user may see."""
    premises = get_object_or_404(Premises.objects.select_related("provider"), pk=premises_id)
    return _premises_page(request, premises)


def _premises_page(
    request: AuthenticatedHttpRequest,
    premises: Premises,
    *,
    errors: list[str] | None = None,
    error_target: str = "",
) -> HttpResponse:
    """The premises page; with a booking step's refusal in its error summary, linking to that booking's
    form."""
    actor = request.actor
    today = timezone.localdate()
    starts, grid = selectors.availability(
        premises, on=today, weeks=settings.DESIST_PREMISES_AVAILABILITY_WEEKS
    )
    bookings = list(
        selectors.bookings_visible(actor)
        .filter(bed__premises=premises, status__in=HOLDING_STATUSES)
        .exclude(status="departed")
        .select_related("person", "bed")
        .order_by("expected_arrival", "id")
    )
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed the bookings of {premises}",
        detail={"person_ids": sorted({b.person_id for b in bookings})},
    )
    return render(
        request,
        "premises/premises_detail.html",
        {
            "premises": premises,
            "starts": starts,
            "grid": grid,
            "bookings": bookings,
            "today": today,
            "departure_form": DepartureForm(),
            "errors": errors or [],
            "error_target": error_target,
        },
    )


@login_required
def book_bed(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Book a bed for a person; a refusal says why (taken, or it does not fit them) and keeps what was
    entered."""
    actor = request.actor
    person = person_for_actor(actor, person_id, what="the accommodation bookings")
    form = BookingForm(
        request.POST if request.method == "POST" else None, initial={"bed": request.GET.get("bed")}
    )
    if request.method == "POST" and form.is_valid():
        bed = BedSpace.objects.select_related("premises", "premises__provider").get(
            pk=form.cleaned_data["bed"]
        )
        data = {k: v for k, v in form.cleaned_data.items() if k != "bed"}
        try:
            booking = services.booking_make(actor=actor, person=person, bed=bed, **data)
        except services.BookingError as error:
            form.add_error(None, str(error))  # taken, or does not fit: the error summary says which
        else:
            messages.success(
                request,
                f"Booked {bed.name} at {bed.premises} for {person.full_name} from "
                f"{booking.expected_arrival:%d %B %Y}.",
            )
            return redirect("premises_detail", premises_id=bed.premises_id)
    bookings = list(
        Booking.objects.filter(person=person)
        .select_related("bed", "bed__premises")
        .order_by("-expected_arrival")
    )
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary=f"Viewed the accommodation bookings of person {person.pk}",
    )
    return render(request, "premises/book_bed.html", {"person": person, "form": form, "bookings": bookings})


visible_booking = selectors.booking_for_actor


@login_required
@require_POST
def booking_action(request: AuthenticatedHttpRequest, booking_id: int, action: str) -> HttpResponse:
    actor = request.actor
    booking = visible_booking(actor, booking_id)
    if action not in BOOKING_ACTIONS:
        raise Http404()
    try:
        messages.success(request, apply_booking_action(actor, booking, action, request.POST))
    except (services.BookingError, StaleEdit) as error:
        # The page again, the refusal in its error summary linking to this booking's form.
        target = {"not-arrived": f"reason-{booking.pk}", "depart": f"move-on-{booking.pk}"}.get(
            action, f"booking-{booking.pk}"
        )
        return _premises_page(request, booking.bed.premises, errors=[str(error)], error_target=target)
    return redirect("premises_detail", premises_id=booking.bed.premises_id)
