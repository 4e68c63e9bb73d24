"""Pages. Views parse input, call a selector or service, and render; no business rules here."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from desist import risk
from desist.assessments.forms import AssessmentForm
from desist.assessments.models import Assessment, ScoreKind
from desist.assessments.selectors import can_record_assessments, current_scores, score_history
from desist.assessments.services import assessment_record
from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.audit.selectors import access_log_search
from desist.audit.services import log_access
from desist.iom.selectors import person_iom_history
from desist.offences.models import Offence
from desist.offences.services import UnknownCategory, offence_category_choose
from desist.people import selectors, services
from desist.people.selectors import merged_person
from desist.priority.models import PriorityGroupMembership
from desist.sentences.rules import SupervisionStatus, sentence_status, supervision_status
from desist.versioning import StaleEdit
from desist.web import search_log
from desist.web.forms import OTHER_PURPOSE, AccessLogFilterForm, CaseloadFilterForm, PurposeForm, SearchForm
from desist.web.purpose import JUSTIFICATION_KEY, PURPOSE_KEY, purpose_state, safe_next


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every signed-in user starts at their work queue: one list of what needs them today (issue 6).
    Signing in lands here too (LOGIN_REDIRECT_URL)."""
    return redirect("work_queue")


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
        "web/caseload.html",
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
    # Live search asks on every pause in typing: those keystroke searches are held, and the one the user settles
    # on is logged (desist.web.search_log); a submitted search, or a page opened at a search address, at once.
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
    template = "web/_search_results.html" if keystroke else "web/search.html"
    return render(request, template, {"form": form, "results": results, "search_id": search_id,
                                      "settle_seconds": settings.DESIST_SEARCH_SETTLE_SECONDS})


