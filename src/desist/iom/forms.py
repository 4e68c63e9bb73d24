from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from desist.formfields import set_choices
from desist.iom.models import Strand
from desist.partnership.models import District
from desist.versioning import VersionFormField


class CandidateFilterForm(forms.Form):
    district = forms.ChoiceField(required=False, choices=[])
    strand = forms.ChoiceField(
        required=False,
        label="Suggested strand",
        choices=[("", "Any strand"), ("fixed", "Fixed"), ("flex", "Flex")],
    )
    new_only = forms.BooleanField(required=False, label="Only new since the last panel")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "district", [("", "Any district"), *District.objects.values_list("code", "name")])


class AdoptForm(forms.Form):
    strand = forms.ChoiceField(
        choices=Strand.choices,
        widget=forms.RadioSelect,
        label="Adopt into the strand",
        error_messages={
            "required": "Choose the strand to adopt into.",
            "invalid_choice": "Choose the strand to adopt into.",
        },
    )
    review_date = forms.DateField(
        label="First review by (yyyy-mm-dd)",
        error_messages={
            "required": "Enter the date of the first review.",
            "invalid": "Enter the first review as a real date, like 2027-03-31.",
        },
    )
    notes = forms.CharField(
        required=False, label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 2})
    )
    version = VersionFormField()

    def __init__(
        self, *args: Any, lead_choices: dict[int, tuple[str, list[tuple[str, str]]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lead_fields = []
        for agency_id, (agency_name, users) in lead_choices.items():
            name = f"lead_{agency_id}"
            self.fields[name] = forms.ChoiceField(
                required=False,
                label=f"Lead professional, {agency_name}",
                choices=[("", "None from this agency"), *users],
            )
            self.lead_fields.append(name)
        if not self.is_bound:
            self.initial["review_date"] = (timezone.localdate() + timedelta(weeks=12)).isoformat()

    def leads(self) -> dict[int, int | None]:
        chosen: dict[int, int | None] = {}
        for name in self.lead_fields:
            if self.cleaned_data.get(name):
                chosen[int(name.removeprefix("lead_"))] = int(self.cleaned_data[name])
        return chosen


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="The panel's reason",
        error_messages={"required": "Give the panel's reason."},
    )
    version = VersionFormField()


class ReviewForm(forms.Form):
    next_review = forms.DateField(
        label="Next review by (yyyy-mm-dd)",
        error_messages={
            "required": "Enter the date of the next review.",
            "invalid": "Enter the next review as a real date, like 2027-03-31.",
        },
    )
    notes = forms.CharField(
        required=False, label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 2})
    )
    version = VersionFormField()
