from typing import Any

from django import forms

from desist.families.selectors import CRITERIA, FLAGS
from desist.formfields import set_choices
from desist.partnership.models import District


class OverlapFilterForm(forms.Form):
    show = forms.ChoiceField(
        required=False, choices=[("families", "Families"), ("people", "People")], label="Rank"
    )
    district = forms.ChoiceField(required=False, choices=[])
    flag = forms.ChoiceField(required=False, choices=[("", "Any flag or none"), *FLAGS.items()])
    criteria = forms.ChoiceField(
        required=False, label="Criteria met", choices=[("", "Any or none"), *CRITERIA.items()]
    )
    min_agencies = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=50,
        label="At least this many agencies",
        error_messages={
            "invalid": "Enter a whole number of agencies, like 3",
            "min_value": "Enter a number of agencies of 1 or more",
            "max_value": "Enter a number of agencies of 50 or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "district", [("", "Any district"), *District.objects.values_list("code", "name")])
