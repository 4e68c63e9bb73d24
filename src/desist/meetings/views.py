"""Meetings pages: the series, a series with its meetings (scheduling, the calendar feed, new MAPPA
referrals), the overdue actions by agency, a meeting (agenda, attendance, actions), recording attendance, each
case and the minutes, reading the minutes (a disclosure, logged), an action and its history, referring a
person to MAPPA, the agenda pack and the minutes as PDF, and the series' iCalendar feed."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from desist.audit.context import actor_for_user, client_ip
from desist.audit.models import Action, Channel
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.audit.services import log_access
from desist.formfields import set_choices
from desist.iom.models import MembershipStatus, Strand
from desist.marac.selectors import marac_cases_for_agenda, supports_victims
from desist.meetings import selectors, services
from desist.meetings.calendar import series_calendar
from desist.meetings.forms import (
    ActionForm,
    ActionStatusForm,
    AttendanceForm,
    IomDecisionForm,
    ItemForm,
    MinutesForm,
    ReferralForm,
    ScheduleForm,
)
from desist.meetings.models import AgendaItem, ItemKind, Meeting, MeetingStatus, SeriesKind
from desist.meetings.pack import agenda_pdf, minutes_pdf
from desist.meetings.services import IomDecision
from desist.partnership.models import Agency, Membership
from desist.people.selectors import person_for_actor

# The kinds of series whose agenda desist builds from its records (the others' agendas are other business).
BUILDS = (SeriesKind.MAPPA_LEVEL_2, SeriesKind.MAPPA_LEVEL_3, SeriesKind.IOM_PANEL, SeriesKind.MARAC)


def _log(request: AuthenticatedHttpRequest, summary: str, meeting: Meeting | None = None) -> None:
    log_access(actor=request.actor, action=Action.CONSULTATION, summary=summary[:255], obj=meeting)


@login_required
def series_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every meeting series of the partnership."""
    rows = list(selectors.series_list())
    _log(request, "Viewed the meeting series")
    return render(request, "meetings/series_list.html", {"series_list": rows})


@login_required
def series(request: AuthenticatedHttpRequest, series_id: int) -> HttpResponse:
    """A series: its meetings, scheduling the next, new MAPPA referrals waiting (for its coordinators), the
    calendar feed and the link to its overdue actions."""
    actor = request.actor
    chosen = selectors.series_for_actor(actor, series_id)
    runs = selectors.may_run(actor, chosen)
    meetings = list(selectors.series_meetings(chosen, actor)[:100])
    for meeting in meetings:
        # Link only the meetings the user may open: the rest are listed, not offered as a refusal.
        meeting.may_open = runs or meeting.invited  # type: ignore[attr-defined]
    now = timezone.now()
    waiting = list(selectors.new_referrals(chosen.mappa_level)) if runs and chosen.mappa_level else []
    marac_waiting = (
        marac_cases_for_agenda(timezone.localdate()).count()
        if runs and chosen.kind == SeriesKind.MARAC
        else 0
    )
    form = ScheduleForm(initial={"place": chosen.place})
    if request.method == "POST":
        if not runs:
            refuse(actor, summary=f"Refused to schedule a meeting of {chosen}", status=403)
        form = ScheduleForm(request.POST)
        if form.is_valid():
            try:
                meeting = services.meeting_schedule(
                    actor=actor,
                    series=chosen,
                    starts_at=form.starts_at(),
                    minutes=form.cleaned_data["minutes"],
                    place=form.cleaned_data["place"],
                )
            except services.MeetingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The meeting is scheduled and the member agencies invited.")
                return redirect("meeting", meeting.pk)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        obj=chosen,
        summary=f"Viewed the meeting series {chosen}"[:255],
        detail={"person_ids": sorted(r.person_id for r in waiting)},
    )
    return render(
        request,
        "meetings/series.html",
        {
            "series": chosen,
            "runs": runs,
            "upcoming": [m for m in reversed(meetings) if m.starts_at >= now],
            "past": [m for m in meetings if m.starts_at < now],
            "waiting": waiting,
            "marac_waiting": marac_waiting,
            "form": form,
            "agencies": list(chosen.agencies.order_by("name")),
            "feed": selectors.feed_token_live(chosen) if runs else None,
            "feed_url": request.session.pop("meeting_feed_url", None),
        },
    )


