"""Forms for the referral pages; the API feeds the same forms so both give the same messages."""

from __future__ import annotations

from typing import Any

from django import forms

from desist.formfields import set_choices
from desist.referrals.models import Outcome, Service
from desist.release.models import PATHWAY_CHOICES


class ReferralForm(forms.Form):
    service = forms.TypedChoiceField(
        coerce=int,
        choices=[],
        label="Service",
        error_messages={
            "required": "Choose the service to refer to.",
            "invalid_choice": "Choose a service from the list.",
        },
    )
    need = forms.ChoiceField(
        required=False, choices=[("", "The service's pathway"), *PATHWAY_CHOICES], label="Need (optional)"
    )
    detail = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
        label="What the provider needs to know (optional)",
    )

    def __init__(self, *args: Any, services: list[Service] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = services if services is not None else list(Service.objects.filter(is_active=True))
        set_choices(
            self,
            "service",
            [("", "Choose a service"), *((s.pk, f"{s.name} ({s.provider.name})") for s in rows)],
        )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        label="Why the referral is declined",
        error_messages={"required": "Say why the referral is declined."},
    )


class FinishForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=Outcome.choices, widget=forms.RadioSelect, error_messages={"required": "Choose the outcome."}
    )
    reason = forms.CharField(required=False, max_length=300, label="Why it ended (when ended early)")


class DetailForm(forms.Form):
    detail = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
        label="New details for the provider",
        error_messages={"required": "Enter the new details."},
    )


def form_errors(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)
