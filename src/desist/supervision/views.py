"""Supervision pages: a person's chronology (filtered by agency, kind and dates, paginated) with their
appointments and the probation reset; recording a contact; booking, rearranging and cancelling an
appointment and recording its outcome; suspending and resuming supervision contact; the practitioner's diary
by day or week, with the outcomes still to record and the calendar feed address; and the feed itself."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from desist.audit.context import Actor, actor_for_user, client_ip
from desist.audit.models import Action, Channel
from desist.audit.refusals import AuthenticatedHttpRequest
from desist.audit.services import log_access
from desist.formfields import set_choices
from desist.partnership.models import Agency
from desist.people.models import Person
from desist.people.selectors import person_for_actor
from desist.sentences.models import Sentence, SentenceKind
from desist.sharing.selectors import shared_categories
from desist.supervision import selectors, services
from desist.supervision.calendar import diary_calendar
from desist.supervision.forms import (
    BookForm,
    CancelForm,
    ChronologyFilterForm,
    ContactForm,
    OutcomeForm,
    RearrangeForm,
    ResumeForm,
    SuspendForm,
)
from desist.supervision.models import Appointment
from desist.versioning import StaleEdit


def _person(request: AuthenticatedHttpRequest, person_id: int, what: str) -> Person:
    return person_for_actor(request.actor, person_id, what=what)


def _own_agencies(actor: Actor) -> list[tuple[int, str]]:
    return list(
        Agency.objects.filter(pk__in=sorted(actor.agency_ids)).order_by("name").values_list("pk", "name")
    )


def _refused(form: forms.Form, error: Exception) -> None:
    # A service's refusal, in the user's words, at the top of the error summary.
    form.add_error(None, str(error))


@login_required
def person_chronology(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """The person's one chronology across agencies, what the user may see only, with their appointments and
    whether supervision contact is suspended."""
    actor = request.actor
    person = _person(request, person_id, "the chronology")
    agencies = list(Agency.objects.order_by("name").values_list("pk", "name"))
    form = ChronologyFilterForm(request.GET or None)
    set_choices(form, "agency", [("", "All agencies"), *agencies])
    filters = selectors.ChronologyFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.ChronologyFilters(
            agency_id=data["agency"],
            kinds=tuple(data["kind"]),
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    # What the agency's sharing agreements give of this person, worked out once for the page (issue 16).
    shared = shared_categories(actor, person.pk)
    page = Paginator(
        selectors.chronology(actor, person, filters, shared=shared), selectors.CHRONOLOGY_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    today = timezone.localdate()
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary=f"Viewed the chronology of person {person.pk}",
        detail={"contacts": [c.pk for c in page]},
    )
    query = {k: v for k, v in request.GET.lists() if k != "page" and any(v)}
    return render(
        request,
        "supervision/chronology.html",
        {
            "person": person,
            "form": form,
            "page": page,
            "query_string": urlencode(query, doseq=True),
            "filtered": bool(query),
            "withheld": selectors.chronology_withheld(actor, person, filters, shared=shared),
            "upcoming": list(selectors.person_appointments(actor, person)[:10]),
            "awaiting": list(selectors.person_appointments(actor, person, upcoming=False)[:10]),
            "suspension": selectors.suspension_on(person, today),
            "today": today,
        },
    )


@login_required
def contact_new(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Record a contact in the person's chronology, for the user's agency."""
    actor = request.actor
    person = _person(request, person_id, "recording a contact")
    now = timezone.localtime()
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        initial={"day": now.date(), "at": now.strftime("%H:%M")},
    )
    form.offer_agencies(_own_agencies(actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_contact(
                actor=actor,
                person=person,
                kind=data["kind"],
                occurred_at=data["occurred_at"],
                summary=data["summary"],
                outcome=data["outcome"],
                notes=data["notes"],
                sensitivity=data["sensitivity"],
                agency_id=data["agency"],
            )
        except services.SupervisionError as error:
            _refused(form, error)
        else:
            messages.success(request, "The contact is recorded in the chronology.")
            return redirect("person_chronology", person_id=person.pk)
    return render(request, "supervision/contact_form.html", {"person": person, "form": form})


@login_required
def appointment_book(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Book an appointment with the person for a practitioner of the user's agency."""
    actor = request.actor
    person = _person(request, person_id, "booking an appointment")
    practitioners = list(selectors.practitioners_for(actor))
    tomorrow = timezone.localdate() + timedelta(days=1)
    form = BookForm(
        request.POST if request.method == "POST" else None,
        initial={"practitioner": actor.user_id, "day": tomorrow, "starts": "10:00", "ends": "10:30"},
    )
    set_choices(form, "practitioner", [(u.pk, u.get_full_name() or u.username) for u in practitioners])
    form.offer_agencies(_own_agencies(actor))
    suspension = selectors.suspension_on(person, timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next(u for u in practitioners if u.pk == data["practitioner"])
        try:
            appointment = services.book_appointment(
                actor=actor,
                person=person,
                practitioner=chosen,
                kind=data["kind"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                purpose=data["purpose"],
                suspension_reason=data["suspension_reason"],
                agency_id=data["agency"],
            )
        except services.SupervisionError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                f"Appointment booked for {timezone.localtime(appointment.starts_at):%-d %B %Y at %H:%M}.",
            )
            return redirect("appointment", appointment_id=appointment.pk)
    return render(
        request, "supervision/book.html", {"person": person, "form": form, "suspension": suspension}
    )


def _appointment_page(
    request: AuthenticatedHttpRequest, appointment: Appointment, outcome_form: OutcomeForm
) -> HttpResponse:
    log_access(
        actor=request.actor,
        action=Action.CONSULTATION,
        person_id=appointment.person_id,
        obj=appointment,
        summary=f"Viewed appointment {appointment.pk}",
    )
    return render(
        request,
        "supervision/appointment.html",
        {
            "appointment": appointment,
            "person": appointment.person,
            "form": outcome_form,
            "due": appointment.starts_at <= timezone.now() + services.CLOCK_SLACK,
            "suspension": selectors.suspension_on(
                appointment.person_id, timezone.localdate(appointment.starts_at)
            ),
        },
    )


@login_required
def appointment(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    """An appointment, with its outcome recorded here once its time has come."""
    actor = request.actor
    item = selectors.appointment_for_actor(actor, appointment_id)
    form = OutcomeForm(request.POST if request.method == "POST" else None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_appointment_outcome(
                actor=actor,
                appointment=item,
                outcome=data["outcome"],
                notes=data["notes"],
                sensitivity=data["sensitivity"],
                version=data["version"],
            )
        except (services.SupervisionError, StaleEdit) as error:
            _refused(form, error)
        else:
            messages.success(request, f"Outcome recorded: {item.get_outcome_display().lower()}.")
            return redirect("person_chronology", person_id=item.person_id)
    return _appointment_page(request, item, form)


@login_required
def appointment_rearrange(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    """Move an appointment to another time, saying why."""
    actor = request.actor
    item = selectors.appointment_for_actor(actor, appointment_id, what="rearranging the appointment")
    start = timezone.localtime(item.starts_at)
    form = RearrangeForm(
        request.POST if request.method == "POST" else None,
        initial={
            "day": start.date(),
            "starts": start.strftime("%H:%M"),
            "ends": timezone.localtime(item.ends_at).strftime("%H:%M"),
            "version": item.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.rearrange_appointment(
                actor=actor,
                appointment=item,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data["reason"],
                suspension_reason=data["suspension_reason"],
                version=data["version"],
            )
        except (services.SupervisionError, StaleEdit) as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                f"Appointment rearranged to {timezone.localtime(moved.starts_at):%-d %B %Y at %H:%M}.",
            )
            return redirect("appointment", appointment_id=moved.pk)
    return render(
        request, "supervision/rearrange.html", {"appointment": item, "person": item.person, "form": form}
    )


@login_required
def appointment_cancel(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    """Cancel an appointment, saying why."""
    actor = request.actor
    item = selectors.appointment_for_actor(actor, appointment_id, what="cancelling the appointment")
    form = CancelForm(request.POST if request.method == "POST" else None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_appointment(
                actor=actor,
                appointment=item,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except (services.SupervisionError, StaleEdit) as error:
            _refused(form, error)
        else:
            messages.success(request, "Appointment cancelled.")
            return redirect("person_chronology", person_id=item.person_id)
    return render(
        request, "supervision/cancel.html", {"appointment": item, "person": item.person, "form": form}
    )


# --- The probation reset -----------------------------------------------------------------------------------


@login_required
def supervision_suspend(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Suspend supervision contact on one of the person's licences (the probation reset)."""
    actor = request.actor
    person = _person(request, person_id, "suspending supervision contact")
    licences = list(
        Sentence.objects.filter(person=person, kind=SentenceKind.CUSTODY).order_by("-sentence_date")
    )
    form = SuspendForm(
        request.POST if request.method == "POST" else None, initial={"starts_on": timezone.localdate()}
    )
    set_choices(form, "sentence", [(s.pk, _licence_label(s)) for s in licences])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.suspend_supervision(
                actor=actor,
                person=person,
                sentence=next(s for s in licences if s.pk == data["sentence"]),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
            )
        except services.SupervisionError as error:
            _refused(form, error)
        else:
            messages.success(
                request, "Supervision contact is suspended. Licence conditions and enforcement go on."
            )
            return redirect("person_chronology", person_id=person.pk)
    return render(
        request,
        "supervision/suspend.html",
        {
            "person": person,
            "form": form,
            "licences": licences,
            "history": list(selectors.suspensions(person)),
        },
    )


def _licence_label(sentence: Sentence) -> str:
    released = f", released {sentence.release_date:%-d %B %Y}" if sentence.release_date else ""
    expiry = (
        f", licence ends {sentence.licence_expiry_date:%-d %B %Y}" if sentence.licence_expiry_date else ""
    )
    return f"Sentenced {sentence.sentence_date:%-d %B %Y}{released}{expiry}"


@login_required
def supervision_resume(request: AuthenticatedHttpRequest, suspension_id: int) -> HttpResponse:
    """Resume supervision contact from a date: the suspension ends the day before."""
    actor = request.actor
    suspension = selectors.suspension_for_actor(actor, suspension_id)
    form = ResumeForm(
        request.POST if request.method == "POST" else None,
        initial={"on": timezone.localdate(), "version": suspension.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resume_supervision(
                actor=actor,
                suspension=suspension,
                on=form.cleaned_data["on"],
                version=form.cleaned_data["version"],
            )
        except (services.SupervisionError, StaleEdit) as error:
            _refused(form, error)
        else:
            messages.success(request, "Supervision contact resumes: appointments are expected again.")
            return redirect("person_chronology", person_id=suspension.person_id)
    return render(
        request,
        "supervision/resume.html",
        {"suspension": suspension, "person": suspension.person, "form": form},
    )


# --- The diary -------------------------------------------------------------------------------------------


def _day(value: str | None) -> date:
    """The day asked for, or today for anything else (a diary runs from 1900 to 2100)."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return timezone.localdate()
    return day if 1900 <= day.year <= 2100 else timezone.localdate()


@login_required
def diary(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's diary for a day or a week (Monday to Sunday), with the outcomes they still have to record
    and their calendar feed address."""
    actor = request.actor
    week = request.GET.get("view") == "week"
    day = _day(request.GET.get("date"))
    start = day - timedelta(days=day.weekday()) if week else day
    span = 7 if week else 1
    rows = selectors.diary(actor, request.user, start=start, days=span)
    by_day: dict[date, list[Appointment]] = {start + timedelta(days=n): [] for n in range(span)}
    for row in rows:
        by_day.setdefault(timezone.localdate(row.starts_at), []).append(row)
    to_record = list(selectors.outcomes_to_record(actor)[:50])
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed their diary from {start:%Y-%m-%d} ({span} day{'s' if week else ''})",
        detail={"person_ids": sorted({a.person_id for a in [*rows, *to_record]})},
    )
    view = "week" if week else "day"
    return render(
        request,
        "supervision/diary.html",
        {
            "week": week,
            "start": start,
            "end": start + timedelta(days=span - 1),
            "days": sorted(by_day.items()),
            "today": timezone.localdate(),
            "previous": urlencode({"view": view, "date": (start - timedelta(days=span)).isoformat()}),
            "next": urlencode({"view": view, "date": (start + timedelta(days=span)).isoformat()}),
            "other_view": urlencode({"view": "day" if week else "week", "date": start.isoformat()}),
            "to_record": to_record,
            "feed": selectors.feed_token_live(request.user),
            "feed_url": request.session.pop("diary_feed_url", ""),
        },
    )


@login_required
@require_POST
def diary_feed_token(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Issue a new calendar feed address (revoking the old one), or revoke it."""
    actor = request.actor
    if request.POST.get("action") == "revoke":
        services.revoke_feed_token(actor=actor)
        messages.success(request, "The calendar feed address is revoked: calendars using it stop updating.")
    else:
        token = services.issue_feed_token(actor=actor)
        # Shown once, on the next page; only its hash is kept.
        request.session["diary_feed_url"] = request.build_absolute_uri(reverse("diary_feed", args=[token]))
        messages.success(
            request, "A new calendar feed address is ready. Any earlier address no longer works."
        )
    return redirect(reverse("diary") + "#feed")


def diary_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The practitioner's diary as an iCalendar feed, at an address holding a revocable secret (no sign-in:
    calendar programs cannot sign in). A revoked or unknown token is 404."""
    owner = selectors.feed_owner(token)
    if owner is None:
        raise Http404("No such calendar.")
    actor = actor_for_user(
        owner,
        channel=Channel.WEB,
        purpose="case_management",
        ip_address=client_ip(request),
        path="/diary/feed/",  # not the address: it holds the secret
    )
    rows = selectors.feed_appointments(actor, owner)
    log_access(
        actor=actor,
        action=Action.DISCLOSURE,
        summary=f"Diary calendar feed fetched ({len(rows)} appointments)",
        recipient="The practitioner's calendar program",
        detail={"person_ids": sorted({a.person_id for a in rows})},
    )
    body = diary_calendar(
        owner, rows, link=lambda a: request.build_absolute_uri(reverse("appointment", args=[a.pk]))
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="diary.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
