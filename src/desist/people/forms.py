"""The caseload's filters and the person search box."""

from typing import Any

from django import forms

from desist.formfields import set_choices
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
    group = forms.ChoiceField(
        required=False, choices=[("", "Any group"), *PriorityGroup.choices], label="Priority group"
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label="Sort by")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "district", [("", "Any district"), *District.objects.values_list("code", "name")])


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Name, date of birth or identifier",
        max_length=200,
        required=False,
        help_text=(
            "For example, John Smith 12/03/1990, a PNC number, CRN, prison, NHS or National Insurance number"
        ),
    )
