"""A person's pages: the caseload, search, and the person record (merges in desist.people.merges)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from desist.assessments.models import ScoreKind
from desist.assessments.selectors import can_record_assessments, current_scores
from desist.assessments.views import risk_context
from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest
from desist.audit.services import log_access
from desist.enforcement.selectors import caseload_progress, open_enforcement
from desist.monitoring.selectors import caseload_monitoring
from desist.partnership.models import AgencyKind
from desist.people import search_log, selectors, services
from desist.people.forms import CaseloadFilterForm, SearchForm
from desist.people.models import IdentifierKind
from desist.people.selectors import merged_person
from desist.registers.models import RegisterKind
from desist.sentences.rules import SupervisionStatus, sentence_status, supervision_status
from desist.sharing.selectors import (
    HEALTH_SECTIONS,
    WITHHELD,
    emergency_use,
    may_manage_restrictions,
    shared_categories,
    shared_categories_for,
)
from desist.sharing.selectors import refusal as sharing_refusal
from desist.supervision.selectors import person_appointments


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
    # Requirement progress for the page's people: one query, whatever the page holds.
    shown = [p.pk for p in page.object_list]
    progress = caseload_progress(shown)
    # Electronic monitoring in force, under a requirement or a licence condition: one query too.
    monitoring = caseload_monitoring(shown)
    for person in page.object_list:
        person.progress = progress.get(person.pk, [])
        person.monitoring = monitoring.get(person.pk, [])
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
        # Dates of birth and identifiers only where the agency's agreements share identity (set-based).
        shared = shared_categories_for(actor, shown)
        for result in results:
            result.identity_shared = "identity" in shared[result.person.pk]  # type: ignore[attr-defined]
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


# The record's sections, each its own page under /people/<id>/ (GOV.UK sub-navigation): the address part, the
# name in the navigation, and the sections of the access log's entry (services.RECORD_SECTIONS) it shows.
SECTIONS: dict[str, tuple[str, str, list[str]]] = {
    "overview": ("", "Overview", ["summary", "identity", "identifiers", "addresses"]),
    "risk": ("risk/", "Risk and needs", ["risk"]),
    "sentences": ("sentences/", "Sentences", ["sentences"]),
    "registers": ("registers/", "Registers and flags", ["registers"]),
    "household": ("household/", "Family and household", ["family"]),
    "offences": ("offences/", "Offence history", ["offences"]),
    "agencies": ("agencies/", "Agencies involved", ["agencies"]),
}


@login_required
def person_record(
    request: AuthenticatedHttpRequest, person_id: int, section: str = "overview"
) -> HttpResponse:
    actor = request.actor
    if section not in SECTIONS:
        raise Http404("No such section of a record.")
    try:
        # The consultation is logged once the page has rendered: a page that fails is not logged as seen.
        return services.person_record_show(
            actor=actor,
            person_id=person_id,
            present=lambda record: _person_page(request, actor, record, section),
            sections=SECTIONS[section][2],
        )
    except services.PersonNotFound:
        # Record linkage found this person to be another: their number now leads to the kept record.
        kept = merged_person(actor, person_id)
        if kept is not None:
            messages.info(request, f"Person {person_id} was merged into this record (see its merges).")
            return redirect(_section_url(section), person_id=kept)
        # Not a bare 404 (issue 16, item 2): a restricted case says whom to contact; any other refusal offers
        # emergency access, for the data protection officer's review. The refusal is already logged.
        why = sharing_refusal(actor, person_id)
        return render(
            request,
            "sharing/refused.html",
            {"person_id": person_id, "refusal": why},
            status=403 if why.reason else 404,
        )


def _section_url(section: str) -> str:
    return "person" if section == "overview" else f"person_{section}"


def _summary(
    actor: Actor, record: services.PersonRecord, status: str, registers: list[Any]
) -> dict[str, Any]:
    """What a practitioner scans first: numbers, tier, RoSH, MAPPA, offender manager, status, the next
    appointment and open enforcement. Three queries besides the record's own (scores, the next appointment,
    enforcement's counts)."""
    person = record.person
    identifiers = {i.kind: i.value for i in person.identifiers.all()}
    scores = current_scores(person.pk)
    mappa = next((r for r in registers if r.kind == RegisterKind.MAPPA), None)
    manager = next(
        (
            i
            for i in person.involvements.all()
            if i.agency.kind == AgencyKind.PROBATION and (i.end_date is None or i.end_date >= record.on)
        ),
        None,
    )
    enforcement = open_enforcement_summary(person.pk)
    return {
        "crn": identifiers.get(IdentifierKind.CRN, ""),
        "pnc": identifiers.get(IdentifierKind.PNC, ""),
        "tier": scores.get(ScoreKind.TIER) or scores.get(ScoreKind.TIER_LETTER),
        "rosh": scores.get(ScoreKind.ROSH),
        "mappa": mappa,
        "offender_manager": manager,
        "next_appointment": person_appointments(actor, person).first(),
        "enforcement": enforcement,
        "enforcement_total": sum(enforcement.values()),
    }


