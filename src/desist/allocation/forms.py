"""What a manager types to allocate or transfer a case (the worker, a choice among the team's people, and a
note; the team to transfer to), and to record a practitioner's grade and hours, reductions, court reports,
weighted work and a case's T2A mark."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from desist.allocation.models import ReportKind
from desist.core import workload as rules

_DATE = "Enter a real date, like 2026-03-27"
CONTACT_TYPE_LABELS = [
    (c.code, f"{c.description} ({c.points} point{'' if c.points == 1 else 's'})")
    for c in rules.contact_types()
]


class AllocateForm(forms.Form):
    worker = forms.TypedChoiceField(label="Allocate to", coerce=int, choices=[])
    note = forms.CharField(
        label="Note for the practitioner and the record",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
    )


class TransferForm(forms.Form):
    team = forms.TypedChoiceField(label="Transfer to team", coerce=int, choices=[])
    note = forms.CharField(label="Why the case is moving", widget=forms.Textarea, max_length=2000)


class PractitionerForm(forms.Form):
    grade = forms.ChoiceField(label="Grade", choices=[], widget=forms.RadioSelect)
    contracted_hours = forms.DecimalField(
        label="Contracted hours a week",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(60),
        max_digits=5,
        decimal_places=2,
        error_messages={
            "invalid": "Enter the contracted hours as a number, like 37 or 22.5",
            "min_value": "Contracted hours cannot be less than 0",
            "max_value": "Contracted hours must be 60 or fewer",
            "max_decimal_places": "Enter the contracted hours to at most 2 decimal places",
        },
    )


class ReductionForm(forms.Form):
    reason = forms.ChoiceField(label="Reason", choices=[], error_messages={"required": "Choose the reason"})
    hours = forms.DecimalField(
        label="Hours a week",
        min_value=Decimal("0.01"),
        max_value=Decimal(60),
        max_digits=5,
        decimal_places=2,
        error_messages={
            "required": "Enter the hours a week the reduction takes off",
            "invalid": "Enter the hours as a number, like 7.4",
            "min_value": "The hours must be more than 0",
            "max_value": "The hours must be 60 or fewer",
            "max_decimal_places": "Enter the hours to at most 2 decimal places",
        },
    )
    starts_on = forms.DateField(
        label="Starts on", error_messages={"required": "Enter the date it starts", "invalid": _DATE}
    )
    ends_on = forms.DateField(
        label="Ends on", error_messages={"required": "Enter the date it ends", "invalid": _DATE}
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea, max_length=2000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must be on or after the start date")
        return data


class PersonReferenceField(forms.CharField):
    """A person by their case reference number (CRN) or desist record number; the view finds them."""


class CourtReportForm(forms.Form):
    person = PersonReferenceField(
        label="Case reference number (CRN) or record number",
        max_length=20,
        error_messages={"required": "Enter the person's case reference number or record number"},
    )
    kind = forms.ChoiceField(
        label="Kind of report",
        choices=ReportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of report"},
    )
    requested_on = forms.DateField(
        label="Requested on", error_messages={"required": "Enter the date it was requested", "invalid": _DATE}
    )
    due_on = forms.DateField(
        label="Due on", error_messages={"required": "Enter the date it is due", "invalid": _DATE}
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        requested, due = data.get("requested_on"), data.get("due_on")
        if requested and due and due < requested:
            self.add_error("due_on", "The date it is due must be on or after the date it was requested")
        return data


class WeightedContactForm(forms.Form):
    person = PersonReferenceField(
        label="Case reference number (CRN) or record number",
        max_length=20,
        error_messages={"required": "Enter the person's case reference number or record number"},
    )
    contact_type = forms.ChoiceField(
        label="Work done",
        choices=[("", "Choose the work"), *CONTACT_TYPE_LABELS],
        error_messages={"required": "Choose the work done"},
    )
    done_on = forms.DateField(
        label="Done on", error_messages={"required": "Enter the date it was done", "invalid": _DATE}
    )


class T2AForm(forms.Form):
    t2a = forms.TypedChoiceField(
        choices=[("yes", "yes"), ("no", "no")], coerce=lambda v: v == "yes", widget=forms.HiddenInput
    )
