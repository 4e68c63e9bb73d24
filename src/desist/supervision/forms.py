"""Forms for the supervision pages. They parse and check the input; the services decide (and refuse in
words, shown in the error summary)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from desist.formfields import set_choices
from desist.supervision.models import AppointmentKind, ContactKind, Sensitivity
from desist.supervision.services import RECORDABLE_OUTCOMES
from desist.versioning import VersionFormField


def aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


class ChronologyFilterForm(forms.Form):
    agency = forms.TypedChoiceField(label="Agency", required=False, coerce=int, empty_value=None)
    kind = forms.MultipleChoiceField(label="Kind of contact", required=False, choices=ContactKind.choices)
    date_from = forms.DateField(label="From", required=False)
    date_to = forms.DateField(label="To", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be on or after the start date")
        return data


class AgencyChoiceForm(forms.Form):
    """Which of the user's agencies records it: asked only of users of more than one."""

    agency = forms.TypedChoiceField(label="For agency", required=False, coerce=int, empty_value=None)

    def offer_agencies(self, agencies: list[tuple[int, str]]) -> None:
        if len(agencies) > 1:
            self.fields["agency"].required = True
            self.fields["agency"].error_messages["required"] = "Choose the agency you record this for"
        set_choices(self, "agency", agencies)

    @property
    def asks_agency(self) -> bool:
        return bool(self.fields["agency"].required)


class ContactForm(AgencyChoiceForm):
    kind = forms.ChoiceField(
        label="Kind of contact",
        choices=ContactKind.choices,
        error_messages={"required": "Choose the kind of contact"},
    )
    day = forms.DateField(label="Date", error_messages={"required": "Enter the date of the contact"})
    at = forms.TimeField(label="Time", error_messages={"required": "Enter the time of the contact"})
    summary = forms.CharField(
        label="What happened, in a line",
        max_length=200,
        error_messages={"required": "Say what happened, in a line"},
    )
    outcome = forms.CharField(label="Outcome (optional)", max_length=200, required=False)
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)
    sensitivity = forms.ChoiceField(
        label="Who may see it",
        choices=Sensitivity.choices,
        initial=Sensitivity.SHARED,
        error_messages={"required": "Choose who may see the contact"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day") and data.get("at"):
            data["occurred_at"] = aware(data["day"], data["at"])
        return data


class AppointmentTimesForm(forms.Form):
    day = forms.DateField(label="Date", error_messages={"required": "Enter the date of the appointment"})
    starts = forms.TimeField(label="Starts at", error_messages={"required": "Enter the start time"})
    ends = forms.TimeField(label="Ends at", error_messages={"required": "Enter the end time"})
    suspension_reason = forms.CharField(
        label="Why it is needed while supervision contact is suspended (only then)",
        max_length=300,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day") and data.get("starts") and data.get("ends"):
            data["starts_at"] = aware(data["day"], data["starts"])
            data["ends_at"] = aware(data["day"], data["ends"])
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("ends", "The end time must be after the start time")
        return data


class BookForm(AgencyChoiceForm, AppointmentTimesForm):
    kind = forms.ChoiceField(
        label="Kind of appointment",
        choices=AppointmentKind.choices,
        initial=AppointmentKind.OFFICE,
        error_messages={"required": "Choose the kind of appointment"},
    )
    practitioner = forms.TypedChoiceField(
        label="With", coerce=int, error_messages={"required": "Choose who the appointment is with"}
    )
    location = forms.CharField(label="Where (optional)", max_length=200, required=False)
    purpose = forms.CharField(label="Purpose (optional)", max_length=300, required=False)

    field_order = [
        "kind",
        "practitioner",
        "day",
        "starts",
        "ends",
        "location",
        "purpose",
        "suspension_reason",
    ]


class RearrangeForm(AppointmentTimesForm):
    reason = forms.CharField(
        label="Why it is rearranged",
        max_length=300,
        error_messages={"required": "Say why the appointment is rearranged"},
    )
    version = VersionFormField()

    field_order = ["day", "starts", "ends", "reason", "suspension_reason"]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why it is cancelled",
        max_length=300,
        error_messages={"required": "Say why the appointment is cancelled"},
    )
    version = VersionFormField()


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[(o.value, o.label) for o in RECORDABLE_OUTCOMES],
        error_messages={"required": "Choose the outcome"},
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)
    sensitivity = forms.ChoiceField(
        label="Who may see it in the chronology",
        choices=Sensitivity.choices,
        initial=Sensitivity.SHARED,
        error_messages={"required": "Choose who may see it"},
    )
    version = VersionFormField()


class SuspendForm(forms.Form):
    sentence = forms.TypedChoiceField(
        label="Licence", coerce=int, error_messages={"required": "Choose the licence"}
    )
    starts_on = forms.DateField(
        label="Suspended from", error_messages={"required": "Enter the date it starts"}
    )
    ends_on = forms.DateField(label="Until (optional)", required=False)
    reason = forms.CharField(
        label="Why supervision contact is suspended",
        widget=forms.Textarea,
        error_messages={"required": "Say why supervision contact is suspended"},
    )


class ResumeForm(forms.Form):
    on = forms.DateField(label="Resumes on", error_messages={"required": "Enter the date it resumes"})
    version = VersionFormField()