def open_enforcement_summary(person_id: int) -> dict[str, int]:
    counts = open_enforcement(person_id)
    return {key: value for key, value in counts.items() if value}


def _person_page(
    request: AuthenticatedHttpRequest, actor: Actor, record: services.PersonRecord, section: str
) -> HttpResponse:
    person = record.person
    sentences = list(person.sentences.all())
    status_today = {sentence.pk: sentence_status(sentence, record.on) for sentence in sentences}
    for sentence in sentences:
        sentence.status_today = status_today[sentence.pk]  # type: ignore[attr-defined]  # for the template
    registers = list(person.registers.all())
    involvements = list(person.involvements.all())
    addresses = list(person.addresses.all())
    status = supervision_status(sentences, record.on)
    current_registers = [r for r in registers if r.end_date is None or r.end_date >= record.on]
    context: dict[str, Any] = {
        "person": person,
        "on": record.on,
        "section": section,
        "section_title": SECTIONS[section][1],
        "sections": [(key, _section_url(key), title) for key, (_, title, _) in SECTIONS.items()],
        "status": status,
        "status_labels": SupervisionStatus.LABELS,
        "current_sentences": [s for s in sentences if status_today[s.pk] != SupervisionStatus.NONE],
        "past_sentences": [s for s in sentences if status_today[s.pk] == SupervisionStatus.NONE],
        "current_registers": current_registers,
        "past_registers": [r for r in registers if r.end_date is not None and r.end_date < record.on],
        "current_involvements": [i for i in involvements if i.end_date is None or i.end_date >= record.on],
        "past_involvements": [i for i in involvements if i.end_date is not None and i.end_date < record.on],
        "current_address": next((a for a in addresses if a.to_date is None), None),
        "addresses": addresses,
        "offences": list(person.offences.all()),
        "relationships": record.relatives,
        "key_dates": person.upcoming_key_dates[:6],  # type: ignore[attr-defined]  # Prefetch to_attr
        # Section-level sharing (desist.sharing, issue 16): each section shows only what the agency's
        # agreements allow, and says "not shared with your agency" for the rest.
        "shared": shared_categories(actor, person.pk, on=record.on),
        "withheld_label": WITHHELD,
        "health_sections": HEALTH_SECTIONS,
        "break_glass": emergency_use(actor, person.pk),
        # The Restrictions page's link, for those who may restrict the case (people/governance.py).
        "can_restrict": may_manage_restrictions(actor, person.pk),
    }
    if section == "overview":
        context["summary"] = _summary(actor, record, status, current_registers)
    if section == "risk":
        context.update(risk_context(person.pk))
        context["can_assess"] = can_record_assessments(actor)
    return render(request, "people/person.html", context)
