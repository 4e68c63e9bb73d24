"""Writes for agency extracts that pages and commands ask for: saving a column mapping, receiving an upload,
and queueing its check and its import for the task worker (imports.tasks). Reading an extract against its
mapping and storing it, the work those tasks do, is `desist.imports.importing`, below this module
(docs/decisions/0004-no-import-cycles.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core.linkage.fields import (
    COMBINABLE_FIELDS,
    DATE_FORMATS,
    MAPPING_FIELDS,
    is_local_identifier,
)
from desist.imports.extracts import ENCODINGS, ExtractFile, ExtractFileError, field_label, read_extract
from desist.imports.importing import BUSY, REQUIRED_FIELDS, MappingError, upload_set
from desist.imports.models import ColumnMapping, Upload, UploadState
from desist.imports.tasks import check_upload_task, import_upload_task
from desist.partnership.models import Agency

# --- mappings -----------------------------------------------------------------------------------


def mapping_problems(
    *, record_id_column: str, date_format: str, columns: dict[str, str], file_columns: list[str] | None = None
) -> list[str]:
    """Every reason a mapping cannot be saved (an empty list when it can)."""
    problems: list[str] = []
    if not record_id_column.strip():
        problems.append("Choose the column that holds the agency's own record id.")
    elif file_columns is not None and record_id_column not in file_columns:
        problems.append(f"The file has no column {record_id_column!r} to take record ids from.")
    if date_format != "auto" and date_format not in DATE_FORMATS:
        problems.append(f"{date_format!r} is not a date format desist knows.")
    chosen: dict[str, str] = {}
    for column, name in columns.items():
        if not name:
            continue
        if name not in MAPPING_FIELDS and not is_local_identifier(name):
            problems.append(f"Column {column!r}: {name!r} is not a desist field.")
            continue
        # Address parts may be spread over columns ("Number", "Street"): joined in the file's column order,
        # as `desist link`'s mapping joins them in its own order.
        if name in chosen and name not in COMBINABLE_FIELDS:
            problems.append(
                f"{field_label(name)} is chosen for two columns, {chosen[name]!r} and {column!r}; "
                "choose it for one."
            )
        chosen[name] = column
        if file_columns is not None and column not in file_columns:
            problems.append(f"The file has no column {column!r}.")
    for name in REQUIRED_FIELDS:
        if name not in chosen:
            problems.append(
                f"Choose the column that holds the {field_label(name).lower()}: every record needs one."
            )
    return problems


@transaction.atomic
def mapping_save(
    *,
    actor: Actor,
    agency: Agency,
    record_id_column: str,
    date_format: str,
    columns: dict[str, str],
    name: str = "default",
    file_columns: list[str] | None = None,
) -> ColumnMapping:
    """Save a new version of the agency's named mapping. Columns mapped to '' are left out of imports.

    With `file_columns`, the mapping must also fit that file's header."""
    columns = {column: field_name for column, field_name in columns.items() if field_name}
    problems = mapping_problems(
        record_id_column=record_id_column, date_format=date_format, columns=columns, file_columns=file_columns
    )
    if problems:
        raise MappingError(problems)
    # Lock the agency row so two people saving at once get versions n+1 and n+2, not a clash.
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    latest = ColumnMapping.objects.filter(agency=agency, name=name).aggregate(v=Max("version"))["v"] or 0
    mapping = ColumnMapping.objects.create(
        agency=agency,
        name=name,
        version=latest + 1,
        record_id_column=record_id_column.strip(),
        date_format=date_format,
        columns=columns,
        saved_by=actor.user,
    )
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        obj=mapping,
        summary=f"Saved column mapping {name!r} version {mapping.version} for {agency.code}",
        detail={"record_id_column": mapping.record_id_column, "date_format": date_format, "columns": columns},
    )
    return mapping


# --- uploads (the web pages' staging area) ------------------------------------------------------


