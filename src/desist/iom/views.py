"""IOM pages: candidates ranked by the matrix, the cohort against its caps, and panel decisions."""

from __future__ import annotations

from typing import NoReturn

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from desist.assessments.selectors import current_scores
from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.audit.services import log_access
from desist.iom import selectors, services
from desist.iom.forms import AdoptForm, CandidateFilterForm, ReasonForm, ReviewForm
from desist.iom.models import OPEN_STATUSES, Candidacy, CohortMembership, MembershipStatus
from desist.partnership.models import Membership
from desist.people.selectors import person_for_actor
from desist.versioning import StaleEdit

DECIDING_ROLES = {"coordinator", "manager", "administrator"}
LEAD_AGENCY_KINDS = ("probation", "police")


def _can_decide(request: AuthenticatedHttpRequest) -> bool:
    return bool(request.actor.roles & DECIDING_ROLES)


def _refuse_decision(actor: Actor, what: str, person_id: int | None) -> NoReturn:
    refuse(
        actor,
        summary=f"Refused to {what} for person {person_id}",
        person_id=person_id,
        status=403,
        reason="not a coordinator or manager",
        message=(
            "Only a partnership coordinator or manager can put people to the panel and record its decisions."
        ),
    )


@login_required
def candidates(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.actor
    today = timezone.localdate()
    form = CandidateFilterForm(request.GET or None)
    filters = selectors.CandidateFilters()
    if form.is_valid():
        filters = selectors.CandidateFilters(**form.cleaned_data)
    page = Paginator(selectors.candidates(actor, filters, on=today), 25).get_page(request.GET.get("page"))
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed IOM candidates ({len(page)} shown)",
        detail={"person_ids": [c.person_id for c in page]},
    )
    panel = selectors.last_panel(today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "iom/candidates.html",
        {
            "form": form,
            "page": page,
            "last_panel": panel,
            "can_decide": _can_decide(request),
            "query_string": query.urlencode(),
        },
    )


