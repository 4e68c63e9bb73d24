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
from desist.monitoring import selectors, services
from desist.monitoring.forms import FeedForm, JudgeForm
from desist.monitoring.models import Alert, FeedImport
from desist.people.selectors import person_for_actor


@login_required
def person_monitoring(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    actor = request.actor
    person = person_for_actor(actor, person_id, what="the electronic monitoring")
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
            "now": timezone.now(),
        },
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
