"""The access log's search filters."""

from django import forms

from desist.audit.models import Action


class AccessLogFilterForm(forms.Form):
    username = forms.CharField(required=False, max_length=150, label="User name")
    person_id = forms.IntegerField(required=False, min_value=1, label="Person number")
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *Action.choices])
    date_from = forms.DateField(required=False, label="From (yyyy-mm-dd)")
    date_to = forms.DateField(required=False, label="To (yyyy-mm-dd)")
    text = forms.CharField(required=False, max_length=100, label="Words in the summary")
