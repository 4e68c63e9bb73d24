"""The access log's search page, for administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from desist.audit.forms import AccessLogFilterForm
from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.audit.selectors import access_log_search
from desist.audit.services import log_access


@login_required
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.actor
    if not actor.is_administrator:
        refuse(
            actor,
            summary="Refused to search the access log",
            reason="not an administrator",
            status=403,
            message="Only administrators can search the access log.",
        )
    form = AccessLogFilterForm(request.GET or None)
    entries = access_log_search()
    if form.is_valid():
        entries = access_log_search(**{k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    # Reading the log is itself a consultation: the entries name people and users.
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Searched the access log ({page.paginator.count} entries)",
        detail={
            "filters": {k: str(v) for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
        },
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/access_log.html", {"form": form, "page": page, "query_string": query.urlencode()}
    )