@login_required
@require_POST
def search_settled(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The results of a live search stayed on screen: log that search now (the fragment asks, once)."""
    search_log.search_settle(request, settled_by="kept on screen", search_id=request.POST.get("search", "")[:32])
    return HttpResponse(status=204)


@login_required
def person_record(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    actor = request.actor
    try:
        # The consultation is logged once the page has rendered: a page that fails is not logged as seen.
        return services.person_record_show(actor=actor, person_id=person_id,
                                           present=lambda record: _person_page(request, actor, record))
    except services.PersonNotFound:
        # Record linkage found this person to be another: their number now leads to the kept record.
        kept = merged_person(actor, person_id)
        if kept is not None:
            messages.info(request, f"Person {person_id} was merged into this record (see its merges).")
            return redirect("person", person_id=kept)
        raise Http404("No person with that number is available to you.") from None


def _person_page(request: AuthenticatedHttpRequest, actor: Actor, record: services.PersonRecord) -> HttpResponse:
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
        "web/person.html",
        {
            "person": person,
            "on": record.on,
            "status": supervision_status(sentences, record.on),
            "status_labels": SupervisionStatus.LABELS,
            "current_sentences": [s for s in sentences if status_today[s.pk] != SupervisionStatus.NONE],
            "past_sentences": [s for s in sentences if status_today[s.pk] == SupervisionStatus.NONE],
            "current_registers": [r for r in registers if r.end_date is None or r.end_date >= record.on],
            "past_registers": [r for r in registers if r.end_date is not None and r.end_date < record.on],
            "current_involvements": [i for i in involvements if i.end_date is None or i.end_date >= record.on],
            "past_involvements": [i for i in involvements if i.end_date is not None and i.end_date < record.on],
            "current_address": next((a for a in addresses if a.to_date is None), None),
            "addresses": addresses,
            "offences": list(person.offences.all()),
            "relationships": record.relatives,
            "key_dates": person.upcoming_key_dates[:6],  # type: ignore[attr-defined]  # Prefetch to_attr
            **risk_context(person.pk),
            "can_assess": can_record_assessments(actor),
        },
    )


def risk_context(person_id: int) -> dict[str, object]:
    """The Risk and needs section: current scores, the latest assessment and how figures changed."""
    scores = current_scores(person_id)
    assessment = Assessment.objects.filter(person_id=person_id).prefetch_related("sections").first()
    groups = list(PriorityGroupMembership.objects.filter(person_id=person_id))
    today = timezone.localdate()
    return {
        "offence_categories": risk.OFFENCE_CATEGORIES,
        "history": person_iom_history(person_id),
        "current_groups": [g for g in groups if g.is_current(today)],
        "past_groups": [g for g in groups if not g.is_current(today)],
        "scores": [scores[kind] for kind in ScoreKind.values if kind in scores],
        "assessment": assessment,
        "score_history": [s for s in score_history(person_id) if not s.is_current][:20],
    }


@login_required
def assessment_new(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Record an assessment for a person the user can see; only assessors (DESIST_ASSESSOR_*) may."""
    actor = request.actor
    person = selectors.person_for_actor(actor, person_id, what="record an assessment")
    if not can_record_assessments(actor):
        refuse(actor, summary=f"Refused to record an assessment for person {person_id}", person_id=person_id,
               reason="not an assessing role", status=403,
               message="Only assessing staff (probation or youth justice practitioners and managers) can record "
                       "assessments.")
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_record(actor=actor, person=person, **form.service_arguments())
        except (risk.RiskInputError, ValidationError) as error:
            # The form checks everything the service does; this keeps a surprise from losing the input.
            form.add_error(None, "; ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, f"Assessment {assessment.version} is recorded. The risk scores and tiers will "
                                      "be worked out again in a moment.")
            return redirect(f"{reverse('person', args=[person.pk])}#risk")
    return render(request, "web/assessment_form.html", {"person": person, "form": form})


@login_required
@require_POST
def offence_category(request: AuthenticatedHttpRequest, person_id: int, offence_id: int) -> HttpResponse:
    """A user says which OGRS3 category an offence falls in, where its code does not decide."""
    actor = request.actor
    offence = Offence.objects.filter(pk=offence_id, person_id=person_id,
                                     person__in=selectors.visible_people(actor)).first()
    if offence is None:
        refuse(actor, summary=f"Refused to choose the category of offence {offence_id} of person {person_id}",
               person_id=person_id)
    try:
        offence_category_choose(actor=actor, offence=offence, category=request.POST.get("category", ""),
                                read=request.POST.get("read"))
    except (UnknownCategory, StaleEdit) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The category is saved; OGRS3 will be worked out again in a moment.")
    return redirect(f"{reverse('person', args=[person_id])}#risk")


@login_required
def set_purpose(request: AuthenticatedHttpRequest) -> HttpResponse:
    """State, or change, why this session is using desist; then go back to the page asked for."""
    actor = request.actor
    data = request.POST if request.method == "POST" else None
    stated = request.session.get(PURPOSE_KEY, "")
    initial = {"purpose": stated, "other_reason": request.session.get(JUSTIFICATION_KEY, ""),
               "next": request.GET.get("next", "")}
    form = PurposeForm(data, initial=initial, administrator=actor.is_administrator)
    target = safe_next(request, (data or request.GET).get("next", ""))
    if form.is_valid():
        purpose_state(request.session, purpose=form.cleaned_data["purpose"],
                      justification=form.cleaned_data["other_reason"])
        return HttpResponseRedirect(target)
    return render(request, "web/purpose.html", {"form": form, "next": target, "stated": stated,
                                                "other": OTHER_PURPOSE})


@login_required
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.actor
    if not actor.is_administrator:
        refuse(actor, summary="Refused to search the access log", reason="not an administrator", status=403,
               message="Only administrators can search the access log.")
    form = AccessLogFilterForm(request.GET or None)
    entries = access_log_search()
    if form.is_valid():
        entries = access_log_search(**{k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    # Reading the log is itself a consultation: the entries name people and users.
    log_access(actor=actor, action=Action.CONSULTATION, summary=f"Searched the access log ({page.paginator.count} entries)",
               detail={"filters": {k: str(v) for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/access_log.html", {"form": form, "page": page, "query_string": query.urlencode()})