@login_required
def series_overdue(request: AuthenticatedHttpRequest, series_id: int) -> HttpResponse:
    """The series' overdue actions, by owner agency: counts for all, the actions for one's own agencies."""
    actor = request.actor
    chosen = selectors.series_for_actor(actor, series_id)
    today = timezone.localdate()
    report = selectors.overdue_by_agency(actor, chosen, on=today)
    _log(request, f"Viewed the overdue actions of {chosen}")
    return render(
        request,
        "meetings/overdue.html",
        {"series": chosen, "report": report, "today": today, "total": sum(r.overdue for r in report)},
    )


@login_required
@require_POST
def series_feed_token(request: AuthenticatedHttpRequest, series_id: int) -> HttpResponse:
    """Issue a new calendar feed address for the series (revoking the old one), or revoke it."""
    actor = request.actor
    chosen = selectors.series_for_actor(actor, series_id)
    if not selectors.may_run(actor, chosen):
        refuse(actor, summary=f"Refused the calendar feed of {chosen}", status=403)
    if request.POST.get("action") == "revoke":
        services.feed_token_revoke(actor=actor, series=chosen)
        messages.success(request, "The calendar feed address is revoked: calendars using it stop updating.")
    else:
        token = services.feed_token_issue(actor=actor, series=chosen)
        request.session["meeting_feed_url"] = request.build_absolute_uri(
            reverse("meeting_series_feed", args=[token])
        )
        messages.success(
            request, "A new calendar feed address is ready. Any earlier address no longer works."
        )
    return redirect(reverse("meeting_series", args=[chosen.pk]) + "#feed")


