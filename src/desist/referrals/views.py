"""Referral pages: a person's referrals with making one (eligibility shown), a referral with its history, the
provider's inbox with its notices (marked read one by one or all at once), a service's waiting list, and
capacity by service and pathway."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest
from desist.audit.services import log_access
from desist.people.models import Person
from desist.people.selectors import person_for_actor, visible_people
from desist.referrals import selectors, services
from desist.referrals.actions import ACTIONS, referral_action_apply
from desist.referrals.forms import DeclineForm, DetailForm, FinishForm, ReferralForm
from desist.referrals.models import Referral, Service
from desist.sharing.selectors import shared_categories
from desist.versioning import StaleEdit


def visible_person(actor: Actor, person_id: int, what: str) -> Person:
    return person_for_actor(actor, person_id, what=f"the {what}")


visible_referral = selectors.referral_for_actor


@login_required
def person_referrals(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """A person's referrals, and making a new one: every service with whether the person fits it and why
    not."""
    actor = request.actor
    person = visible_person(actor, person_id, "referrals")
    today = timezone.localdate()
    offered = selectors.services_for(person, on=today, shared=shared_categories(actor, person.pk))
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        services=[s for s, reasons in offered if not reasons],
    )
    if request.method == "POST" and form.is_valid():
        service = Service.objects.select_related("provider").get(pk=form.cleaned_data["service"])
        try:
            referral = services.referral_make(
                actor=actor,
                person=person,
                service=service,
                need=form.cleaned_data["need"],
                detail=form.cleaned_data["detail"],
            )
        except services.ReferralError as error:
            form.add_error(None, str(error))  # does not fit, or an open referral for the need: in the summary
        else:
            messages.success(
                request,
                f"Referred to {service}. {service.provider} will be asked to respond "
                f"within {service.response_days} days.",
            )
            return redirect("referral", referral_id=referral.pk)
    referrals = selectors.with_sharing(
        actor, selectors.person_referrals(person.pk), where=f"the referrals of person {person.pk}"
    )
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary=f"Viewed the referrals of person {person.pk}",
        detail={"referrals": [r.pk for r in referrals]},
    )
    return render(
        request,
        "referrals/person_referrals.html",
        {
            "person": person,
            "referrals": referrals,
            "form": form,
            "not_eligible": [(s, reasons) for s, reasons in offered if reasons],
        },
    )


@login_required
def referral(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    return _referral_page(request, visible_referral(request.actor, referral_id))


def _referral_page(
    request: AuthenticatedHttpRequest,
    item: Referral,
    *,
    errors: list[str] | None = None,
    bound: forms.Form | None = None,
    error_target: str = "",
) -> HttpResponse:
    """The referral with its lifecycle forms; a step just refused shows its form as sent, with its errors."""
    actor = request.actor
    selectors.with_sharing(actor, [item], where=f"referral {item.pk}")
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=item.person_id,
        obj=item,
        summary=f"Viewed the referral to {item.service}",
    )
    is_provider = actor.is_administrator or item.service.provider_id in actor.agency_ids
    context = {
        "referral": item,
        "person": item.person,
        "is_provider": is_provider,
        "decline_form": DeclineForm(),
        "finish_form": FinishForm(),
        "detail_form": DetailForm(initial={"detail": item.detail}),
        "errors": errors or [],
        "error_form": bound,
        "error_target": error_target,
    }
    if bound is not None:
        context[
            {DeclineForm: "decline_form", FinishForm: "finish_form", DetailForm: "detail_form"}[type(bound)]
        ] = bound
    return render(request, "referrals/referral.html", context)


@login_required
@require_POST
def referral_action(request: AuthenticatedHttpRequest, referral_id: int, action: str) -> HttpResponse:
    """One step of the lifecycle, through the same services as the API."""
    actor = request.actor
    item = visible_referral(actor, referral_id)
    if action not in ACTIONS:
        raise Http404()
    form_class = {
        "decline": DeclineForm,
        "change": DetailForm,
        "complete": FinishForm,
        "end": FinishForm,
    }.get(action)
    bound = form_class(request.POST) if form_class else None
    if bound is not None and not bound.is_valid():
        # Field by field, on the referral's page (from the inbox too): the summary links to each field.
        return _referral_page(request, item, bound=bound)
    try:
        done = referral_action_apply(actor, item, action, request.POST)
    except (services.ReferralError, StaleEdit) as error:
        item = visible_referral(actor, referral_id)
        return _referral_page(
            request, item, errors=[str(error)], bound=bound, error_target=ACTION_TARGETS.get(action, "")
        )
    messages.success(request, done)
    if request.POST.get("next") == "inbox":
        return redirect("referral_inbox")
    return redirect("referral", referral_id=item.pk)


# Where a refusal of each step takes the user: the step's form.
ACTION_TARGETS = {
    "acknowledge": "acknowledge",
    "accept": "accept",
    "decline": "id_reason",
    "start": "start",
    "complete": "id_outcome",
    "end": "id_outcome",
    "change": "id_detail",
}


NOTICES_SHOWN = 50


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Referrals made to the user's agency and not yet answered, and the notices of changes."""
    actor = request.actor
    today = timezone.localdate()
    needing = list(selectors.referrals_needing(actor, today))
    notices = list(selectors.provider_notices_unread(actor)[:NOTICES_SHOWN])
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed the referral inbox ({len(needing)} shown)",
        detail={
            "person_ids": sorted({r.person_id for r in needing} | {n.referral.person_id for n in notices})
        },
    )
    return render(
        request,
        "referrals/inbox.html",
        {
            "needing": needing,
            "notices": notices,
            "today": today,
            "newest_notice": max((n.pk for n in notices), default=""),
            "decline_form": DeclineForm(),
        },
    )


