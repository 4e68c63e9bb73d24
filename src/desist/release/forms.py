"""Forms for the release pages; the API feeds the same forms so both give the same messages."""

from __future__ import annotations

from typing import Any

from django import forms

from desist.core import release as rules
from desist.formfields import set_choices
from desist.outcomes.models import AccommodationKind
from desist.partnership.models import Agency, AgencyKind, District
from desist.release.models import (
    SENTENCE_TYPE_CHOICES,
    AccommodationOnRelease,
    AdjustmentKind,
    PathwayStatusKind,
    RecallKind,
    ReleaseType,
    TaskStatus,
    accommodation_on_release,
)
from desist.release.selectors import READINESS_FILTERS
from desist.versioning import VersionFormField

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})
READINESS_CHOICES = [
    ("", "Any readiness"),
    ("not_started", "Not started"),
    ("in_progress", "In progress"),
    ("nearly", "Nearly ready"),
    ("ready", "Ready"),
]
assert {c for c, _ in READINESS_CHOICES if c} == set(READINESS_FILTERS)


class PipelineFilterForm(forms.Form):
    # Django takes any empty_value (returned as it is, not coerced); the stubs allow only text or None.
    weeks = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=12,  # type: ignore[arg-type]
        label="Released within",
        choices=[(w, f"{w} week{'s' if w > 1 else ''}") for w in (1, 2, 4, 8, 12)],
    )
    prison = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, choices=[])
    district = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, choices=[])
    readiness = forms.ChoiceField(required=False, choices=READINESS_CHOICES)
    short_notice = forms.BooleanField(required=False, label="Only short-notice releases")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "prison",
            [("", "Any prison"), *Agency.objects.filter(kind=AgencyKind.PRISON).values_list("id", "name")],
        )
        set_choices(self, "district", [("", "Any district"), *District.objects.values_list("id", "name")])


class ReleaseDateForm(forms.Form):
    release_date = forms.DateField(
        label="Expected release date",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Enter the expected release date.",
            "invalid": "Enter the release date as a real date.",
        },
    )
    release_type = forms.ChoiceField(choices=ReleaseType.choices, initial=ReleaseType.CONDITIONAL)
    reason = forms.CharField(required=False, max_length=300, label="Why (optional)")
    # Confirming an unchanged date is its own button: saving an unchanged date records nothing.
    confirm = forms.BooleanField(required=False)
    version = VersionFormField()


