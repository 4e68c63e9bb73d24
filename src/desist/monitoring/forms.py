"""Forms for the monitoring pages; the API checks the same things through the services."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from desist.core import monitoring as rules
from desist.formfields import set_choices

MAX_UPLOAD = 50 * 1024 * 1024  # bytes through the page; larger feeds through `manage.py import_em_feed`


class FeedForm(forms.Form):
    supplier = forms.CharField(
        label="Monitoring supplier",
        max_length=32,
        help_text="As the supplier's orders name it, for example acme.",
        error_messages={"required": "Enter the monitoring supplier."},
    )
    file = forms.FileField(
        label="Event feed",
        help_text="The supplier's events as CSV (.csv) or JSON (.json, .jsonl), UTF-8, up to 50 MB.",
        error_messages={"required": "Choose the feed file to upload.", "empty": "The file is empty."},
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(
                "The file is larger than 50 MB: import it with the import_em_feed command instead."
            )
        return upload


class JudgeForm(forms.Form):
    judgement = forms.ChoiceField(
        choices=[("acceptable", "Acceptable"), ("unacceptable", "Unacceptable")],
        label="Judgement",
        error_messages={"required": "Judge the violation acceptable or unacceptable."},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason."},
    )


WEEKDAYS = [
    ("1", "Monday"),
    ("2", "Tuesday"),
    ("3", "Wednesday"),
    ("4", "Thursday"),
    ("5", "Friday"),
    ("6", "Saturday"),
    ("7", "Sunday"),
]


def _time(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        error_messages={"invalid": f"Enter the curfew's {label.lower()} time as 24-hour hours and minutes."},
    )


class OrderForm(forms.Form):
    """Set up a monitoring order. The basis offers only the person's active requirements of a monitorable
    kind and their current licence conditions ("requirement:<id>" or "condition:<id>"); the zone is read
    with the core's GeoJSON parser. Everything else (which kind rests on which requirement, curfew hours,
    the device) the service checks, and the page shows its refusal."""

    kind = forms.ChoiceField(
        label="What is monitored", choices=[], error_messages={"required": "Choose what is monitored."}
    )
    basis = forms.ChoiceField(
        label="Requirement or licence condition",
        choices=[],
        error_messages={
            "required": "Choose the requirement or licence condition the monitoring is for.",
            "invalid_choice": "Choose one of the person's active requirements or licence conditions.",
        },
    )
    start_date = forms.DateField(
        label="Start date",
        error_messages={"required": "Enter the start date.", "invalid": "Enter a real start date."},
    )
    end_date = forms.DateField(
        label="End date (optional)",
        required=False,
        error_messages={"invalid": "Enter a real end date."},
    )
    curfew_start = _time("From")
    curfew_end = _time("Until")
    curfew_days = forms.MultipleChoiceField(
        label="Curfew days (optional)",
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose days of the week."},
    )
    home_latitude = forms.FloatField(
        label="Curfew address latitude (optional)",
        required=False,
        min_value=-90,
        max_value=90,
        error_messages={"invalid": "Enter the latitude as a number, for example 51.2720."},
    )
    home_longitude = forms.FloatField(
        label="Curfew address longitude (optional)",
        required=False,
        min_value=-180,
        max_value=180,
        error_messages={"invalid": "Enter the longitude as a number, for example 0.5220."},
    )
    zone = forms.CharField(
        label="Exclusion zone (GeoJSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=100_000,
        error_messages={"max_length": "The exclusion zone must be 100,000 characters or fewer."},
    )
    zone_name = forms.CharField(label="Zone name (optional)", required=False, max_length=120)
    supplier = forms.CharField(
        label="Monitoring supplier",
        max_length=32,
        error_messages={
            "required": "Enter the monitoring supplier.",
            "max_length": "The supplier must be 32 characters or fewer.",
        },
    )
    device_id = forms.CharField(
        label="Device id",
        max_length=64,
        error_messages={
            "required": "Enter the device's id.",
            "max_length": "The device id must be 64 characters or fewer.",
        },
    )

    def __init__(
        self,
        *args: Any,
        kinds: list[tuple[str, str]],
        bases: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "kind", [("", "Choose"), *kinds])
        set_choices(self, "basis", [("", "Choose"), *bases])

    def clean_zone(self) -> Any:
        text = self.cleaned_data["zone"].strip()
        if not text:
            return None
        try:
            zone = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                f"Enter the exclusion zone as GeoJSON: it is not valid JSON (line {error.lineno}, "
                f"column {error.colno})."
            ) from error
        except RecursionError as error:
            raise forms.ValidationError(
                "Enter the exclusion zone as GeoJSON: it is nested too deeply."
            ) from error
        try:
            rules.zone_polygons(zone)
        except rules.ZoneError as error:
            raise forms.ValidationError(f"Enter a valid exclusion zone. {error}") from error
        return zone
