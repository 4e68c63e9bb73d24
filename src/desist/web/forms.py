from typing import Any

from django import forms
from django.conf import settings

from desist.audit.models import Action
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
    group = forms.ChoiceField(required=False, choices=[("", "Any group"), *PriorityGroup.choices],
                              label="Priority group")
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label="Sort by")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "district", [("", "Any district"), *District.objects.values_list("code", "name")])


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Name, date of birth or identifier",
        max_length=200,
        required=False,
        help_text="For example, John Smith 12/03/1990, a PNC number, CRN, prison, NHS or National Insurance number",
    )


OTHER_PURPOSE = "other"


def purpose_choices(*, administrator: bool) -> list[tuple[str, str]]:
    """The purposes a user may state: record linkage is stated by the review pages themselves, and system
    administration only by administrators."""
    return [(key, label) for key, label in settings.DESIST_PURPOSES.items()
            if key != "record_linkage" and (key != "administration" or administrator)]


class PurposeForm(forms.Form):
    """The purpose of a session's access (DPA 2018 s.62): one of the configured purposes, or "other" in words."""

    purpose = forms.ChoiceField(label="Why are you using desist?", choices=[],
                                error_messages={"required": "Choose the purpose of your access",
                                                "invalid_choice": "Choose the purpose of your access"})
    other_reason = forms.CharField(label="Say why", required=False, max_length=300,
                                   error_messages={"max_length": "Say why in 300 characters or fewer"})
    next = forms.CharField(required=False)

    def __init__(self, *args: Any, administrator: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "purpose", purpose_choices(administrator=administrator))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        reason = " ".join(str(data.get("other_reason") or "").split())
        data["other_reason"] = reason if data.get("purpose") == OTHER_PURPOSE else ""
        if data.get("purpose") == OTHER_PURPOSE and not reason:
            self.add_error("other_reason", "Say why you are using desist")
        return data


class AccessLogFilterForm(forms.Form):
    username = forms.CharField(required=False, max_length=150, label="User name")
    person_id = forms.IntegerField(required=False, min_value=1, label="Person number")
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *Action.choices])
    date_from = forms.DateField(required=False, label="From (yyyy-mm-dd)")
    date_to = forms.DateField(required=False, label="To (yyyy-mm-dd)")
    text = forms.CharField(required=False, max_length=100, label="Words in the summary")
