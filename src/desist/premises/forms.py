"""Forms for the accommodation pages; the API feeds the same forms so both give the same messages."""

from __future__ import annotations

from typing import Any

from django import forms

from desist.formfields import set_choices
from desist.premises.models import BedSpace, MoveOn

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})


class BookingForm(forms.Form):
    bed = forms.TypedChoiceField(
        coerce=int,
        choices=[],
        label="Bed",
        error_messages={"required": "Choose a bed.", "invalid_choice": "Choose a bed from the list."},
    )
    expected_arrival = forms.DateField(
        widget=DATE_WIDGET,
        label="Expected arrival",
        error_messages={
            "required": "Enter the expected arrival date.",
            "invalid": "Enter the expected arrival as a real date.",
        },
    )
    expected_departure = forms.DateField(
        widget=DATE_WIDGET,
        label="Expected departure",
        error_messages={
            "required": "Enter the expected departure date.",
            "invalid": "Enter the expected departure as a real date.",
        },
    )
    needs_step_free = forms.BooleanField(required=False, label="Needs a step-free bed")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        beds = (
            BedSpace.objects.filter(is_active=True)
            .select_related("premises")
            .order_by("premises__name", "id")
        )
        set_choices(
            self,
            "bed",
            [
                ("", "Choose a bed"),
                *(
                    (b.pk, f"{b.premises.name}: {b.name}{' (step-free)' if b.step_free else ''}")
                    for b in beds
                ),
            ],
        )


class DepartureForm(forms.Form):
    move_on = forms.ChoiceField(
        choices=MoveOn.choices,
        label="Moved on to",
        error_messages={"required": "Choose where they moved on to."},
    )
    departed_on = forms.DateField(required=False, widget=DATE_WIDGET, label="Departure date (empty: today)")


class NonArrivalForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        label="Why they did not arrive",
        error_messages={"required": "Say why they did not arrive."},
    )
