"""A record's information governance pages (docs/information-governance.md): its restrictions and exclusions,
and the person's consents to sharing. The writes are desist.sharing's services, which check who may make
them and log each one.

Who may open them:

- **Restrictions**: the case's offender manager (lead worker of probation's open involvement), the managers of
  that involvement's team, and the data protection officer (`sharing.selectors.may_manage_restrictions`).
  Anyone else who may see the record is refused (403); anyone who may not, as for the record (404).
- **Consent**: everyone who may see the record (a person may tell any practitioner they withdraw it), and the
  data protection officer.

The DPO reaches both from their page for any person, without an agency's involvement: overseeing
restrictions and consent is their role. They see the person's name and number, nothing else of the record."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest
from desist.audit.services import log_access
from desist.core import sharing as rules
from desist.people.governance_access import (
    consent_of,
    consents_person,
    restriction_in_force,
    restrictions_person,
)
from desist.people.governance_forms import ConsentForm, RestrictionForm
from desist.sharing import selectors as sharing
from desist.sharing import services as sharing_services
from desist.sharing.models import RestrictionKind


@login_required
def person_restrictions(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """The case's restrictions and exclusions in force, who set them and why; restrict or exclude a user."""
    actor = request.actor
    person = restrictions_person(request.actor, person_id)
    form = RestrictionForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sharing_services.restrict_case(
                actor=actor,
                person_id=person.pk,
                kind=data["kind"],
                user=data["who"],
                reason=data["reason"],
                contact=data["contact"],
            )
        except sharing_services.SharingError as problem:
            errors.append(str(problem))
        else:
            who = data["who"].get_full_name() or data["who"].username
            messages.success(
                request,
                f"The case is restricted to {who}."
                if data["kind"] == RestrictionKind.RESTRICTED
                else f"{who} is excluded from the case.",
            )
            return redirect("person_restrictions", person_id=person.pk)
    rows = list(sharing.case_restrictions(person.pk))
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        summary=f"Viewed the restrictions of person {person.pk}",
        detail={"restrictions": [r.pk for r in rows]},
    )
    return render(
        request,
        "sharing/restrictions.html",
        {
            "person": person,
            "restricted": [r for r in rows if r.kind == RestrictionKind.RESTRICTED],
            "excluded": [r for r in rows if r.kind == RestrictionKind.EXCLUDED],
            "form": form,
            "errors": errors,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def person_restriction_end(
    request: AuthenticatedHttpRequest, person_id: int, restriction_id: int
) -> HttpResponse:
    person = restrictions_person(request.actor, person_id)
    restriction_in_force(request.actor, person, restriction_id)
    sharing_services.end_restriction(actor=request.actor, restriction_id=restriction_id)
    messages.success(request, "The restriction is ended.")
    return redirect("person_restrictions", person_id=person.pk)


@login_required
def person_consents(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """The person's consents to sharing, in force and withdrawn; record one."""
    actor = request.actor
    person = consents_person(request.actor, person_id)
    form = ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()})
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sharing_services.record_consent(
                actor=actor,
                person_id=person.pk,
                agency_id=data["agency"],
                categories=data["categories"],
                purposes=data["purposes"],
                scope=data["scope"],
                given_on=data["given_on"],
            )
        except sharing_services.SharingError as problem:
            errors.append(str(problem))
        else:
            messages.success(request, "Consent recorded. It applies from now.")
            return redirect("person_consents", person_id=person.pk)
    rows = list(sharing.consents(person.pk))
    for row in rows:
        row.category_labels = [rules.CATEGORIES.get(c, c) for c in row.categories]  # type: ignore[attr-defined]  # for the template
        row.purpose_labels = [  # type: ignore[attr-defined]  # for the template
            str(settings.DESIST_PURPOSES.get(p, p)) for p in row.purposes
        ]
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        summary=f"Viewed the consents of person {person.pk}",
        detail={"consents": [c.pk for c in rows]},
    )
    return render(
        request,
        "sharing/consents.html",
        {
            "person": person,
            "in_force": [c for c in rows if c.withdrawn_at is None],
            "withdrawn": [c for c in rows if c.withdrawn_at is not None],
            "form": form,
            "errors": errors,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def person_consent_withdraw(
    request: AuthenticatedHttpRequest, person_id: int, consent_id: int
) -> HttpResponse:
    """Withdraw a consent: the agencies that relied on it stop seeing what it shared from the next request."""
    person = consents_person(request.actor, person_id)
    consent_of(request.actor, person, consent_id)
    sharing_services.withdraw_consent(actor=request.actor, consent_id=consent_id)
    messages.success(request, "Consent withdrawn. It no longer shares anything.")
    return redirect("person_consents", person_id=person.pk)
