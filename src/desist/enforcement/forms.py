"""Forms for the enforcement pages; the API feeds the same forms so both give the same messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from desist.enforcement.models import CourtOutcome, DrugTestResult, EndingKind, ProgressKind, RecallKind
from desist.formfields import set_choices
from desist.sentences.models import LicenceCondition, Requirement, Sentence
from desist.supervision.models import Appointment


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        error_messages={"required": f"Enter the {label.lower()}.", "invalid": "Enter a real date."},
    )


def _text(label: str, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter the {label.lower()}."},
    )


class FailureForm(forms.Form):
    sentence = forms.TypedChoiceField(coerce=int, choices=[], label="Order or licence")
    requirement = forms.TypedChoiceField(
        coerce=int, choices=[], required=False, empty_value=None, label="Requirement (optional)"
    )
    licence_condition = forms.TypedChoiceField(
        coerce=int, choices=[], required=False, empty_value=None, label="Licence condition (optional)"
    )
    appointment = forms.TypedChoiceField(
        coerce=int, choices=[], required=False, empty_value=None, label="Missed appointment (optional)"
    )
    occurred_on = _date("Date of the failure")
    description = forms.CharField(label="What happened", max_length=300)

    def __init__(
        self,
        *args: Any,
        sentences: list[Sentence],
        requirements: list[Requirement],
        conditions: list[LicenceCondition] | None = None,
        appointments: list[Appointment] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "sentence", [(s.pk, str(s)) for s in sentences])
        set_choices(self, "requirement", [("", "None"), *((r.pk, str(r)) for r in requirements)])
        set_choices(self, "licence_condition", [("", "None"), *((c.pk, str(c)) for c in conditions or [])])
        set_choices(
            self,
            "appointment",
            [
                ("", "None"),
                *(
                    (a.pk, f"{timezone.localtime(a.starts_at):%d %b %Y %H:%M}: {a.get_outcome_display()}")
                    for a in appointments or []
                ),
            ],
        )


class JudgeForm(forms.Form):
    judgement = forms.ChoiceField(
        choices=[("acceptable", "Acceptable"), ("unacceptable", "Unacceptable")],
        label="Judgement",
        error_messages={"required": "Judge the failure acceptable or unacceptable."},
    )
    reason = _text("Reason")
    evidence = _text("Evidence (needed for an acceptable failure)", required=False)


class ReferForm(forms.Form):
    note = _text("Note for the enforcement referral (optional)", required=False)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=CourtOutcome.choices, label="Court outcome")
    outcome_on = _date("Date of the outcome")
    court_date = _date("Date of the hearing (optional)", required=False)
    note = _text("Note (optional)", required=False)


class RecallForm(forms.Form):
    sentence = forms.TypedChoiceField(coerce=int, choices=[], label="Licence")
    kind = forms.ChoiceField(choices=RecallKind.choices, label="Recall")
    reason = _text("Reason for the recall")

    def __init__(self, *args: Any, licences: list[Sentence], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "sentence", [(s.pk, str(s)) for s in licences])


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("recalled", "Recall agreed"), ("refused", "Recall refused")], label="Decision"
    )
    decided_on = _date("Date of the decision")
    returned_to_custody = _date("Date of return to custody (a fixed-term recall needs it)", required=False)
    note = _text("Note (optional)", required=False)


class _RequirementForm(forms.Form):
    requirement = forms.TypedChoiceField(coerce=int, choices=[], label="Requirement")

    def __init__(self, *args: Any, requirements: list[Requirement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "requirement", [(r.pk, str(r)) for r in requirements])


class ProgressForm(_RequirementForm):
    kind = forms.ChoiceField(choices=ProgressKind.choices, label="Progress")
    on = _date("Date")
    hours = forms.DecimalField(
        label="Hours (unpaid work)", required=False, min_value=0, max_digits=5, decimal_places=2
    )
    result = forms.ChoiceField(
        choices=[("", "Not a drug test"), *DrugTestResult.choices], required=False, label="Drug test result"
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)


class EndForm(_RequirementForm):
    kind = forms.ChoiceField(choices=EndingKind.choices, label="Ended")
    on = _date("Date it ended")
    reason = _text("Reason (needed for a termination)", required=False)