@transaction.atomic
def upload_receive(*, actor: Actor, agency: Agency, file: ExtractFile) -> Upload:
    """Keep an uploaded extract until it is mapped, checked and imported. Refuses (ExtractFileError)
    a file that is too large or cannot be read as an extract, so the user hears at once."""
    limit = settings.DESIST_IMPORT_MAX_BYTES
    if len(file.content) > limit:
        raise ExtractFileError(
            f"The file is {len(file.content) / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB. "
            "Split the extract into smaller files."
        )
    read_extract(file, limit=UPLOAD_LOOK_ROWS)  # a quick look; the worker reads it all when it checks
    cutoff = timezone.now() - timedelta(hours=settings.DESIST_IMPORT_UPLOAD_KEEP_HOURS)
    Upload.objects.filter(uploaded_at__lt=cutoff).exclude(state__in=BUSY).delete()
    if actor.user is None:  # an upload belongs to the signed-in user who sent it (the column is required)
        raise UploadRefused("Only a signed-in user can upload an extract.")
    upload = Upload.objects.create(
        agency=agency,
        file_name=file.name[:255],
        content=file.content,
        file_sha256=file.sha256,
        encoding=file.encoding,
        uploaded_by=actor.user,
    )
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        obj=upload,
        summary=f"Uploaded {upload.file_name} for {agency.code} to check before import",
    )
    return upload


@transaction.atomic
def upload_discard(*, actor: Actor, upload: Upload) -> None:
    """Remove an upload the user does not want to import."""
    log_access(
        actor=actor,
        action=Action.ERASURE,
        obj=upload,
        summary=f"Discarded uploaded file {upload.file_name} for {upload.agency.code} without importing it",
    )
    upload.delete()


UPLOAD_LOOK_ROWS = 500


class UploadRefused(ValueError):
    """The upload is not in a state to do this (e.g. importing a file whose check found problems)."""


def _queue(upload: Upload, task: Any, state: str, **values: Any) -> Upload:
    # Enqueued in this transaction (the database backend inserts a row), so state and task stand together.
    result = task.enqueue(upload_id=upload.pk)
    upload_set(
        upload.pk,
        state=state,
        task_id=str(result.id),
        stage="queued",
        rows_done=0,
        rows_total=0,
        error="",
        **values,
    )
    upload.refresh_from_db()
    return upload


@transaction.atomic
def upload_check_later(
    *, actor: Actor, upload: Upload, mapping: ColumnMapping, encoding: str | None = None
) -> Upload:
    """Queue the check of an upload against the agency's mapping; the worker writes the report.

    With `encoding`, its text is read in that encoding from now on ('' to work it out)."""
    upload = Upload.objects.select_for_update().defer("content", "problems_csv").get(pk=upload.pk)
    if upload.state in BUSY or upload.state == UploadState.IMPORTED:
        raise UploadRefused(f"{upload.file_name} is {upload.get_state_display().lower()}.")
    if mapping.agency_id != upload.agency_id:
        raise ValueError(f"Mapping {mapping} belongs to another agency.")
    values: dict[str, Any] = {}
    if encoding is not None and encoding != upload.encoding:
        values["encoding"] = encoding
        _log_encoding(actor, upload, encoding)
    return _queue(
        upload,
        check_upload_task,
        UploadState.CHECKING,
        mapping=mapping,
        report={},
        problems_csv=b"",
        **values,
    )


def _log_encoding(actor: Actor, upload: Upload, encoding: str) -> None:
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        obj=upload,
        summary=(
            f"Read uploaded file {upload.file_name} as {ENCODINGS.get(encoding, 'its worked-out encoding')}"
        ),
    )


@transaction.atomic
def upload_encoding_set(*, actor: Actor, upload: Upload, encoding: str) -> None:
    """Read an upload's text in `encoding` from now on ('' to work it out), without queueing a check."""
    upload = Upload.objects.select_for_update().defer("content", "problems_csv").get(pk=upload.pk)
    if upload.state in BUSY or upload.state == UploadState.IMPORTED:
        raise UploadRefused(f"{upload.file_name} is {upload.get_state_display().lower()}.")
    if encoding != upload.encoding:
        _log_encoding(actor, upload, encoding)
        upload_set(upload.pk, encoding=encoding)


@transaction.atomic
def upload_import_later(*, actor: Actor, upload: Upload, mapping: ColumnMapping) -> Upload:
    """Queue the import of an upload its check found good, with the mapping it was checked with."""
    upload = Upload.objects.select_for_update().defer("content", "problems_csv").get(pk=upload.pk)
    if upload.state != UploadState.CHECKED or not upload.report.get("ok"):
        raise UploadRefused(f"{upload.file_name} can only be imported once its check has found it good.")
    if upload.mapping_id != mapping.pk:
        raise UploadRefused("The column mapping changed since the file was checked. Check it again.")
    return _queue(upload, import_upload_task, UploadState.IMPORTING, imported_by=actor.user)
