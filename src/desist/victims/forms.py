"""The forms for victim contact, for the pages and the API alike: recording and changing a victim, linking
them to an offence, and completing a notification."""

from __future__ import annotations

from typing import Any

from django import forms

from desist.formfields import set_choices
from desist.versioning import VersionFormField
from desist.victims.models import ContactPreference, Information, NotificationOutcome

YES_NO = [("yes", "Yes"), ("no", "No")]


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened",
        widget=forms.RadioSelect,
        choices=NotificationOutcome.choices,
        error_messages={"required": "Record the outcome before completing the notification."},
    )
    note = forms.CharField(
        label="Note (how you told them, or how you tried to reach them)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class VictimForm(forms.Form):
    """A victim's details: the least the scheme needs. Without the reference when changing them (it never
    changes)."""

    reference = forms.CharField(
        label="Victim liaison unit reference",
        max_length=40,
        error_messages={
            "required": "Enter the victim liaison unit's reference.",
            "max_length": "The reference must be 40 characters or fewer.",
        },
    )
    name = forms.CharField(
        label="Name (optional)",
        max_length=120,
        required=False,
        error_messages={"max_length": "The name must be 120 characters or fewer."},
    )
    contact_preference = forms.ChoiceField(
        label="How do they want to be contacted?",
        choices=ContactPreference.choices,
        error_messages={
            "required": "Choose how the victim wants to be contacted.",
            "invalid_choice": "Choose how the victim wants to be contacted.",
        },
    )
    opted_in = forms.ChoiceField(
        label="Have they opted in to the Victim Contact Scheme?",
        choices=YES_NO,
        error_messages={
            "required": "Say whether the victim has opted in to the Victim Contact Scheme.",
            "invalid_choice": "Say whether the victim has opted in to the Victim Contact Scheme.",
        },
    )
    wants_to_know = forms.MultipleChoiceField(
        label="What do they want to be told?",
        choices=Information.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose only from the list what they want to be told."},
    )
    version = VersionFormField()

    def __init__(self, *args: Any, change: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if change:
            del self.fields["reference"]
        else:
            del self.fields["version"]

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        if not reference:
            raise forms.ValidationError("Enter the victim liaison unit's reference.")
        return reference

    def clean_opted_in(self) -> bool:
        return self.cleaned_data["opted_in"] == "yes"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Opting in without choosing anything would raise no notification at all: ask, rather than assume.
        if data.get("opted_in") and not data.get("wants_to_know") and "wants_to_know" not in self.errors:
            self.add_error(
                "wants_to_know", "Choose what the victim wants to be told, or answer no to opting in."
            )
        return data

    @staticmethod
    def initial_for(victim: Any) -> dict[str, Any]:
        """The form's starting values for changing a recorded victim."""
        return {
            "name": victim.name,
            "contact_preference": victim.contact_preference,
            "opted_in": "yes" if victim.opted_in else "no",
            "wants_to_know": list(victim.wants_to_know),
            "version": victim.version,
        }


class VictimSearchForm(forms.Form):
    reference = forms.CharField(label="Reference", max_length=40, required=False)


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, date of birth or identifier of the person who committed the offence",
        max_length=200,
        required=False,
        help_text="For example, a name and date of birth, a CRN or a PNC number",
    )


class LinkForm(forms.Form):
    """Which offence of the person a victim is linked to; from the person's side, which victim too."""

    reference = forms.CharField(
        label="Victim liaison unit reference",
        max_length=40,
        error_messages={"required": "Enter the reference of the victim to link."},
    )
    offence = forms.TypedChoiceField(
        label="Which offence?",
        coerce=int,
        choices=[],
        error_messages={
            "required": "Choose the offence the victim is linked to.",
            "invalid_choice": "Choose one of this person's offences.",
        },
    )

    def __init__(self, *args: Any, offences: list[Any], with_reference: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "offence", [(o.pk, offence_label(o)) for o in offences])
        if not with_reference:
            del self.fields["reference"]


def offence_label(offence: Any) -> str:
    """An offence as the victim liaison officer recognises it: code, description, date, outcome."""
    code = offence.offence_code
    text = f"{code.code} {code.description or code.ogrs3_category}, committed {offence.offence_date:%d %b %Y}"
    text += f", {offence.get_outcome_display().lower()} {offence.outcome_date:%d %b %Y}"
    return text + (" (domestic abuse)" if offence.domestic_abuse else "")
