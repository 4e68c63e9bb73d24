"""What a manager types to allocate or transfer a case: the worker (a choice among the team's people) and a
note; the team to transfer to."""

from __future__ import annotations

from django import forms


class AllocateForm(forms.Form):
    worker = forms.TypedChoiceField(label="Allocate to", coerce=int, choices=[])
    note = forms.CharField(
        label="Note for the practitioner and the record",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
    )


class TransferForm(forms.Form):
    team = forms.TypedChoiceField(label="Transfer to team", coerce=int, choices=[])
    note = forms.CharField(label="Why the case is moving", widget=forms.Textarea, max_length=2000)
