"""Reads for agency extracts: who may import for which agency, saved mappings, import history, and
the stored source records as one Arrow table for record linkage."""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db.models import QuerySet

from desist.audit.context import Actor
from desist.core.linkage.fields import IDENTIFIER_KINDS
from desist.imports.models import ColumnMapping, ImportBatch, SourceRecord, Upload, UploadState
from desist.partnership.models import Agency


def import_agencies(actor: Actor) -> QuerySet[Agency]:
    """The agencies the user may import extracts for: those where they hold an active membership in
    one of DESIST_IMPORT_ROLES. Other roles, and users without a membership, import for none."""
    if actor.user is None:
        return Agency.objects.none()
    return Agency.objects.filter(
        memberships__user_id=actor.user.pk,
        memberships__is_active=True,
        memberships__role__in=settings.DESIST_IMPORT_ROLES,
    ).distinct()


def can_import(actor: Actor) -> bool:
    """Whether the user may import for at least one agency (from the actor's roles: no query)."""
    return bool(actor.roles & set(settings.DESIST_IMPORT_ROLES))


def current_mapping(agency: Agency, name: str = "default") -> ColumnMapping | None:
    """The latest saved version of the agency's named mapping."""
    return ColumnMapping.objects.filter(agency=agency, name=name).order_by("-version").first()


def batch_history(agencies: Iterable[Agency] | QuerySet[Agency]) -> QuerySet[ImportBatch]:
    """The agencies' imported files, newest first, with what they did."""
    return (
        ImportBatch.objects.filter(agency__in=agencies)
        .select_related("agency", "mapping")
        .order_by("-imported_at", "-pk")
    )


def pending_uploads(actor: Actor, agencies: Iterable[Agency] | QuerySet[Agency]) -> QuerySet[Upload]:
    """Files this user uploaded and has not imported yet (waiting, being checked or being imported)."""
    return (
        Upload.objects.filter(agency__in=agencies, uploaded_by_id=actor.user_id)
        .exclude(state=UploadState.IMPORTED)
        .select_related("agency")
        .defer("content", "problems_csv")
        .order_by("-uploaded_at")
    )


def upload_for_page(upload_id: int, agencies: Iterable[Agency]) -> Upload | None:
    """One of the agencies' uploads with what its page shows, without the file itself (tens of MB)."""
    return (
        Upload.objects.filter(pk=upload_id, agency__in=agencies)
        .select_related("agency", "mapping", "batch")
        .defer("content", "problems_csv")
        .first()
    )


@dataclass(frozen=True)
class CheckedReport:
    """The check's outcome as the worker kept it (services._keep_report): what importing would do,
    or why it cannot, with the first problems."""

    ok: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unmapped_columns: list[str] = field(default_factory=list)
    problem_count: int = 0
    rows_with_problems: int = 0
    refusal: str = ""
    already_imported: bool = False
    problems: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ShownProblem:
    row: int
    column: str
    problem: str


def checked_report(upload: Upload) -> CheckedReport:
    """The kept outcome of an upload's check."""
    kept = dict(upload.report)
    kept["problems"] = [ShownProblem(*problem) for problem in kept.get("problems", [])]
    names = set(CheckedReport.__dataclass_fields__)
    return CheckedReport(**{name: value for name, value in kept.items() if name in names})


def upload_problems_csv(upload: Upload) -> bytes:
    """Every problem the check found, as CSV (row, column, problem); one query."""
    kept = Upload.objects.filter(pk=upload.pk).values_list("problems_csv", flat=True).first()
    return gzip.decompress(bytes(kept)) if kept else b"row,column,problem\r\n"


@dataclass(frozen=True)
class UploadProgress:
    """What the worker is doing with an upload, for the progress bar."""

    stage: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def label(self) -> str:
        return {
            "queued": "Waiting for the task worker",
            "reading": "Reading the file",
            "checking": "Checking rows",
            "storing": "Storing the records",
        }.get(self.stage, "Working")


def upload_progress(upload: Upload) -> UploadProgress:
    """The progress the worker last wrote on the upload."""
    return UploadProgress(stage=upload.stage, done=upload.rows_done, total=upload.rows_total)


def linking_after_import(batch: ImportBatch) -> Any:
    """Whether the batch's records have been linked into people (linking.selectors.BatchLinking; two
    queries)."""
    from desist.linking.selectors import batch_linking

    return batch_linking([batch])[batch.pk]


def batches_linking(batches: Iterable[ImportBatch]) -> dict[int, Any]:
    """Each batch's linking (linking.selectors.batch_linking), for the import history: two queries."""
    from desist.linking.selectors import batch_linking

    return batch_linking(list(batches))


# The columns record linkage reads, in the field vocabulary of desist.core.linkage.fields.
_TEXT_COLUMNS = (
    "sex",
    "house_number",
    "street",
    "address_line_2",
    "locality",
    "region",
    "country",
    "postcode",
    "email",
    "telephone",
    *IDENTIFIER_KINDS,
)
TABLE_FIELDS = (
    "id",
    "agency__code",
    "record_id",
    "first_name",
    "middle_names",
    "last_name",
    "alias_first_name",
    "alias_last_name",
    "date_of_birth",
    *_TEXT_COLUMNS,
    "person_id",
    "local_identifiers",
)
_TABLE_SCHEMA = pa.schema(
    [("source_record_id", pa.int64()), ("source", pa.string()), ("record_id", pa.string())]
    + [(name, pa.string()) for name in TABLE_FIELDS[3:8]]
    + [("date_of_birth", pa.date32())]
    + [(name, pa.string()) for name in _TEXT_COLUMNS]
    + [("person_id", pa.int64()), ("local_ids", pa.list_(pa.string()))]
)


def source_records_table(*, agency_ids: Iterable[int] | None = None) -> pa.Table:
    """Every stored source record (or those of some agencies) as an Arrow table, in one query.

    The columns are those docs/linkage.md asks for: `source` is the agency code, empty text values are
    nulls, and local identifiers are `local_ids` entries "<name>:<value>"."""
    records = SourceRecord.objects.all()
    if agency_ids is not None:
        records = records.filter(agency_id__in=list(agency_ids))
    rows = list(records.order_by("pk").values_list(*TABLE_FIELDS))
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in TABLE_FIELDS]
    arrays = []
    for values, column in zip(columns, _TABLE_SCHEMA, strict=True):
        if column.type == pa.string():
            values = tuple(v or None for v in values)
        elif column.name == "local_ids":
            values = tuple([f"{k}:{v}" for k, v in sorted(ids.items())] for ids in values)
        arrays.append(pa.array(values, type=column.type))
    return pa.Table.from_arrays(arrays, schema=_TABLE_SCHEMA)
