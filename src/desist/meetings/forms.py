"""Forms for the meetings pages: they parse and check what was typed; the services decide (and refuse in
words, shown in the error summary)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from desist.meetings.models import ActionStatus, AttendanceStatus
from desist.registers.models import MappaCategory

LEVELS = [("2", "Level 2: active multi-agency management"), ("3", "Level 3: senior multi-agency management")]


class ScheduleForm(forms.Form):
    day = forms.DateField(label="Date")
    at = forms.TimeField(label="Start time", initial=time(10))
    minutes = forms.IntegerField(label="Length in minutes", min_value=15, max_value=480, initial=120)
    place = forms.CharField(label="Place", max_length=200, required=False)

    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.cleaned_data["day"], self.cleaned_data["at"]))


class ReferralForm(forms.Form):
    level = forms.TypedChoiceField(label="Level", choices=LEVELS, coerce=int, widget=forms.RadioSelect)
    category = forms.TypedChoiceField(
        label="Category", choices=MappaCategory.choices, coerce=int, widget=forms.RadioSelect
    )
    reason = forms.CharField(label="Why this person needs multi-agency management", widget=forms.Textarea)
    agency = forms.TypedChoiceField(label="Referring agency", coerce=int)


class AttendanceForm(forms.Form):
    """One radio group per invited agency (or person), named by the attendance row."""

    def __init__(self, *args: Any, rows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        choices = [(v, label) for v, label in AttendanceStatus.choices if v != AttendanceStatus.INVITED]
        for row in rows:
            label = row.agency.name + (f": {row.user.get_full_name() or row.user}" if row.user else "")
            self.fields[f"row_{row.pk}"] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial=row.status if row.status != AttendanceStatus.INVITED else None,
            )

    def statuses(self) -> dict[int, str]:
        return {
            row.pk: self.cleaned_data[f"row_{row.pk}"]
            for row in self.rows
            if self.cleaned_data.get(f"row_{row.pk}")
        }

    def bound_rows(self) -> list[Any]:
        return [self[f"row_{row.pk}"] for row in self.rows]


class ItemForm(forms.Form):
    discussion = forms.CharField(label="Discussion", widget=forms.Textarea)
    accepted = forms.TypedChoiceField(
        label="Accepted for multi-agency management",
        choices=[("yes", "Yes"), ("no", "No: ordinary agency management")],
        coerce=lambda v: v == "yes",
        required=False,
        widget=forms.RadioSelect,
    )
    level_after = forms.TypedChoiceField(
        label="Level from now",
        choices=[("", "No change"), ("1", "Level 1: ordinary agency management"), *LEVELS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    next_review_on = forms.DateField(label="Next review", required=False)


class ActionForm(forms.Form):
    description = forms.CharField(label="Action", widget=forms.Textarea)
    owner_agency = forms.TypedChoiceField(label="Owner agency", coerce=int)
    owner_user = forms.TypedChoiceField(label="Owner", coerce=int, empty_value=None, required=False)
    due_on = forms.DateField(label="Due by")
    item = forms.TypedChoiceField(label="Case", coerce=int, empty_value=None, required=False)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label="General minutes", widget=forms.Textarea)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Note", widget=forms.Textarea, required=False)


class IomDecisionForm(forms.Form):
    """The IOM panel's decision on an agenda item: for a candidate, adopt (strand, first review, lead) or not;
    for a cohort member, a review (next review) or exit (reason)."""

    decision = forms.ChoiceField(label="The panel's decision", widget=forms.RadioSelect)
    discussion = forms.CharField(label="Discussion", widget=forms.Textarea)
    strand = forms.ChoiceField(label="Strand", required=False)
    review_date = forms.DateField(label="Next review", required=False)
    lead_agency = forms.TypedChoiceField(label="Lead agency", coerce=int, empty_value=None, required=False)
    lead_user = forms.TypedChoiceField(
        label="Lead professional", coerce=int, empty_value=None, required=False
    )
    reason = forms.CharField(label="Reason (not adopted or exit)", widget=forms.Textarea, required=False)
