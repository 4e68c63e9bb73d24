"""The work queue page: what needs the signed-in user today, their own cases by default and, for a manager,
their team's (?view=team). With HTMX only the list comes back (refresh)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest
from desist.audit.services import log_access
from desist.workqueue.selectors import MINE, TEAM, may_see_team, work_queue


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.actor
    today = timezone.localdate()
    team = may_see_team(actor)
    scope = TEAM if team and request.GET.get("view") == TEAM else MINE
    groups = work_queue(actor, on=today, scope=scope)
    found = {
        getattr(row, "person_id", None) or getattr(getattr(row, "plan", None), "person_id", 0)
        for g in groups
        for row in g.rows
    }
    person_ids = sorted(person_id for person_id in found if person_id)
    whose = "the team's work queue" if scope == TEAM else "the work queue"
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed {whose} ({len(person_ids)} people)",
        detail={"person_ids": person_ids, "scope": scope},
    )
    template = "workqueue/_groups.html" if getattr(request, "htmx", False) else "workqueue/queue.html"
    return render(
        request,
        template,
        {
            "groups": groups,
            "today": today,
            "now": timezone.now(),
            "total": sum(g.count for g in groups),
            "capped": any(g.capped for g in groups),  # the team's counts stop at a thousand: "1,000+"
            "scope": scope,
            "may_see_team": team,
        },
    )