@login_required
@require_POST
def notice_read(request: AuthenticatedHttpRequest, notice_id: int) -> HttpResponse:
    """Mark one notice read. With HTMX the row goes (an empty answer replaces it); without, back to the
    inbox."""
    actor = request.actor
    notice = selectors.notice_for_actor(actor, notice_id)
    services.provider_notice_read(actor=actor, notice=notice)
    if getattr(request, "htmx", False):
        return HttpResponse("")
    messages.success(request, f"Marked as read: {notice.summary}.")
    return redirect("referral_inbox")


@login_required
@require_POST
def notices_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark read every notice to the user's agencies, up to the newest the page showed."""
    actor = request.actor
    up_to = request.POST.get("up_to", "")
    count = services.provider_notices_read_all(actor=actor, up_to=int(up_to) if up_to.isdigit() else None)
    messages.success(request, f"Marked {count} notice{'s' if count != 1 else ''} as read.")
    return redirect("referral_inbox")


@login_required
def capacity(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Places, in use, waiting and average wait, by service and by pathway: no one's name, only counts."""
    rows = selectors.capacity(Service.objects.filter(is_active=True), on=timezone.localdate())
    return render(
        request, "referrals/capacity.html", {"rows": rows, "pathways": selectors.capacity_by_pathway(rows)}
    )


@login_required
def waiting_list(request: AuthenticatedHttpRequest, service_id: int) -> HttpResponse:
    """A service's waiting list: names only for people the user may see or on their own agency's service."""
    actor = request.actor
    service = get_object_or_404(Service.objects.select_related("provider"), pk=service_id)
    figures, entries = selectors.waiting_list(service, on=timezone.localdate())
    visible = set(
        visible_people(actor)
        .filter(pk__in=[e.referral.person_id for e in entries])
        .values_list("pk", flat=True)
    )
    # The provider names everyone waiting for its service; anyone else, administrators too, only the people
    # their own agencies may see (issue 10, item 7: being an administrator opens no one's record).
    own = service.provider_id in actor.agency_ids
    # Being on a service's list says what the person is referred for: others name only those whose referral
    # their agency's agreements give them (selectors.with_sharing; the provider's list is its own).
    if not own:
        selectors.with_sharing(
            actor,
            [e.referral for e in entries if e.referral.person_id in visible],
            where=f"the waiting list of {service}",
        )
    shown = [(e, own or (e.referral.person_id in visible and not e.referral.withheld)) for e in entries]
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed the waiting list of {service}",
        detail={"person_ids": sorted(e.referral.person_id for e, named in shown if named)},
    )
    return render(
        request, "referrals/waiting_list.html", {"service": service, "figures": figures, "entries": shown}
    )
