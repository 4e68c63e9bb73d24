"""Forms for subject access requests; the API feeds the same forms so both give the same messages."""

from __future__ import annotations

from django import forms

from desist.subject_access.models import Regime


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        error_messages={"required": f"Enter the {label.lower()}.", "invalid": "Enter a real date."},
    )


class RequestForm(forms.Form):
    person = forms.IntegerField(
        label="Person number",
        min_value=1,
        max_value=2**62,
        error_messages={"required": "Enter the person's number.", "invalid": "Enter a whole number."},
    )
    requester_name = forms.CharField(
        label="Who made the request",
        max_length=200,
        error_messages={"required": "Enter who made the request."},
    )
    requester_relation = forms.CharField(
        label="Acting for the person as (optional)", max_length=100, required=False
    )
    regime = forms.ChoiceField(
        label="Which law the request is under", choices=Regime.choices, initial=Regime.LAW_ENFORCEMENT
    )
    received_on = _date("Date received")
    identity_verified_on = _date("Date proof of identity was received (optional)", required=False)
    identity_evidence = forms.CharField(
        label="Proof of identity seen (optional)", max_length=200, required=False
    )


class IdentityForm(forms.Form):
    verified_on = _date("Date proof of identity was received")
    evidence = forms.CharField(
        label="Proof of identity seen", max_length=200, error_messages={"required": "Enter the proof seen."}
    )


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(label="Extend by", coerce=int, choices=[(1, "1 month"), (2, "2 months")])
    reason = forms.CharField(
        label="Why the request is complex",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the request is complex."},
    )


class RedactionForm(forms.Form):
    redact = forms.MultipleChoiceField(label="Redact", required=False, choices=[])

    def __init__(self, *args: object, candidates: list[dict[str, object]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["redact"].choices = [  # type: ignore[attr-defined]
            (c["id"], f"{c['section']} {c['row']} {c['field']} ({c['category']})") for c in candidates
        ]


class ReleaseForm(forms.Form):
    released_on = _date("Date released")
    method = forms.CharField(
        label="How it was sent", max_length=200, error_messages={"required": "Enter how it was sent."}
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why the request is closed",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the request is closed."},
    )
