from django import forms
from django.conf import settings

from desist.audit.models import Action
from desist.partnership.models import District
from desist.priority.models import PriorityGroup
from desist.registers.models import RegisterKind
from desist.sentences.rules import SupervisionStatus

SORT_CHOICES = [
    ("next_key_date", "Next key date (soonest first)"),
    ("name", "Name (A to Z)"),
    ("-name", "Name (Z to A)"),
    ("status", "Status"),
]


class CaseloadFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *SupervisionStatus.CHOICES])
    flag = forms.ChoiceField(required=False, choices=[("", "Any flag"), *RegisterKind.choices])
    district = forms.ChoiceField(required=False, choices=[])
    group = forms.ChoiceField(required=False, choices=[("", "Any group"), *PriorityGroup.choices],
                              label="Priority group")
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label="Sort by")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["district"].choices = [("", "Any district"), *District.objects.values_list("code", "name")]


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Name, date of birth or identifier",
        max_length=200,
        required=False,
        help_text="For example, John Smith 12/03/1990, a PNC number, CRN, prison, NHS or National Insurance number",
    )


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(choices=list(settings.DESIST_PURPOSES.items()))
    next = forms.CharField(required=False)


class AccessLogFilterForm(forms.Form):
    username = forms.CharField(required=False, max_length=150, label="User name")
    person_id = forms.IntegerField(required=False, min_value=1, label="Person number")
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *Action.choices])
    date_from = forms.DateField(required=False, label="From (yyyy-mm-dd)")
    date_to = forms.DateField(required=False, label="To (yyyy-mm-dd)")
    text = forms.CharField(required=False, max_length=100, label="Words in the summary")
