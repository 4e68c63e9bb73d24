"""Monitoring pages: a person's monitoring (orders, each zone drawn as an inline SVG over the schematic
district boundaries with a text alternative, recent events and open alerts), the officer's open alerts, an
alert with acknowledging and judging, and the feed upload for monitoring staff with its row-level report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.audit.services import log_access
from desist.core.sharing import SENTENCE
from desist.monitoring import selectors, services
from desist.monitoring.forms import FeedForm, JudgeForm, OrderForm
from desist.monitoring.models import Alert, FeedImport, OrderKind
from desist.people.selectors import person_for_actor
from desist.sentences.models import LicenceCondition, Requirement
from desist.sharing.pages import not_shared


@login_required
def person_monitoring(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    actor = request.actor
    person = person_for_actor(actor, person_id, what="the electronic monitoring")
    if withheld := not_shared(request, person, SENTENCE, title="Electronic monitoring"):
        return withheld
    may_track = selectors.may_track(actor)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary="Viewed the electronic monitoring",
    )
    return render(
        request,
        "monitoring/person_monitoring.html",
        {
            "person": person,
            "orders": selectors.person_orders(person),
            "events": selectors.person_events(person),
            "alerts": selectors.person_open_alerts(person),
            "may_monitor": selectors.may_monitor(actor),
            "may_track": may_track,
            "tracked": may_track and selectors.tracked_orders([person.pk], timezone.localdate()).exists(),
            "now": timezone.now(),
        },
    )


@login_required
def order_create(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Set up a monitoring order under one of the person's active requirements or licence conditions:
    probation staff who may see the person; the service checks the order and the page shows its refusal."""
    actor = request.actor
    person = person_for_actor(actor, person_id, what="set up electronic monitoring")
    if not selectors.may_monitor(actor):
        refuse(
            actor,
            summary=f"Refused setting up electronic monitoring for person {person.pk}",
            person_id=person.pk,
            reason="not probation staff",
            status=403,
            message="Only probation staff set up electronic monitoring.",
        )
    bases = selectors.order_bases(person)
    form = OrderForm(request.POST or None, kinds=list(OrderKind.choices), bases=bases)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        which, _, pk = data["basis"].partition(":")
        requirement = (
            Requirement.objects.select_related("sentence").get(pk=pk, sentence__person=person)
            if which == "requirement"
            else None
        )
        condition = (
            LicenceCondition.objects.select_related("sentence").get(pk=pk, sentence__person=person)
            if which == "condition"
            else None
        )
        try:
            services.create_order(
                actor=actor,
                person=person,
                kind=data["kind"],
                requirement=requirement,
                licence_condition=condition,
                start_date=data["start_date"],
                end_date=data["end_date"],
                curfew_start=data["curfew_start"],
                curfew_end=data["curfew_end"],
                curfew_days="".join(data["curfew_days"]),
                home_latitude=data["home_latitude"],
                home_longitude=data["home_longitude"],
                zone=data["zone"],
                zone_name=data["zone_name"],
                supplier=data["supplier"],
                device_id=data["device_id"],
            )
        except services.MonitoringError as error:
            errors = [str(error)]
        else:
            messages.success(request, "Monitoring order set up.")
            return redirect("person_monitoring", person_id=person.pk)
    return render(
        request,
        "monitoring/order_form.html",
        {"person": person, "form": form, "errors": errors, "has_bases": bool(bases)},
        status=400 if errors or form.errors else 200,
    )


@login_required
def my_alerts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in officer's open monitoring alerts, soonest due first."""
    alerts = list(selectors.open_alerts_for(request.actor)[:200])
    return render(request, "monitoring/alerts.html", {"alerts": alerts, "now": timezone.now()})


def _alert_page(
    request: AuthenticatedHttpRequest,
    item: Alert,
    *,
    errors: list[str] | None = None,
    form: JudgeForm | None = None,
) -> HttpResponse:
    actor = request.actor
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=item.person_id,
        obj=item,
        summary="Viewed a monitoring alert",
    )
    context: dict[str, Any] = {
        "alert": item,
        "event": item.event,
        "person": item.person,
        "may_monitor": selectors.may_monitor(actor),
        "form": form or JudgeForm(prefix="judge"),
        "errors": errors or [],
        "now": timezone.now(),
    }
    return render(
        request, "monitoring/alert.html", context, status=400 if errors or (form and form.errors) else 200
    )


