"""The forms for MARAC, for the pages and the API alike: a victim, the DASH checklist, a referral by
professional judgement or escalation, an action, and the referrals list's filters."""

from __future__ import annotations

from typing import Any

from django import forms

from desist.core.marac import DASH_QUESTIONS, ROUTE_LABELS, Answer, Route
from desist.marac.models import ActionStatus, ReferralStatus

ANSWER_CHOICES = [(Answer.YES.value, "Yes"), (Answer.NO.value, "No"), (Answer.NOT_KNOWN.value, "Not known")]


class VictimForm(forms.Form):
    reference = forms.CharField(
        label="MARAC reference",
        max_length=40,
        error_messages={"required": "Enter the MARAC reference for the case."},
    )
    name = forms.CharField(
        label="Victim's name", max_length=120, error_messages={"required": "Enter the victim's name."}
    )
    date_of_birth = forms.DateField(
        label="Date of birth (optional)",
        required=False,
        error_messages={"invalid": "Enter the date of birth as a real date, for example 2001-03-27."},
    )
    safe_contact = forms.CharField(
        label="Safe contact (optional)",
        max_length=300,
        required=False,
        error_messages={"max_length": "The safe contact must be 300 characters or fewer."},
    )


class DashForm(forms.Form):
    """The SafeLives DASH checklist: the 24 questions in order (q1 ... q24), and the incident's date."""

    incident_on = forms.DateField(
        label="Date of the incident",
        error_messages={
            "required": "Enter the date of the incident.",
            "invalid": "Enter the date of the incident as a real date.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i, question in enumerate(DASH_QUESTIONS, start=1):
            self.fields[f"q{i}"] = forms.ChoiceField(
                label=f"{i}. {question}",
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Answer question {i}: yes, no or not known.",
                    "invalid_choice": f"Answer question {i}: yes, no or not known.",
                },
            )

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"q{i}"] for i in range(1, len(DASH_QUESTIONS) + 1)]

    def answers(self) -> list[str]:
        return [self.cleaned_data[f"q{i}"] for i in range(1, len(DASH_QUESTIONS) + 1)]


class ReferForm(forms.Form):
    """A referral by professional judgement or escalation (the DASH route comes from the checklist)."""

    route = forms.ChoiceField(
        label="Why are you referring to MARAC?",
        choices=[(str(r), ROUTE_LABELS[r]) for r in (Route.PROFESSIONAL_JUDGEMENT, Route.ESCALATION)],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose professional judgement or escalation."},
    )
    incident_on = forms.DateField(
        label="Date of the incident",
        error_messages={
            "required": "Enter the date of the incident.",
            "invalid": "Enter the date of the incident as a real date.",
        },
    )
    judgement_reason = forms.CharField(
        label="Your reason (professional judgement)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    police_call_outs = forms.IntegerField(
        label="Police call-outs in the past 12 months (escalation)",
        required=False,
        min_value=0,
        max_value=365,
        error_messages={"invalid": "Enter the number of police call-outs as a whole number."},
    )
    referring_agency = forms.ChoiceField(label="Referring agency", choices=[])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("route") == Route.PROFESSIONAL_JUDGEMENT
            and not (data.get("judgement_reason") or "").strip()
        ):
            self.add_error(
                "judgement_reason", "Say why, in your professional judgement, the victim is at high risk."
            )
        if data.get("route") == Route.ESCALATION and data.get("police_call_outs") is None:
            self.add_error("police_call_outs", "Enter the number of police call-outs in the past 12 months.")
        return data


class ActionForm(forms.Form):
    agency = forms.ChoiceField(label="Agency", choices=[])
    text = forms.CharField(
        label="What the agency will do",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what the agency will do."},
    )
    due_on = forms.DateField(
        label="Due by",
        error_messages={
            "required": "Enter the date it is due.",
            "invalid": "Enter the due date as a real date.",
        },
    )


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)


class HeardForm(forms.Form):
    heard_on = forms.DateField(
        label="Heard at MARAC on",
        error_messages={"required": "Enter the date of the meeting.", "invalid": "Enter a real date."},
    )


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *ReferralStatus.choices])
    route = forms.ChoiceField(
        label="Route", required=False, choices=[("", "Any"), *[(str(k), v) for k, v in ROUTE_LABELS.items()]]
    )
    repeat = forms.BooleanField(label="Repeats only", required=False)


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", required=False, error_messages={"invalid": "Enter a real date."})
    end = forms.DateField(label="To", required=False, error_messages={"invalid": "Enter a real date."})


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Find the perpetrator in the caseload",
        help_text="Name, date of birth, CRN or PNC number: only people your agency works with.",
        required=False,
        max_length=200,
    )
