"""The one form that completes a victim notification, for the page and the API alike."""

from __future__ import annotations

from django import forms

from desist.victims.models import NotificationOutcome


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened", widget=forms.RadioSelect,
        choices=NotificationOutcome.choices,
        error_messages={"required": "Record the outcome before completing the notification."})
    note = forms.CharField(label="Note (how you told them, or how you tried to reach them)", required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
