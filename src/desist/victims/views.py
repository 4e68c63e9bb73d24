"""Victim contact pages for the victim liaison role: the dashboard of outstanding and overdue notifications,
and a notification with its victim, completed with a recorded outcome. Anyone else gets 404, logged as denied."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.victims import selectors, services
from desist.victims.forms import CompleteForm
from desist.victims.models import VictimNotification

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _denied(actor: Actor, *, person_id: int | None, what: str) -> Http404:
    log_access(actor=actor, action=Action.DENIED, person_id=person_id, summary=f"Refused access to {what}",
               detail={"reason": "victim liaison role only, about people the user may see"})
    return Http404()


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Outstanding victim notifications, overdue first, with counts."""
    actor = _actor(request)
    if not services.is_victim_liaison(actor):
        raise _denied(actor, person_id=None, what="victim contact")
    today = timezone.localdate()
    mine = request.GET.get("mine") == "1"
    overdue = request.GET.get("overdue") == "1"
    rows = selectors.notifications_outstanding(actor, mine=mine)
    if overdue:
        rows = rows.filter(deadline__lt=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    log_access(actor=actor, action=Action.CONSULTATION, summary=f"Viewed victim notifications ({len(page)} shown)",
               detail={"person_ids": sorted({n.person_id for n in page})})
    return render(request, "victims/dashboard.html", {
        "page": page, "counts": selectors.notification_counts(actor, on=today), "today": today,
        "mine": mine, "overdue": overdue})


def _notification(actor: Actor, notification_id: int) -> VictimNotification:
    notification = selectors.notification_detail(actor, notification_id)
    if notification is None:
        person_id = VictimNotification.objects.filter(pk=notification_id).values_list("person_id", flat=True).first()
        raise _denied(actor, person_id=person_id, what=f"victim notification {notification_id}")
    return notification


@login_required
def notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """One notification: the event, the victim's choices and eligibility; complete it with an outcome."""
    actor = _actor(request)
    item = _notification(actor, notification_id)
    form = CompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_complete(actor=actor, notification=item, outcome=form.cleaned_data["outcome"],
                                           note=form.cleaned_data["note"])
        except services.VictimError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Notification complete: {item.summary}.")
            return redirect("victim_dashboard")
    log_access(actor=actor, action=Action.CONSULTATION, person_id=item.person_id, obj=item,
               summary=f"Viewed victim notification {item.pk}")
    return render(request, "victims/notification.html", {
        "item": item, "form": form, "today": timezone.localdate(),
        "eligibility": services.victim_eligibility(item.victim)})
