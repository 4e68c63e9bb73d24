"""The forms of a record's Restrictions and Consent pages, which the API validates through too
(desist.api.governance): a user named by username or full name, consent by agency, category and purpose."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from desist.core import sharing as rules
from desist.formfields import set_choices
from desist.sharing import selectors as sharing
from desist.sharing.models import RestrictionKind


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = list(sharing.consent_agencies())
        set_choices(self, "agency", [("", "Choose the agency"), *[(a.pk, a.name) for a in agencies]])

    def clean_given_on(self) -> Any:
        given = self.cleaned_data["given_on"]
        if given > timezone.localdate():
            raise forms.ValidationError("The date consent was given must be today or in the past")
        return given
