"""Agency extracts brought into desist: how an agency's columns map to desist's fields, each file
imported (a batch), and each record it held (a source record), with where it came from.

Source records are the agency's own view of a person. They are kept apart from `people.Person` until
record linkage joins them (the nullable `person` link), so an import never changes anyone's record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from desist.partnership.models import Agency


class ColumnMapping(models.Model):
    """One saved version of how an agency's extract columns map to desist fields.

    Saving a mapping again adds a new version; earlier versions stay, so every batch keeps the exact
    mapping it was read with.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="column_mappings")
    name = models.CharField(
        max_length=100,
        default="default",
        help_text="An agency with more than one kind of extract keeps one mapping for each.",
    )
    version = models.PositiveIntegerField(default=1)
    record_id_column = models.CharField(
        max_length=200, help_text="The column holding the agency's own record id."
    )
    date_format = models.CharField(
        max_length=16, default="auto", help_text="How dates are written (strptime codes), or 'auto'."
    )
    columns = models.JSONField(default=dict, help_text="Column name in the file → desist field name.")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__name", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name", "version"], name="mapping_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code}: {self.name} (version {self.version})"


class BatchStatus(models.TextChoices):
    IMPORTED = "imported", "Imported"


class ImportBatch(models.Model):
    """One extract file imported for an agency. A file either imports whole or not at all, so every
    batch is complete; the same file content cannot be imported twice for an agency."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="import_batches")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    mapping = models.ForeignKey(ColumnMapping, on_delete=models.PROTECT, related_name="batches")
    status = models.CharField(max_length=16, choices=BatchStatus.choices, default=BatchStatus.IMPORTED)
    rows = models.PositiveIntegerField(help_text="Record rows in the file.")
    created = models.PositiveIntegerField(default=0, help_text="Records new to desist.")
    updated = models.PositiveIntegerField(default=0, help_text="Records already held whose values changed.")
    unchanged = models.PositiveIntegerField(default=0, help_text="Records already held with the same values.")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_by_name = models.CharField(
        max_length=150, help_text="Kept as text: the batch outlives the account."
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name_plural = "import batches"
        constraints = [
            models.UniqueConstraint(fields=["agency", "file_sha256"], name="batch_unique_file_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.agency.code}, {self.imported_at:%d %b %Y})"


class SourceRecord(models.Model):
    """One record from an agency's extract: the agency's own record id, its values read into desist's
    fields, and the raw row as it arrived.

    A record id is held once per agency. When a later file carries the same record id, its values
    replace the stored ones if they differ (the agency's latest word), and the superseded version with
    its provenance moves to `history`; an identical row changes nothing.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="source_records")
    record_id = models.CharField(max_length=100)
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        related_name="records",
        help_text="The file the current values came from.",
    )
    row_number = models.PositiveIntegerField(help_text="Row in that file, as a spreadsheet numbers it.")
    first_batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(help_text="When the current values were imported.")

    first_name = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    alias_first_name = models.CharField(max_length=100, blank=True)
    alias_last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=8, blank=True, help_text="'male', 'female' or blank (not recorded).")
    house_number = models.CharField(max_length=100, blank=True)
    street = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True, help_text="County, state or region.")
    country = models.CharField(max_length=100, blank=True)
    # Any country's postcode or zip code, normalised as text (a UK one in its standard form, 'ME14 1XX').
    postcode = models.CharField(max_length=32, blank=True)
    email = models.CharField(max_length=254, blank=True)
    telephone = models.CharField(max_length=32, blank=True, help_text="Digits, with a leading + kept.")
    pnc = models.CharField(max_length=64, blank=True)
    crn = models.CharField(max_length=64, blank=True)
    prison_number = models.CharField(max_length=64, blank=True)
    nhs_number = models.CharField(max_length=64, blank=True)
    ni_number = models.CharField(max_length=64, blank=True)
    related_record_id = models.CharField(
        max_length=100, blank=True, help_text="A related person's record id in this agency's extracts."
    )
    relationship = models.CharField(
        max_length=20,
        blank=True,
        help_text="What the related person is to this one (people.RelationshipKind).",
    )
    local_identifiers = models.JSONField(
        default=dict, blank=True, help_text="Other identifiers: {name: value} from 'local:<name>' columns."
    )

    raw = models.JSONField(default=dict, help_text="The row as it arrived: column name → text.")
    fingerprint = models.CharField(max_length=64, help_text="Hash of the read values, to spot a changed row.")
    history = models.JSONField(
        default=list,
        blank=True,
        help_text="Earlier versions, oldest first: batch, file, row, time and raw row.",
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_records",
        help_text="The person linkage joined it to.",
    )

    class Meta:
        ordering = ["agency", "record_id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "record_id"], name="source_record_unique_per_agency"),
        ]
        indexes = [models.Index(fields=["batch", "row_number"])]

    def __str__(self) -> str:
        return f"{self.agency.code} record {self.record_id}"


class UploadState(models.TextChoices):
    RECEIVED = "received", "Waiting to be checked"
    CHECKING = "checking", "Being checked"
    CHECKED = "checked", "Checked"
    IMPORTING = "importing", "Being imported"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Stopped"


class Upload(models.Model):
    """An extract uploaded in the web pages, checked and imported by the task worker (a million rows
    take longer than a web request may). The worker writes its progress here for the page to show.

    Its content is dropped once imported; the row stays, as the import's result page, until
    DESIST_IMPORT_UPLOAD_KEEP_HOURS have passed."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    file_sha256 = models.CharField(max_length=64)
    encoding = models.CharField(
        max_length=16,
        blank=True,
        help_text="The text encoding the user named for a CSV file ('' to work it out).",
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    state = models.CharField(max_length=12, choices=UploadState.choices, default=UploadState.RECEIVED)
    task_id = models.CharField(
        max_length=36, blank=True, help_text="The worker's task checking or importing it."
    )
    mapping = models.ForeignKey(
        ColumnMapping,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The mapping version it was checked (and imported) with.",
    )
    stage = models.CharField(
        max_length=16, blank=True, help_text="What the worker is doing: reading, checking, storing."
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    report = models.JSONField(
        default=dict, blank=True, help_text="The check's outcome: counts, the refusal and the first problems."
    )
    problems_csv = models.BinaryField(default=b"", blank=True, help_text="Every problem as CSV, gzipped.")
    error = models.TextField(blank=True, help_text="Why the check or import stopped.")
    batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The batch it became, set in the import's own transaction.",
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who asked for the import.",
    )
    changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the state or progress last changed."
    )

    def __str__(self) -> str:
        return self.file_name
