"""A person's pages: the caseload, search, and the person record (merges in desist.people.merges)."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from desist.assessments.selectors import can_record_assessments
from desist.assessments.views import risk_context
from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest
from desist.audit.services import log_access
from desist.people import search_log, selectors, services
from desist.people.forms import CaseloadFilterForm, SearchForm
from desist.people.selectors import merged_person
from desist.sentences.rules import SupervisionStatus, sentence_status, supervision_status


@login_required
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.actor
    form = CaseloadFilterForm(request.GET or None)
    filters = selectors.CaseloadFilters()
    if form.is_valid():
        filters = selectors.CaseloadFilters(**{k: v or "" for k, v in form.cleaned_data.items()})
        if not filters.sort:
            filters = dataclasses.replace(filters, sort="next_key_date")
    people = selectors.caseload(actor, filters)
    page = Paginator(people, settings.DESIST_PAGE_SIZE).get_page(request.GET.get("page"))
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed caseload page {page.number} ({len(page.object_list)} people)",
        detail={"person_ids": [p.pk for p in page.object_list], "filters": filters.__dict__},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/caseload.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "status_labels": SupervisionStatus.LABELS,
            "query_string": query.urlencode(),
        },
    )


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.actor
    form = SearchForm(request.GET or None)
    results = None
    # Live search asks on every pause in typing: those keystroke searches are held, and the one the user
    # settles on is logged (desist.people.search_log); a submitted search, or a page opened at a search
    # address, at once.
    htmx = request.htmx
    keystroke = bool(htmx) and not htmx.history_restore_request
    search_id = ""
    if form.is_valid() and form.cleaned_data["q"]:
        results = selectors.person_search(actor, form.cleaned_data["q"])
        shown = [r.person.pk for r in results]
        if keystroke:
            search_id = search_log.search_shown(request, query=form.cleaned_data["q"], person_ids=shown)
        else:
            search_log.search_submitted(request, query=form.cleaned_data["q"], person_ids=shown)
    template = "people/_search_results.html" if keystroke else "people/search.html"
    return render(
        request,
        template,
        {
            "form": form,
            "results": results,
            "search_id": search_id,
            "settle_seconds": settings.DESIST_SEARCH_SETTLE_SECONDS,
        },
    )


@login_required
@require_POST
def search_settled(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The results of a live search stayed on screen: log that search now (the fragment asks, once)."""
    search_log.search_settle(
        request, settled_by="kept on screen", search_id=request.POST.get("search", "")[:32]
    )
    return HttpResponse(status=204)


@login_required
def person_record(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    actor = request.actor
    try:
        # The consultation is logged once the page has rendered: a page that fails is not logged as seen.
        return services.person_record_show(
            actor=actor, person_id=person_id, present=lambda record: _person_page(request, actor, record)
        )
    except services.PersonNotFound:
        # Record linkage found this person to be another: their number now leads to the kept record.
        kept = merged_person(actor, person_id)
        if kept is not None:
            messages.info(request, f"Person {person_id} was merged into this record (see its merges).")
            return redirect("person", person_id=kept)
        raise Http404("No person with that number is available to you.") from None


def _person_page(
    request: AuthenticatedHttpRequest, actor: Actor, record: services.PersonRecord
) -> HttpResponse:
    person = record.person
    sentences = list(person.sentences.all())
    status_today = {sentence.pk: sentence_status(sentence, record.on) for sentence in sentences}
    for sentence in sentences:
        sentence.status_today = status_today[sentence.pk]  # type: ignore[attr-defined]  # for the template
    registers = list(person.registers.all())
    involvements = list(person.involvements.all())
    addresses = list(person.addresses.all())
    return render(
        request,
        "people/person.html",
        {
            "person": person,
            "on": record.on,
            "status": supervision_status(sentences, record.on),
            "status_labels": SupervisionStatus.LABELS,
            "current_sentences": [s for s in sentences if status_today[s.pk] != SupervisionStatus.NONE],
            "past_sentences": [s for s in sentences if status_today[s.pk] == SupervisionStatus.NONE],
            "current_registers": [r for r in registers if r.end_date is None or r.end_date >= record.on],
            "past_registers": [r for r in registers if r.end_date is not None and r.end_date < record.on],
            "current_involvements": [
                i for i in involvements if i.end_date is None or i.end_date >= record.on
            ],
            "past_involvements": [
                i for i in involvements if i.end_date is not None and i.end_date < record.on
            ],
            "current_address": next((a for a in addresses if a.to_date is None), None),
            "addresses": addresses,
            "offences": list(person.offences.all()),
            "relationships": record.relatives,
            "key_dates": person.upcoming_key_dates[:6],  # type: ignore[attr-defined]  # Prefetch to_attr
            **risk_context(person.pk),
            "can_assess": can_record_assessments(actor),
        },
    )