def series_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The series' meetings as an iCalendar feed, at an address holding a revocable secret (calendar programs
    cannot sign in). Dates, times and places only: no agenda. A revoked or unknown token is 404."""
    found = selectors.feed_series(token)
    if found is None:
        raise Http404("No such calendar.")
    chosen, issuer = found
    actor = actor_for_user(
        issuer,
        channel=Channel.WEB,
        purpose="case_management",
        ip_address=client_ip(request),
        path="/meetings/feed/",
    )
    rows = selectors.feed_meetings(chosen, since=timezone.now() - timedelta(days=90))
    log_access(
        actor=actor,
        action=Action.DISCLOSURE,
        obj=chosen,
        summary=f"Calendar feed of {chosen} fetched ({len(rows)} meetings)"[:255],
        recipient="A calendar program subscribed to the series",
    )
    body = series_calendar(
        chosen, rows, link=lambda m: request.build_absolute_uri(reverse("meeting", args=[m.pk]))
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def meeting(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    """A meeting: when and where, the agenda, who is invited and came, and its actions."""
    actor = request.actor
    chosen = selectors.meeting_for_actor(actor, meeting_id)
    items = selectors.agenda_shared(actor, selectors.agenda(chosen), where=f"the agenda of {chosen}")
    rows = selectors.attendance(chosen)
    actions = selectors.meeting_actions(chosen)
    runs = getattr(chosen, "runs", False)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        obj=chosen,
        summary=f"Viewed the agenda of {chosen}"[:255],
        detail={"person_ids": sorted({i.person_id for i in items if i.person_id})},
    )
    return render(
        request,
        "meetings/meeting.html",
        {
            "meeting": chosen,
            "items": items,
            "attendance": rows,
            "actions": actions,
            "today": timezone.localdate(),
            "may_build": runs and chosen.status == MeetingStatus.SCHEDULED and chosen.series.kind in BUILDS,
            "supports_victims": supports_victims(actor),
        },
    )


@login_required
@require_POST
def agenda_build(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    actor = request.actor
    chosen = selectors.meeting_for_actor(actor, meeting_id)
    selectors.require_runs(actor, chosen, "build the agenda")
    try:
        added = services.agenda_build(actor=actor, meeting=chosen)
    except services.MeetingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{len(added)} case{'s' if len(added) != 1 else ''} added to the agenda.")
    return redirect("meeting", chosen.pk)


@login_required
@require_POST
def invite(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    actor = request.actor
    chosen = selectors.meeting_for_actor(actor, meeting_id)
    selectors.require_runs(actor, chosen, "send the invitations")
    sent = services.invitations_send(actor=actor, meeting=chosen)
    messages.success(request, f"{sent} invitation{'s' if sent != 1 else ''} sent.")
    return redirect("meeting", chosen.pk)


@login_required
def attendance(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    """Record who came: present, apologies or absent for each invited agency."""
    actor = request.actor
    chosen = selectors.meeting_for_actor(actor, meeting_id)
    selectors.require_runs(actor, chosen, "record attendance")
    rows = selectors.attendance(chosen)
    form = AttendanceForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        services.attendance_record(actor=actor, meeting=chosen, statuses=form.statuses())
        messages.success(request, "Attendance recorded.")
        return redirect("meeting", chosen.pk)
    return render(request, "meetings/attendance.html", {"meeting": chosen, "form": form})


def _users_of(agency_ids: list[int]) -> list[tuple[int, str]]:
    rows = (
        Membership.objects.filter(agency_id__in=agency_ids, is_active=True, user__is_active=True)
        .select_related("user", "agency")
        .order_by("agency__name", "user__last_name", "user__first_name", "user_id")[:500]
    )
    return [(m.user_id, f"{m.user.get_full_name() or m.user.get_username()} ({m.agency.name})") for m in rows]


def _action_form(chosen: Meeting, data: QueryDict | None = None, *, item_id: int | None = None) -> ActionForm:
    form = ActionForm(data or None, initial={"item": item_id} if item_id else None)
    agency_ids = sorted({r.agency_id for r in chosen.attendance.all()})
    set_choices(
        form,
        "owner_agency",
        Agency.objects.filter(pk__in=agency_ids).order_by("name").values_list("pk", "name"),
    )
    set_choices(form, "owner_user", [("", "The agency (no one named)"), *_users_of(agency_ids)])
    set_choices(
        form,
        "item",
        [("", "The meeting as a whole"), *[(i.pk, str(i)) for i in chosen.items.order_by("position")]],
    )
    return form


def _iom_form(chosen: AgendaItem, data: QueryDict | None) -> IomDecisionForm:
    form = IomDecisionForm(data or None, initial={"discussion": chosen.discussion})
    membership = chosen.iom_membership
    assert membership is not None
    if membership.status == MembershipStatus.PROPOSED:
        decisions = [(IomDecision.ADOPT, "Adopt into the cohort"), (IomDecision.NOT_ADOPT, "Not adopted")]
    else:
        decisions = [(IomDecision.REVIEW, "Stays in the cohort: next review"), (IomDecision.EXIT, "Exit")]
    set_choices(form, "decision", [(str(k), v) for k, v in decisions])
    set_choices(form, "strand", [("", "Choose a strand"), *Strand.choices])
    agency_ids = sorted({r.agency_id for r in chosen.meeting.attendance.all()})
    set_choices(
        form,
        "lead_agency",
        [
            ("", "Choose an agency"),
            *Agency.objects.filter(pk__in=agency_ids).order_by("name").values_list("pk", "name"),
        ],
    )
    set_choices(form, "lead_user", [("", "No one named yet"), *_users_of(agency_ids)])
    return form


def _iom_item(request: AuthenticatedHttpRequest, chosen: AgendaItem) -> HttpResponse:
    """An IOM panel item: the chair records the panel's decision through the IOM services; it is the item's
    minute, and the item can carry actions."""
    actor = request.actor
    form = _iom_form(chosen, request.POST if request.method == "POST" and not chosen.heard else None)
    if request.method == "POST" and not chosen.heard and form.is_valid():
        data = form.cleaned_data
        try:
            services.iom_item_decide(
                actor=actor,
                item=chosen,
                decision=data["decision"],
                discussion=data["discussion"],
                strand=data["strand"],
                review_date=data["review_date"],
                lead_agency_id=data["lead_agency"],
                lead_user_id=data["lead_user"],
                reason=data["reason"],
            )
        except services.MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The panel's decision on item {chosen.position} is recorded.")
            return redirect("meeting_item", chosen.pk)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=chosen.person_id,
        obj=chosen,
        summary=f"Viewed agenda item {chosen.position} of {chosen.meeting}"[:255],
    )
    return render(
        request,
        "meetings/item_iom.html",
        {
            "item": chosen,
            "meeting": chosen.meeting,
            "membership": chosen.iom_membership,
            "form": form,
            "action_form": _action_form(chosen.meeting, item_id=chosen.pk),
            "actions": list(chosen.actions.select_related("owner_agency", "owner_user")),
        },
    )


@login_required
def item(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    """One case on the agenda: record the discussion, the next review and any change of level; its actions.
    An IOM panel's item records the panel's decision instead; a MARAC's shows the victim only to the roles
    that support victims."""
    actor = request.actor
    chosen = selectors.item_for_actor(actor, item_id)
    selectors.agenda_shared(actor, [chosen], where=f"agenda item {chosen.position} of {chosen.meeting}")
    if chosen.iom_membership_id is not None:
        return _iom_item(request, chosen)
    form = ItemForm(
        request.POST or None,
        initial={
            "discussion": chosen.discussion,
            "next_review_on": chosen.next_review_on,
            "accepted": "yes",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.item_record(
                actor=actor,
                item=chosen,
                discussion=data["discussion"],
                next_review_on=data["next_review_on"],
                level_after=data["level_after"],
                accepted=data["accepted"] if data["accepted"] != "" else True,
            )
        except services.MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Item {chosen.position} recorded.")
            return redirect(reverse("meeting", args=[chosen.meeting_id]) + f"#item-{chosen.pk}")
    if chosen.person_id:
        log_access(
            actor=actor,
            action=Action.CONSULTATION,
            person_id=chosen.person_id,
            obj=chosen,
            summary=f"Viewed agenda item {chosen.position} of {chosen.meeting}"[:255],
        )
    return render(
        request,
        "meetings/item.html",
        {
            "item": chosen,
            "meeting": chosen.meeting,
            "form": form,
            "action_form": _action_form(chosen.meeting, item_id=chosen.pk),
            "actions": list(chosen.actions.select_related("owner_agency", "owner_user")),
            "is_referral": chosen.kind == ItemKind.NEW_REFERRAL and chosen.mappa_referral_id is not None,
            "supports_victims": supports_victims(actor),
        },
    )


@login_required
def action_add(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    """Give an agency (and a person of it) an action from the meeting."""
    actor = request.actor
    chosen = selectors.meeting_for_actor(actor, meeting_id)
    selectors.require_runs(actor, chosen, "add an action")
    form = _action_form(chosen, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item_row = chosen.items.filter(pk=data["item"]).first() if data["item"] else None
        owner = User.objects.filter(pk=data["owner_user"]).first() if data["owner_user"] else None
        try:
            services.action_add(
                actor=actor,
                meeting=chosen,
                item=item_row,
                description=data["description"],
                owner_agency=Agency.objects.get(pk=data["owner_agency"]),
                owner_user=owner,
                due_on=data["due_on"],
            )
        except services.MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Action added: it is in the owner's work queue.")
            if item_row is not None:
                return redirect("meeting_item", item_row.pk)
            return redirect(reverse("meeting", args=[chosen.pk]) + "#actions")
    return render(request, "meetings/action_add.html", {"meeting": chosen, "form": form})


@login_required
def minutes(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    """The minutes, to the agencies present only; each reading is a disclosure in the access log. The
    coordinator records the general minutes here."""
    actor = request.actor
    chosen = selectors.meeting_for_actor(actor, meeting_id, what="the minutes of meeting")
    selectors.require_present(actor, chosen)
    form = MinutesForm(request.POST or None, initial={"minutes": chosen.minutes})
    if request.method == "POST":
        selectors.require_runs(actor, chosen, "record the minutes")
        if form.is_valid():
            try:
                services.minutes_record(actor=actor, meeting=chosen, minutes=form.cleaned_data["minutes"])
            except services.MeetingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Minutes recorded.")
                return redirect("meeting_minutes", chosen.pk)
    items = selectors.agenda_shared(actor, selectors.agenda(chosen), where=f"the minutes of {chosen}")
    services.minutes_consult(actor=actor, meeting=chosen, items=items)
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": chosen,
            "items": items,
            "attendance": selectors.attendance(chosen),
            "form": form if getattr(chosen, "runs", False) else None,
        },
    )


@login_required
def agenda_pack(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    """The agenda pack as PDF: the meeting, who is invited, and each case with its referral or last review."""
    actor = request.actor
    chosen = selectors.meeting_for_actor(actor, meeting_id)
    items = selectors.agenda_shared(actor, selectors.agenda(chosen), where=f"the agenda pack of {chosen}")
    log_access(
        actor=actor,
        action=Action.DISCLOSURE,
        obj=chosen,
        summary=f"Downloaded the agenda pack of {chosen}"[:255],
        recipient=f"{actor.username} of {actor.agency_code or 'no agency'}, invited to the meeting",
        detail={"person_ids": sorted({i.person_id for i in items if i.person_id})},
    )
    pdf = agenda_pdf(chosen, items, selectors.attendance(chosen))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="agenda-{chosen.pk}.pdf"'
    return response


@login_required
def minutes_pack(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    """The minutes as PDF, to the agencies present only (a disclosure, logged)."""
    actor = request.actor
    chosen = selectors.meeting_for_actor(actor, meeting_id, what="the minutes of meeting")
    selectors.require_present(actor, chosen)
    items = selectors.agenda_shared(actor, selectors.agenda(chosen), where=f"the minutes of {chosen} (PDF)")
    services.minutes_consult(actor=actor, meeting=chosen, items=items, form="PDF")
    pdf = minutes_pdf(chosen, items, selectors.attendance(chosen))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="minutes-{chosen.pk}.pdf"'
    return response


@login_required
def action(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    """An action: what, whose, by when, its status and history; the owner agency (or the coordinator) changes
    its status."""
    actor = request.actor
    chosen = selectors.action_for_actor(actor, action_id)
    may_change = selectors.may_change_action(actor, chosen)
    form = ActionStatusForm(request.POST or None, initial={"status": chosen.status})
    if request.method == "POST":
        if not may_change:
            refuse(actor, summary=f"Refused to change meeting action {chosen.pk}", status=403)
        if form.is_valid():
            try:
                services.action_status_set(
                    actor=actor,
                    action=chosen,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                )
            except services.MeetingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The action is updated.")
                return redirect("meeting_action", chosen.pk)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=chosen.person_id,
        obj=chosen,
        summary=f"Viewed meeting action {chosen.pk}",
    )
    return render(
        request,
        "meetings/action.html",
        {
            "action": chosen,
            "history": selectors.action_history(chosen),
            "form": form if may_change else None,
            "today": timezone.localdate(),
            # The coordinator may open the item the action came from.
            "runs": selectors.may_run(actor, chosen.meeting.series),
        },
    )


@login_required
def referral_new(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Refer a person on one's caseload to MAPPA level 2 or 3: category, reason and referring agency."""
    actor = request.actor
    person = person_for_actor(actor, person_id, what="MAPPA referral")
    form = ReferralForm(request.POST or None)
    set_choices(
        form, "agency", Agency.objects.filter(pk__in=sorted(actor.agency_ids)).values_list("pk", "name")
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mappa_referral_make(
                actor=actor,
                person=person,
                level=data["level"],
                category=data["category"],
                reason=data["reason"],
                referring_agency_id=data["agency"],
            )
        except services.MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Referred to MAPPA level {data['level']}: it goes on the next agenda.")
            return redirect(reverse("person", args=[person.pk]) + "#registers")
    return render(request, "meetings/referral_new.html", {"person": person, "form": form})
