"""Forms of the import pages: the upload, and the column mapping built from a file's header."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings

from desist.core.linkage.fields import COMBINABLE_FIELDS, DATE_FORMATS, MAPPING_FIELDS, is_local_identifier
from desist.formfields import set_choices
from desist.imports.extracts import ENCODINGS, date_format_label
from desist.imports.models import ColumnMapping
from desist.partnership.models import Agency

LOCAL = "local"
# Address parts may be chosen for more than one column ("Number" and "Street" both as the street): joined with
# a space in the file's column order.
FIELD_CHOICES = [
    ("", "Do not import"),
    *(
        (name, f"{spec.label} (may combine columns)" if name in COMBINABLE_FIELDS else spec.label)
        for name, spec in MAPPING_FIELDS.items()
    ),
    (LOCAL, "Another identifier (kept as this agency's local id)"),
]
DATE_FORMAT_CHOICES = [(fmt, date_format_label(fmt)) for fmt in ("auto", *DATE_FORMATS)]
ENCODING_CHOICES = [("", "Work it out (UTF-8)"), *ENCODINGS.items()]


def encoding_field() -> forms.ChoiceField:
    """The optional text encoding of a CSV file, for one desist cannot tell (`desist import --encoding`)."""
    return forms.ChoiceField(
        required=False,
        choices=ENCODING_CHOICES,
        label="Text encoding",
        help_text="Leave as 'Work it out' unless desist says it cannot tell; "
        "Excel's 'CSV UTF-8' needs no choice.",
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Extract file",
        help_text="A CSV (.csv) or Excel (.xlsx) file with a header row.",
        error_messages={"required": "Choose the extract file to upload."},
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Agency",
        error_messages={"required": "Choose the agency the extract comes from."},
    )
    encoding = encoding_field()
    change_mapping = forms.BooleanField(
        required=False, label="Check or change the column mapping before importing"
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        if not isinstance(agency, forms.ModelChoiceField):
            raise TypeError(f"agency is a {type(agency).__name__}, not a model choice field")
        agency.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])
        self.single_agency = agencies[0] if len(agencies) == 1 else None
        if self.single_agency is not None:
            self.fields["agency"].initial = self.single_agency.pk
            self.fields["agency"].required = False
            self.fields["agency"].widget = forms.HiddenInput()

    def clean_agency(self) -> Agency:
        # A user who imports for one agency need not choose it.
        agency: Agency | None = self.cleaned_data.get("agency") or self.single_agency
        if agency is None:  # not reached: the field is required unless there is a single agency
            raise forms.ValidationError(self.fields["agency"].error_messages["required"])
        return agency

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.DESIST_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB. "
                "Split the extract into smaller files."
            )
        return upload


class EncodingForm(forms.Form):
    """Check an upload again, reading its text in the encoding the user names."""

    encoding = encoding_field()


def local_name(column: str) -> str:
    """A local identifier's name from its column: 'Tenancy Ref' -> 'tenancy_ref'."""
    return re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_") or "id"


class MappingForm(forms.Form):
    """One select per file column (which desist field it holds), the record id column and the date format."""

    record_id_column = forms.ChoiceField(
        label="Record id column",
        help_text="The column with the agency's own id for each record.",
        error_messages={"required": "Choose the column that holds the record id."},
    )
    date_format = forms.ChoiceField(label="How dates are written", choices=DATE_FORMAT_CHOICES)

    def __init__(
        self,
        *args: Any,
        columns: list[str],
        samples: dict[str, list[str]],
        initial_mapping: ColumnMapping | None,
        guessed: dict[str, str],
        guessed_record_id: str,
        guessed_date_format: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        set_choices(self, "record_id_column", [("", "Choose a column"), *((c, c) for c in columns)])
        if initial_mapping is not None:
            chosen = {c: f for c, f in initial_mapping.columns.items() if c in columns}
            record_id = (
                initial_mapping.record_id_column if initial_mapping.record_id_column in columns else ""
            )
            date_format = initial_mapping.date_format
        else:
            chosen, record_id, date_format = guessed, guessed_record_id, guessed_date_format
        self.initial.setdefault("record_id_column", record_id)
        self.initial.setdefault("date_format", date_format)
        self.column_fields = []
        for i, column in enumerate(columns):
            name = f"column_{i}"
            hint = ", ".join(samples.get(column, [])[:3])
            self.fields[name] = forms.ChoiceField(
                required=False,
                choices=FIELD_CHOICES,
                label=column,
                help_text=f"For example: {hint}" if hint else "Empty in the first rows",
            )
            value = chosen.get(column, "")
            self.initial.setdefault(name, LOCAL if is_local_identifier(value) else value)
            self.column_fields.append(name)

    def mapping(self) -> dict[str, str]:
        """Column -> desist field, from the selects ('local' becomes 'local:<column name>')."""
        result: dict[str, str] = {}
        for i, column in enumerate(self.columns):
            value = self.cleaned_data.get(f"column_{i}") or ""
            if value == LOCAL:
                value = f"local:{local_name(column)}"
            if value:
                result[column] = value
        return result
