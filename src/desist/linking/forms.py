from django import forms

from desist.linking.models import Decision


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=Decision.choices,
        error_messages={
            "required": "Choose match, not a match or unsure.",
            "invalid_choice": "Choose match, not a match or unsure.",
        },
    )
    note = forms.CharField(
        required=False, max_length=2000, label="Note (optional)", widget=forms.Textarea(attrs={"rows": 3})
    )
    # The number of decisions the page showed; absent (a script, an old page) means "whatever is recorded
    # now".
    decisions_read = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class RunForm(forms.Form):
    full = forms.BooleanField(required=False, label="Score every pair again (a full run)")