class TaskForm(forms.Form):
    status = forms.ChoiceField(choices=TaskStatus.choices)
    owner_agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        required=False,
        label="Owner agency",
        empty_label="No agency",
    )
    due_date = forms.DateField(
        label="Due by",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Enter the date this is due.",
            "invalid": "Enter the due date as a real date.",
        },
    )
    provider = forms.CharField(required=False, max_length=200, label="Service, place or person")
    event_date = forms.DateField(
        required=False,
        label="First dose or appointment date",
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter the date as a real date."},
    )
    detail = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"})
    )
    version = VersionFormField()

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class PathwaysForm(forms.Form):
    """One status for each of the seven pathways."""

    def __init__(self, *args: Any, pathways: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = pathways
        self.fields["version"] = VersionFormField()
        for row in pathways:
            self.fields[row.pathway] = forms.ChoiceField(
                choices=PathwayStatusKind.choices, initial=row.status, label=row.get_pathway_display()
            )


class AccommodationForm(forms.Form):
    accommodation_on_release = forms.ChoiceField(
        choices=AccommodationOnRelease.choices,
        widget=forms.RadioSelect,
        label="Accommodation on release",
        error_messages={"required": "Choose where the person will live."},
    )
    version = VersionFormField()


class ReleaseFactsForm(forms.Form):
    """What the prison records about a custodial sentence's release
    (release.services.release_facts_record)."""

    sentence_type = forms.ChoiceField(
        choices=SENTENCE_TYPE_CHOICES,
        initial=rules.SentenceType.STANDARD,
        widget=forms.RadioSelect,
        label="Sentence type",
        error_messages={
            "required": "Choose the sentence type.",
            "invalid_choice": "Choose the sentence type from the list.",
        },
    )
    extended_licence_days = forms.IntegerField(
        min_value=0,
        max_value=36500,
        required=False,
        label="Extended licence (days)",
        error_messages={
            "invalid": "Enter the extended licence as a whole number of days.",
            "min_value": "The extended licence cannot be negative.",
            "max_value": "Enter the extended licence in days, up to 36500.",
        },
    )
    tariff_expiry_date = forms.DateField(
        required=False,
        label="Tariff expiry (minimum term ends)",
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter the tariff expiry as a real date."},
    )
    parole_board_case = forms.BooleanField(required=False, label="The Parole Board decides this release")
    hdc_exclusions = forms.MultipleChoiceField(
        choices=[(code, label[0].upper() + label[1:]) for code, label in rules.HDC_EXCLUSIONS.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Home Detention Curfew exclusions",
        error_messages={"invalid_choice": "Choose HDC exclusions from the list."},
    )
    extension_years = forms.IntegerField(
        min_value=0,
        max_value=99,
        required=False,
        label="Extended licence (years)",
        error_messages={"invalid": "Enter the years as a whole number."},
    )
    extension_months = forms.IntegerField(
        min_value=0,
        max_value=99,
        required=False,
        label="Extended licence (months)",
        error_messages={"invalid": "Enter the months as a whole number."},
    )
    fine_amount = forms.IntegerField(
        min_value=1,
        required=False,
        label="Fine unpaid (pounds)",
        error_messages={"invalid": "Enter the fine as a whole number of pounds."},
    )
    version = VersionFormField()

    def clean_extended_licence_days(self) -> int:
        return self.cleaned_data["extended_licence_days"] or 0

    def clean_extension_years(self) -> int:
        return self.cleaned_data["extension_years"] or 0

    def clean_extension_months(self) -> int:
        return self.cleaned_data["extension_months"] or 0


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        min_value=0,
        max_value=9999,
        required=False,
        label=label,
        error_messages={
            "invalid": f"Enter the {label.lower()} as a whole number.",
            "min_value": f"The {label.lower()} cannot be negative.",
        },
    )


class CustodialSentenceForm(forms.Form):
    """A custodial sentence as the prison records it (release.services.custodial_sentence_record)."""

    sentence_date = forms.DateField(
        label="Sentence date",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Enter the sentence date.",
            "invalid": "Enter the sentence date as a real date.",
        },
    )
    years = _count("Years")
    months = _count("Months")
    weeks = _count("Weeks")
    days = _count("Days")
    sentence_type = forms.ChoiceField(
        choices=SENTENCE_TYPE_CHOICES,
        initial=rules.SentenceType.STANDARD,
        required=False,
        label="Sentence type",
        error_messages={"invalid_choice": "Choose the sentence type from the list."},
    )
    offence_date = forms.DateField(
        required=False,
        label="Offence date (the earliest)",
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter the offence date as a real date."},
    )
    consecutive_to = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        choices=[],
        label="Consecutive to",
        error_messages={"invalid_choice": "Choose the sentence from the list."},
    )
    # The type's own facts (release.services.release_facts_record), so an EDS, a fine or a life sentence is
    # recorded in one go.
    extension_years = _count("Extended licence years")
    extension_months = _count("Extended licence months")
    extended_licence_days = _count("Extended licence days")
    fine_amount = forms.IntegerField(
        min_value=1,
        required=False,
        label="Fine unpaid (pounds)",
        error_messages={"invalid": "Enter the fine as a whole number of pounds."},
    )
    tariff_expiry_date = forms.DateField(
        required=False,
        label="Tariff expiry (minimum term ends)",
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter the tariff expiry as a real date."},
    )

    def __init__(self, *args: Any, sentences: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "consecutive_to",
            [("", "None: concurrent")]
            + [(s.pk, f"Sentence of {s.sentence_date:%d %b %Y} (sentence {s.pk})") for s in sentences],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in (
            "years",
            "months",
            "weeks",
            "days",
            "extension_years",
            "extension_months",
            "extended_licence_days",
        ):
            data[name] = data.get(name) or 0
        data["sentence_type"] = data.get("sentence_type") or rules.SentenceType.STANDARD
        return data


class AdjustmentForm(forms.Form):
    """Days that move release dates (release.services.adjustment_record)."""

    kind = forms.ChoiceField(
        choices=AdjustmentKind.choices,
        label="Adjustment",
        error_messages={
            "required": "Choose the adjustment.",
            "invalid_choice": "Choose the adjustment from the list.",
        },
    )
    days = forms.IntegerField(
        min_value=1,
        max_value=36500,
        label="Days",
        error_messages={
            "required": "Enter the number of days.",
            "invalid": "Enter the days as a whole number.",
            "min_value": "Enter the number of days, 1 or more.",
        },
    )
    from_date = forms.DateField(
        required=False,
        label="From (unlawfully at large: the first day)",
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter the date as a real date."},
    )
    note = forms.CharField(required=False, max_length=300, label="Note about the adjustment (optional)")


class RecallForm(forms.Form):
    """A recall to custody from licence (release.services.recall_record)."""

    kind = forms.ChoiceField(
        choices=RecallKind.choices,
        label="Recall",
        error_messages={
            "required": "Choose the recall.",
            "invalid_choice": "Choose the recall from the list.",
        },
    )
    recalled_on = forms.DateField(
        label="Recalled on",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Enter the date of the recall.",
            "invalid": "Enter the date of the recall as a real date.",
        },
    )
    returned_to_custody = forms.DateField(
        required=False,
        label="Returned to custody",
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter the return to custody as a real date."},
    )


class RecallReturnForm(forms.Form):
    """The return to custody of someone recalled before they were back
    (release.services.recall_return_record)."""

    returned_to_custody = forms.DateField(
        label="Returned to custody",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Enter the date of the return to custody.",
            "invalid": "Enter the return to custody as a real date.",
        },
    )


# How the board counts each kind of accommodation on release (the plan's three-way answer).
BOARD_COUNTS: dict[str, str] = {
    AccommodationOnRelease.SETTLED: "settled",
    AccommodationOnRelease.UNSETTLED: "unsettled",
    AccommodationOnRelease.NO_FIXED_ABODE: "no fixed abode",
}


class ReleaseForm(forms.Form):
    """The release itself, as it happened (release.services.release_record)."""

    released_on = forms.DateField(
        label="Date of release",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Enter the date the person was released.",
            "invalid": "Enter the date of release as a real date.",
        },
    )
    release_type = forms.ChoiceField(
        choices=ReleaseType.choices,
        initial=ReleaseType.CONDITIONAL,
        label="Release type",
        error_messages={
            "required": "Choose the release type.",
            "invalid_choice": "Choose the release type from the list.",
        },
    )
    accommodation = forms.ChoiceField(
        choices=[
            (value, f"{label}: {BOARD_COUNTS[accommodation_on_release(value)]}")
            for value, label in AccommodationKind.choices
        ],
        widget=forms.RadioSelect,
        label="Accommodation on release",
        error_messages={
            "required": "Choose where the person went to live on release.",
            "invalid_choice": "Choose where the person went to live from the list.",
        },
    )
    note = forms.CharField(
        required=False,
        max_length=300,
        label="Note (optional)",
        error_messages={"max_length": "Keep the note to 300 characters."},
    )
    version = VersionFormField()
