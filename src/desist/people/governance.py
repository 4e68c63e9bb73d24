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

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.audit.services import log_access
from desist.core import sharing as rules
from desist.formfields import set_choices
from desist.people.models import Person
from desist.people.selectors import person_for_actor
from desist.sharing import selectors as sharing
from desist.sharing import services as sharing_services
from desist.sharing.models import CaseRestriction, Consent, RestrictionKind


class RestrictionForm(forms.Form):
    kind = forms.ChoiceField(
        label="What to do",
        choices=[
            (RestrictionKind.RESTRICTED, "Restrict the case to this user (everyone not named is refused)"),
            (RestrictionKind.EXCLUDED, "Exclude this user from the case"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to restrict the case to the user or exclude them"},
    )
    who = forms.CharField(
        label="User",
        max_length=150,
        error_messages={"required": "Enter the user's username or full name"},
    )
    reason = forms.CharField(
        label="Why",
        max_length=255,
        error_messages={"required": "Say why the case is restricted"},
    )
    contact = forms.CharField(
        label="Whom a refused user should contact",
        max_length=255,
        error_messages={"required": "Say whom a refused user should contact"},
    )

    def clean_who(self) -> User:
        """The user named: by username, or by a full name only one active user has."""
        typed = self.cleaned_data["who"].strip()
        found = list(User.objects.filter(is_active=True, username__iexact=typed)[:2])
        if not found:
            first, _, last = typed.rpartition(" ")
            if first and last:
                found = list(
                    User.objects.filter(
                        is_active=True, first_name__iexact=first.strip(), last_name__iexact=last.strip()
                    )[:2]
                )
        if not found:
            raise forms.ValidationError("No user has this username or name")
        if len(found) > 1:
            raise forms.ValidationError("More than one user has this name: enter their username")
        return found[0]


class ConsentForm(forms.Form):
    agency = forms.TypedChoiceField(
        label="Agency or service the person agreed may see their record",
        coerce=int,
        error_messages={"required": "Choose the agency"},
    )
    categories = forms.MultipleChoiceField(
        label="What they agreed it may see",
        choices=[(key, label) for key, label in rules.CATEGORIES.items() if key != rules.VICTIMS],
        error_messages={"required": "Choose what they agreed to share"},
    )
    purposes = forms.MultipleChoiceField(
        label="For which purposes (none chosen: any)",
        required=False,
        choices=[
            (key, label)
            for key, label in settings.DESIST_PURPOSES.items()
            if key in ("case_management", "risk_management", "safeguarding", "partnership_panel")
        ],
    )
    scope = forms.CharField(
        label="What the person agreed to, in the words recorded with them",
        max_length=2000,
        error_messages={"required": "Say what the person agreed to"},
    )
    given_on = forms.DateField(
        label="Date consent was given",
        error_messages={"required": "Enter the date consent was given", "invalid": "Enter a real date"},
    )

    def clean_given_on(self) -> Any:
        given = self.cleaned_data["given_on"]
        if given > timezone.localdate():
            raise forms.ValidationError("The date consent was given must be today or in the past")
        return given


def _person(request: AuthenticatedHttpRequest, person_id: int, what: str) -> Person:
    """The person for the DPO (any record kept), else as the record gives them (refused as the record is)."""
    if sharing.is_dpo(request.actor):
        person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
        if person is None:
            refuse(request.actor, summary=f"Refused {what} of person {person_id}"[:255], person_id=person_id)
        return person
    return person_for_actor(request.actor, person_id, what=what)


def _managing(request: AuthenticatedHttpRequest, person_id: int) -> Person:
    person = _person(request, person_id, "the restrictions")
    if not sharing.may_manage_restrictions(request.actor, person_id):
        refuse(
            request.actor,
            summary=f"Refused the restrictions of person {person_id}",
            person_id=person_id,
            reason="not the offender manager, their team manager or the DPO",
            status=403,
            message="Only the case's offender manager, their team manager and the data protection officer "
            "may restrict a case.",
        )
    return person


@login_required
def person_restrictions(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """The case's restrictions and exclusions in force, who set them and why; restrict or exclude a user."""
    actor = request.actor
    person = _managing(request, person_id)
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
    person = _managing(request, person_id)
    if not CaseRestriction.objects.filter(
        pk=restriction_id, person_id=person.pk, ended_at__isnull=True
    ).exists():
        refuse(
            request.actor,
            summary=f"Refused to end restriction {restriction_id} of person {person.pk}",
            person_id=person.pk,
            reason="no such restriction in force",
        )
    sharing_services.end_restriction(actor=request.actor, restriction_id=restriction_id)
    messages.success(request, "The restriction is ended.")
    return redirect("person_restrictions", person_id=person.pk)


@login_required
def person_consents(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """The person's consents to sharing, in force and withdrawn; record one."""
    actor = request.actor
    person = _person(request, person_id, "the consents")
    form = ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()})
    agencies = list(sharing.consent_agencies())
    set_choices(form, "agency", [("", "Choose the agency"), *[(a.pk, a.name) for a in agencies]])
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
    person = _person(request, person_id, "the consents")
    if not Consent.objects.filter(Q(pk=consent_id) & Q(person_id=person.pk)).exists():
        refuse(
            request.actor,
            summary=f"Refused to withdraw consent {consent_id} of person {person.pk}",
            person_id=person.pk,
            reason="no such consent",
        )
    sharing_services.withdraw_consent(actor=request.actor, consent_id=consent_id)
    messages.success(request, "Consent withdrawn. It no longer shares anything.")
    return redirect("person_consents", person_id=person.pk)