@login_required
@require_POST
def propose(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    actor = request.actor
    if not _can_decide(request):
        _refuse_decision(actor, "propose to the IOM panel", person_id)
    person = person_for_actor(actor, person_id, what="propose to the IOM panel")
    try:
        membership = services.cohort_propose(actor=actor, person=person, notes=request.POST.get("notes", ""))
    except services.CohortDecisionError as error:
        open_one = (
            CohortMembership.objects.filter(person=person, status__in=OPEN_STATUSES)
            .values_list("pk", flat=True)
            .first()
        )
        if open_one is not None:  # a second click, or a colleague first: the decision already open
            messages.info(request, f"{person.full_name} is already before the panel or in the cohort.")
            return redirect("iom_membership", membership_id=open_one)
        messages.error(request, str(error))
        return redirect("iom_candidates")
    messages.success(request, f"{person.full_name} is proposed to the panel.")
    return redirect("iom_membership", membership_id=membership.pk)


@login_required
def cohort(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.actor
    today = timezone.localdate()
    members = list(selectors.cohort(actor, on=today))
    waiting = list(selectors.proposed(actor, on=today))
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed the IOM cohort ({len(members)} people)",
        detail={"person_ids": [m.person_id for m in members + waiting]},
    )
    return render(
        request,
        "iom/cohort.html",
        {
            "members": members,
            "proposed": waiting,
            "capacity": selectors.capacity(),
            "district_capacity": selectors.district_capacity(),
            "today": today,
        },
    )


def _lead_choices() -> dict[int, tuple[str, list[tuple[str, str]]]]:
    choices: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for m in (
        Membership.objects.filter(agency__kind__in=LEAD_AGENCY_KINDS, is_active=True)
        .select_related("agency", "user")
        .order_by("agency__name", "user__last_name")
    ):
        choices.setdefault(m.agency_id, (m.agency.name, []))[1].append(
            (str(m.user_id), m.user.get_full_name() or m.user.username)
        )
    return choices


@login_required
def membership(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    actor = request.actor
    record = selectors.membership_for_actor(actor, membership_id)
    lead_choices = _lead_choices()
    candidacy = Candidacy.objects.filter(person_id=record.person_id).first()
    current = {"version": record.version}
    adopt_form = AdoptForm(
        lead_choices=lead_choices,
        initial={**current, "strand": candidacy.suggested_strand if candidacy else ""},
    )
    # Decline and de-select share a form; ids per use, so the error summary links to the right one.
    decline_form = ReasonForm(auto_id="decline-%s", initial=current)
    deselect_form = ReasonForm(auto_id="deselect-%s", initial=current)
    review_form = ReviewForm(auto_id="review-%s", initial=current)
    errors: list[str] = []
    sent: forms.Form | None = None
    if request.method == "POST":
        if not _can_decide(request):
            _refuse_decision(actor, "record an IOM panel decision", record.person_id)
        decision = request.POST.get("decision")
        try:
            if decision == "adopt":
                adopt_form = sent = AdoptForm(request.POST, lead_choices=lead_choices)
                if adopt_form.is_valid():
                    services.cohort_adopt(
                        actor=actor,
                        membership=record,
                        strand=adopt_form.cleaned_data["strand"],
                        review_date=adopt_form.cleaned_data["review_date"],
                        leads=adopt_form.leads(),
                        notes=adopt_form.cleaned_data["notes"],
                        version=adopt_form.cleaned_data["version"],
                    )
                    messages.success(request, f"{record.person.full_name} is adopted into the cohort.")
                    return redirect("iom_membership", membership_id=record.pk)
            elif decision in ("decline", "deselect"):
                reason_form = sent = ReasonForm(request.POST, auto_id=f"{decision}-%s")
                if decision == "decline":
                    decline_form = reason_form
                else:
                    deselect_form = reason_form
                if reason_form.is_valid():
                    action = services.cohort_decline if decision == "decline" else services.cohort_deselect
                    action(
                        actor=actor,
                        membership=record,
                        reason=reason_form.cleaned_data["reason"],
                        version=reason_form.cleaned_data["version"],
                    )
                    messages.success(request, "The panel's decision is recorded.")
                    return redirect("iom_membership", membership_id=record.pk)
            elif decision == "review":
                review_form = sent = ReviewForm(request.POST, auto_id="review-%s")
                if review_form.is_valid():
                    services.cohort_review(
                        actor=actor,
                        membership=record,
                        next_review=review_form.cleaned_data["next_review"],
                        notes=review_form.cleaned_data["notes"],
                        version=review_form.cleaned_data["version"],
                    )
                    messages.success(request, "The review is recorded.")
                    return redirect("iom_membership", membership_id=record.pk)
        except (services.CohortDecisionError, StaleEdit) as error:
            # In the error summary, with what was entered kept; the record as it now stands.
            errors.append(str(error))
            record = selectors.membership_for_actor(actor, membership_id)
    scores = current_scores(record.person_id)
    response = render(
        request,
        "iom/membership.html",
        {
            "membership": record,
            "person": record.person,
            "candidacy": candidacy,
            "ogrs3": scores.get("ogrs3"),
            "tier": scores.get("tier"),
            "history": selectors.person_iom_history(record.person_id),
            "adopt_form": adopt_form,
            "decline_form": decline_form,
            "deselect_form": deselect_form,
            "review_form": review_form,
            "can_decide": _can_decide(request),
            "statuses": MembershipStatus,
            "errors": errors,
            "sent_form": sent,
            "error_first": next(iter(sent.visible_fields())).auto_id if sent else "",
        },
    )
    # Logged once the page has rendered: a page that fails is not logged as seen.
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=record.person_id,
        obj=record,
        summary=f"Viewed IOM panel decision for person {record.person_id}",
    )
    return response