@login_required
def alert(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    return _alert_page(request, selectors.alert_for_actor(request.actor, alert_id))


@login_required
@require_POST
def alert_action(request: AuthenticatedHttpRequest, alert_id: int, action: str) -> HttpResponse:
    """Acknowledge the alert, or judge it."""
    actor = request.actor
    item = selectors.alert_for_actor(actor, alert_id)
    if action not in ("acknowledge", "judge"):
        raise Http404()
    try:
        if action == "acknowledge":
            services.acknowledge_alert(actor=actor, alert=item)
            done = "Alert acknowledged."
        else:
            form = JudgeForm(request.POST, prefix="judge")
            if not form.is_valid():
                return _alert_page(request, item, form=form)
            judged = services.judge_alert(
                actor=actor,
                alert=item,
                judgement=form.cleaned_data["judgement"],
                reason=form.cleaned_data["reason"],
            )
            done = "Judgement recorded." + (
                " A failure to comply was recorded for enforcement." if judged.failure_id else ""
            )
    except services.MonitoringError as error:
        return _alert_page(request, selectors.alert_for_actor(actor, alert_id), errors=[str(error)])
    messages.success(request, done)
    return redirect("monitoring_alert", alert_id=item.pk)


def _require_monitor(request: AuthenticatedHttpRequest, what: str) -> None:
    if not selectors.may_monitor(request.actor):
        refuse(
            request.actor,
            summary=f"Refused {what}",
            reason="not probation staff",
            status=403,
            message="Only probation staff import monitoring feeds.",
        )


@login_required
def feeds(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a supplier's event feed; the recent imports below."""
    _require_monitor(request, "the monitoring feed upload")
    form = FeedForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.import_feed(
            actor=request.actor,
            supplier=form.cleaned_data["supplier"],
            content=upload.read(),
            file_name=upload.name or "feed",
        )
        return redirect("monitoring_feed", feed_id=result.pk)
    return render(
        request,
        "monitoring/feeds.html",
        {"form": form, "imports": selectors.feed_imports()},
        status=400 if form.errors else 200,
    )


@login_required
def feed(request: AuthenticatedHttpRequest, feed_id: int) -> HttpResponse:
    """A feed import's counts, or its row-level error report."""
    _require_monitor(request, "a monitoring feed's report")
    found = FeedImport.objects.select_related("imported_by").filter(pk=feed_id).first()
    if found is None:
        raise Http404()
    return render(request, "monitoring/feed.html", {"feed": found})


# --- Tracking with the police (IOM) -------------------------------------------------------------------


@login_required
def tracking_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The IOM cohort members on trail monitoring the actor may see, with when each was last located."""
    actor = request.actor
    if not selectors.may_track(actor):
        refuse(
            actor,
            summary="Refused the IOM location tracking list",
            reason="not police or probation staff",
            status=403,
            message="Location tracking is for the IOM police officers and probation staff.",
        )
    people = list(selectors.tracked_people(actor)[:200])
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed the IOM location tracking list ({len(people)} people)",
        detail={"person_ids": [p.pk for p in people]},
    )
    return render(request, "monitoring/tracking_list.html", {"people": people})


@login_required
def person_tracking(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """A tracked IOM cohort member's latest location points and zone alerts over the zone map; the map and
    table refresh by HTMX polling (the fragment), and every view and refresh is in the access log."""
    actor = request.actor
    person = selectors.tracking_for_actor(actor, person_id)
    if withheld := not_shared(request, person, SENTENCE, title="Tracking"):
        return withheld
    tracking = selectors.person_tracking(person)
    refresh = bool(request.htmx) and not request.htmx.history_restore_request
    latest = tracking.latest
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary="Refreshed the location tracking" if refresh else "Viewed the location tracking",
        detail={
            "points": len(tracking.points),
            "latest_event": latest.pk if latest else None,
            "alerts": [a.pk for a in tracking.alerts],
        },
    )
    return render(
        request,
        "monitoring/_tracking.html" if refresh else "monitoring/tracking.html",
        {
            "person": person,
            "tracking": tracking,
            "poll_seconds": selectors.TRACKING_POLL_SECONDS,
            "now": timezone.now(),
        },
    )
