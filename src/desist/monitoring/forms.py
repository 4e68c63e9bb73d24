"""Forms for the monitoring pages; the API checks the same things through the services."""

from __future__ import annotations

from django import forms

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
