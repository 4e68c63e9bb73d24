"""Importing an agency extract: checking it against its mapping and storing it. The command, the demo
build and the task worker (imports.tasks, for an upload) call it; imports.services, which queues those
tasks, sits above it (docs/decisions/0004-no-import-cycles.md).

An import is all or nothing. `import_validate` reads the whole file against the mapping and reports
every bad row (row number as a spreadsheet shows it, column, problem) without writing; `import_extract`
runs it again inside one transaction and writes only when there is nothing to report. The same file
content is refused the second time (ImportBatch's unique constraint), so importing twice adds nothing.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import hashlib
import io
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.utils import timezone

from desist.audit.context import Actor, actor_for_user
from desist.audit.models import Action, Channel
from desist.audit.services import log_access
from desist.bulk import copy_rows
from desist.core.cells import safe_row
from desist.core.linkage.fields import (
    COMBINABLE_FIELDS,
    IDENTIFIER_KINDS,
    MAPPING_FIELDS,
    FieldValueError,
    clean,
    is_local_identifier,
    is_uk_postcode,
    parse_field,
)
from desist.imports.extracts import ExtractFile, ExtractFileError, field_label, read_extract
from desist.imports.models import ColumnMapping, ImportBatch, SourceRecord, Upload, UploadState
from desist.linking.tasks import link_after_import
from desist.partnership.models import Agency

# The typed columns of a source record, in the order the fingerprint hashes them.
VALUE_FIELDS = (
    "first_name",
    "middle_names",
    "last_name",
    "alias_first_name",
    "alias_last_name",
    "date_of_birth",
    "sex",
    "street",
    "locality",
    "postcode",
    *IDENTIFIER_KINDS,
    "local_identifiers",
    "related_record_id",
    "relationship",
    "house_number",
    "address_line_2",
    "region",
    "country",
    "email",
    "telephone",
)
# Fields added after records were first stored: hashed only when a record holds one, so a row imported
# before they existed still reads as unchanged.
LATER_FIELDS = VALUE_FIELDS[VALUE_FIELDS.index("house_number") :]
REQUIRED_FIELDS = ("last_name",)


def _field(name: str) -> models.Field[Any, Any]:
    """A stored column of a source record (never a relation's reverse side or a generic key)."""
    column = SourceRecord._meta.get_field(name)
    if not isinstance(column, models.Field):
        raise TypeError(f"SourceRecord.{name} is not a column")
    return column


def _max_length(name: str) -> int:
    """A text column's length limit: every one a source record holds is a CharField with one."""
    limit = _field(name).max_length
    if limit is None:
        raise TypeError(f"SourceRecord.{name} has no max_length")
    return limit


RECORD_ID_MAX = _max_length("record_id")
MAX_LENGTHS = {
    name: _max_length(name) for name in VALUE_FIELDS if name not in ("date_of_birth", "local_identifiers")
}
LOCAL_IDENTIFIER_MAX = 64
_EMPTY_VALUES: dict[str, Any] = {**{name: "" for name in VALUE_FIELDS}, "date_of_birth": None}
BULK_BATCH = 2000
PROGRESS_EVERY = 5000  # rows between progress reports
Progress = Callable[[str, int, int], None]  # (stage, rows done, rows in all)


class MappingError(ValueError):
    """A mapping that cannot be saved; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class RowProblem:
    """One bad value: the row as a spreadsheet numbers it (1 is the header), the column, and why."""

    row: int
    column: str
    problem: str


@dataclass
class _Row:
    number: int
    record_id: str
    values: dict[str, Any]
    raw: dict[str, str]
    fingerprint: str


@dataclass
class ValidationReport:
    """What importing a file would do, or every reason it cannot."""

    file_name: str
    sha256: str
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    already_imported: ImportBatch | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unmapped_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # data-quality notes: worth knowing, no reason to refuse
    _records: list[_Row] = field(default_factory=list, repr=False)
    _existing: dict[str, tuple[int, str]] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems and self.already_imported is None

    @property
    def rows_with_problems(self) -> int:
        return len({p.row for p in self.problems})

    @property
    def refusal(self) -> str:
        """One sentence saying why the file cannot be imported ('' when it can)."""
        if self.already_imported is not None:
            batch = self.already_imported
            when = timezone.localtime(batch.imported_at)
            return (
                f"{self.file_name} was already imported on {when:%d %b %Y at %H:%M} by "
                f"{batch.imported_by_name} (as {batch.file_name}); importing it again would add nothing."
            )
        if self.problems:
            rows = self.rows_with_problems
            problems = len(self.problems)
            return (
                f"{self.file_name} has {problems:,} problem{'s' if problems != 1 else ''} "
                f"in {rows:,} row{'s' if rows != 1 else ''}; nothing was imported."
            )
        return ""

    def problems_csv(self) -> str:
        """Every problem as CSV (row, column, problem), for the user to fix the file with."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["row", "column", "problem"])
        writer.writerows(safe_row((p.row, p.column, p.problem)) for p in self.problems)
        return out.getvalue()


class ImportRefused(ValueError):
    """The file was not imported; `report` says why (every bad row, or an earlier import)."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(report.refusal)
        self.report = report


# --- validation ---------------------------------------------------------------------------------


def _fingerprint(values: dict[str, Any]) -> str:
    ordered: list[Any] = [
        values[name].isoformat() if isinstance(values[name], date) else values[name]
        for name in VALUE_FIELDS
        if name not in LATER_FIELDS
    ]
    later = {name: values[name] for name in LATER_FIELDS if values[name]}
    if later:
        ordered.append(later)
    return hashlib.sha256(json.dumps(ordered, sort_keys=True).encode()).hexdigest()


def import_validate(
    *, agency: Agency, file: ExtractFile, mapping: ColumnMapping, progress: Progress | None = None
) -> ValidationReport:
    """Read the whole file against the mapping and report every bad row; writes nothing.

    Also says how many records would be new, changed or unchanged, and refuses a file this agency has
    already imported."""
    sha256 = file.sha256
    report = ValidationReport(file_name=file.name, sha256=sha256)
    report.already_imported = (
        ImportBatch.objects.filter(agency=agency, file_sha256=sha256).select_related("agency").first()
    )
    if report.already_imported is not None:
        return report  # nothing in it can be imported, so there is nothing to check
    try:
        table = read_extract(file)
    except ExtractFileError as error:
        report.problems.append(RowProblem(1, "", str(error)))
        return report
    report.rows = len(table.rows)
    index = {column: i for i, column in enumerate(table.columns)}
    for column, name in [(mapping.record_id_column, "record id"), *mapping.columns.items()]:
        if column not in index:
            label = name if name == "record id" else field_label(name)
            report.problems.append(
                RowProblem(
                    1,
                    column,
                    f"The file has no column {column!r}, which the mapping reads "
                    f"as the {label.lower()}. Change the mapping or the file.",
                )
            )
    if report.problems:
        return report
    if not table.rows:
        report.problems.append(RowProblem(1, "", "The file has a header row but no records."))
        return report
    report.unmapped_columns = [
        c for c in table.columns if c not in mapping.columns and c != mapping.record_id_column
    ]
    id_at = index[mapping.record_id_column]
    # One reader per mapped column, decided once: text is only trimmed, the rest go through parse_field.
    # In the file's column order, so columns combined into one field ("Number", "Street") join in that order.
    readers = []
    for column, name in sorted(mapping.columns.items(), key=lambda item: index[item[0]]):
        local = is_local_identifier(name)
        text = not local and MAPPING_FIELDS[name].kind == "text"
        limit = LOCAL_IDENTIFIER_MAX if local else MAX_LENGTHS.get(name, 0)
        readers.append((column, name, index[column], text, local, limit))
    postcodes_held = 0
    not_uk: Counter[str] = Counter()
    required = [
        (name, by_column_index)
        for name in REQUIRED_FIELDS
        for by_column_index in [index[next(c for c, f in mapping.columns.items() if f == name)]]
    ]
    width = len(table.columns)
    date_format = mapping.date_format
    seen: dict[str, int] = {}
    problems = report.problems
    for number, cells in _counted(table.rows, progress):
        row_ok = True
        if len(cells) > width:
            problems.append(
                RowProblem(
                    number,
                    "",
                    f"The row has {len(cells)} cells but the header names {width} "
                    "columns; a value may hold an unquoted comma.",
                )
            )
            continue
        record_id = clean(cells[id_at])
        if not record_id:
            problems.append(
                RowProblem(
                    number, mapping.record_id_column, "The record id is empty: every record needs one."
                )
            )
            row_ok = False
        elif len(record_id) > RECORD_ID_MAX:
            problems.append(
                RowProblem(
                    number,
                    mapping.record_id_column,
                    f"The record id is longer than {RECORD_ID_MAX} characters.",
                )
            )
            row_ok = False
        elif record_id in seen:
            problems.append(
                RowProblem(
                    number,
                    mapping.record_id_column,
                    f"Record id {record_id!r} is also on row {seen[record_id]}: each record once.",
                )
            )
            row_ok = False
        else:
            seen[record_id] = number
        values: dict[str, Any] = dict(_EMPTY_VALUES)
        local_ids: dict[str, str] = {}
        for column, name, at, text, local, limit in readers:
            cell = cells[at]
            if cell is None or cell == "":
                continue
            try:
                # Addresses are international: a postcode outside the UK format is kept, and noted below.
                value = (
                    clean(cell)
                    if text
                    else parse_field(name, cell, date_format=date_format, international=True)
                )
            except FieldValueError as error:
                problems.append(RowProblem(number, column, str(error)))
                row_ok = False
                continue
            if name == "postcode" and isinstance(value, str) and value:  # parse_postcode gives text
                postcodes_held += 1
                if not is_uk_postcode(value):
                    not_uk[value] += 1
            elif value and not local and values[name] and name in COMBINABLE_FIELDS:
                value = f"{values[name]} {value}"
            if limit and isinstance(value, str) and len(value) > limit:
                problems.append(
                    RowProblem(number, column, f"{value[:20]!r}… is longer than {limit} characters.")
                )
                row_ok = False
            elif local:
                if isinstance(value, str) and value:  # parse_identifier gives text
                    local_ids[name.removeprefix("local:")] = value
            else:
                values[name] = value
        values["local_identifiers"] = local_ids
        if row_ok and bool(values["related_record_id"]) != bool(values["relationship"]):
            column = next(
                (
                    c
                    for c, f in mapping.columns.items()
                    if f == ("relationship" if values["related_record_id"] else "related_record_id")
                ),
                "",
            )
            problems.append(
                RowProblem(
                    number,
                    column,
                    "A related record id needs a relationship, and a relationship "
                    "needs the related record id: give both or neither.",
                )
            )
            row_ok = False
        for name, at in required:
            if not values[name] and not clean(cells[at]):
                problems.append(
                    RowProblem(
                        number,
                        table.columns[at],
                        f"The {field_label(name).lower()} is empty: every record needs one.",
                    )
                )
                row_ok = False
        if row_ok and not problems:
            raw = {column: clean(cell) for column, cell in zip(table.columns, cells, strict=True)}
            report._records.append(_Row(number, record_id, values, raw, _fingerprint(values)))
    if problems:
        report._records.clear()
        return report
    report.notes = _postcode_notes(postcodes_held, not_uk)
    _compare_with_held(report, agency)
    return report


def _postcode_notes(held: int, not_uk: Counter[str]) -> list[str]:
    """A data-quality note on postcodes outside the UK format: kept and linked on, never refused."""
    if not not_uk:
        return []
    count = sum(not_uk.values())
    examples = ", ".join(repr(value) for value, _ in not_uk.most_common(3))
    share = "All" if count == held else f"{count:,} of the {held:,}"
    return [
        f"{share} postcodes are not in the UK format (for example {examples}). They are kept as written and "
        "compared whole when linking; only UK postcodes are also compared by sector and district. "
        "If the column does not hold postcodes, change the column mapping."
    ]


def _compare_with_held(report: ValidationReport, agency: Agency) -> None:
    """Count the file's records as new, changed or unchanged against those the agency has stored."""
    report.created = report.updated = report.unchanged = 0
    report._existing = {
        record_id: (pk, fingerprint)
        for record_id, pk, fingerprint in SourceRecord.objects.filter(agency=agency).values_list(
            "record_id", "pk", "fingerprint"
        )
    }
    for row in report._records:
        held = report._existing.get(row.record_id)
        if held is None:
            report.created += 1
        elif held[1] == row.fingerprint:
            report.unchanged += 1
        else:
            report.updated += 1


def _counted(
    rows: list[tuple[int, list[object]]], progress: Progress | None
) -> Iterator[tuple[int, list[object]]]:
    """The rows, telling `progress` how many are done every few thousand."""
    if progress is None:
        yield from rows
        return
    total = len(rows)
    for done, row in enumerate(rows):
        if done % PROGRESS_EVERY == 0:
            progress("checking", done, total)
        yield row
    progress("checking", total, total)


# --- importing ----------------------------------------------------------------------------------


def import_extract(
    *,
    actor: Actor,
    agency: Agency,
    file: ExtractFile,
    mapping: ColumnMapping,
    progress: Progress | None = None,
) -> ImportBatch:
    """Import a whole extract file for an agency, or nothing: raises ImportRefused with the report
    when any row is bad or the file was imported before.

    New record ids become source records. A record id already held is updated when its values differ
    (the old values and their provenance move to its history) and left alone when they do not.
    The file is read and checked before the import's transaction, so a long file does not hold the
    database's write lock while it is read (SQLite has one writer)."""
    if mapping.agency_id != agency.pk:
        raise ValueError(f"Mapping {mapping} belongs to another agency, not {agency.code}.")
    report = import_validate(agency=agency, file=file, mapping=mapping, progress=progress)
    if not report.ok:
        raise ImportRefused(report)
    if progress is not None:
        progress("storing", 0, report.rows)
    return import_checked(actor=actor, agency=agency, file=file, mapping=mapping, report=report)


def import_checked(
    *,
    actor: Actor,
    agency: Agency,
    file: ExtractFile,
    mapping: ColumnMapping,
    report: ValidationReport,
    then: Callable[[ImportBatch], None] | None = None,
) -> ImportBatch:
    """Store a file that `import_validate` found good, in one transaction (see import_extract); `then`
    runs inside that transaction with the new batch.

    On SQLite, outside any transaction, the rows first go to a temporary table, which locks nothing
    others use; the transaction then copies them over in one statement, so it holds SQLite's only write
    lock for the copy rather than for the minutes Python takes to hand over a million rows."""
    if not report.ok or report.sha256 != file.sha256:
        raise ValueError("Only a file its report found good can be stored.")
    staged = connection.vendor == "sqlite" and not connection.in_atomic_block
    if staged:
        _stage(report)
    try:
        return _store(
            actor=actor, agency=agency, file=file, mapping=mapping, report=report, staged=staged, then=then
        )
    finally:
        if staged:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")


STAGE = "desist_import_stage"
STAGE_FIELDS = ["record_id", "row_number", "raw", "fingerprint", *VALUE_FIELDS]


def _columns(fields: list[str]) -> str:
    return ", ".join(connection.ops.quote_name(_field(f).column) for f in fields)


def _stage(report: ValidationReport) -> None:
    """Write every row of the file to a temporary table, in a transaction of its own on that table alone."""
    table, columns = connection.ops.quote_name(SourceRecord._meta.db_table), _columns(STAGE_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
        cursor.execute(f"CREATE TEMP TABLE {STAGE} AS SELECT {columns} FROM {table} WHERE 0")  # noqa: S608
        sql = f"INSERT INTO temp.{STAGE} ({columns}) VALUES ({', '.join(['%s'] * len(STAGE_FIELDS))})"  # noqa: S608
        cursor.execute("BEGIN")
        try:
            for start in range(0, len(report._records), BULK_BATCH * 5):
                cursor.executemany(
                    sql,
                    [
                        (
                            row.record_id,
                            row.number,
                            json.dumps(row.raw),
                            row.fingerprint,
                            *_db_values(row.values),
                        )
                        for row in report._records[start : start + BULK_BATCH * 5]
                    ],
                )
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")


def _insert_staged(agency: Agency, batch: ImportBatch, stamp: Any) -> None:
    """Copy the staged rows whose record id the agency does not hold yet into the source records."""
    ops, table = connection.ops, connection.ops.quote_name(SourceRecord._meta.db_table)
    agency_column, record_column = ops.quote_name("agency_id"), ops.quote_name("record_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({_columns(['agency', 'batch', 'first_batch', 'updated_at', 'history'])}, "  # noqa: S608
            f"{_columns(STAGE_FIELDS)}) SELECT %s, %s, %s, %s, '[]', {_columns(STAGE_FIELDS)} "
            f"FROM temp.{STAGE} AS staged WHERE NOT EXISTS (SELECT 1 FROM {table} AS held "
            f"WHERE held.{agency_column} = %s AND held.{record_column} = staged.{record_column}) "
            "ORDER BY staged.rowid",
            [agency.pk, batch.pk, batch.pk, stamp, agency.pk],
        )


@transaction.atomic
def _store(
    *,
    actor: Actor,
    agency: Agency,
    file: ExtractFile,
    mapping: ColumnMapping,
    report: ValidationReport,
    staged: bool,
    then: Callable[[ImportBatch], None] | None,
) -> ImportBatch:
    # What the agency holds may have changed since the check (another import): compare again, inside.
    _compare_with_held(report, agency)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                agency=agency,
                file_name=file.name[:255],
                file_sha256=report.sha256,
                mapping=mapping,
                rows=report.rows,
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
                imported_by=actor.user,
                imported_by_name=actor.username,
            )
    except IntegrityError:
        # Someone imported the same file a moment ago.
        report.already_imported = ImportBatch.objects.get(agency=agency, file_sha256=report.sha256)
        raise ImportRefused(report) from None
    now = batch.imported_at
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    # Rows go straight to the table (COPY on PostgreSQL, executemany on SQLite): building 100,000 model
    # instances and Django's per-value SQL compilation would take most of a minute.
    if staged:
        _insert_staged(agency, batch, stamp)
    else:
        copy_rows(
            SourceRecord,
            [*INSERT_FIELDS, *VALUE_FIELDS],
            (
                (
                    agency.pk,
                    row.record_id,
                    batch.pk,
                    batch.pk,
                    row.number,
                    stamp,
                    json.dumps(row.raw),
                    row.fingerprint,
                    "[]",
                    *_db_values(row.values),
                )
                for row in report._records
                if row.record_id not in report._existing
            ),
        )
    changed = {
        report._existing[row.record_id][0]: row
        for row in report._records
        if row.record_id in report._existing and report._existing[row.record_id][1] != row.fingerprint
    }
    if changed:
        _update_changed(changed, batch)
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        obj=batch,
        summary=f"Imported {file.name} for {agency.code}: {report.created:,} new, "
        f"{report.updated:,} changed, {report.unchanged:,} unchanged records",
        detail={
            "file": file.name,
            "sha256": report.sha256,
            "rows": report.rows,
            "mapping": f"{mapping.name} v{mapping.version}",
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        },
    )
    link_after_import(agency_code=agency.code, file_name=file.name)
    if then is not None:
        then(batch)
    return batch


INSERT_FIELDS = [
    "agency",
    "record_id",
    "batch",
    "first_batch",
    "row_number",
    "updated_at",
    "raw",
    "fingerprint",
    "history",
]


def _db_values(values: dict[str, Any]) -> list[Any]:
    return [
        connection.ops.adapt_datefield_value(values[name])
        if name == "date_of_birth"
        else json.dumps(values[name])
        if name == "local_identifiers"
        else values[name]
        for name in VALUE_FIELDS
    ]


def _update_changed(changed: dict[int, _Row], batch: ImportBatch) -> None:
    """Write the new values over the changed records, moving each old version to its history.

    One UPDATE statement run for many rows: Django's bulk_update builds a CASE per column and row,
    which takes seconds for a thousand records."""
    ops = connection.ops
    table = ops.quote_name(SourceRecord._meta.db_table)
    names = ["batch", "row_number", "updated_at", "raw", "fingerprint", "history", *VALUE_FIELDS]
    assignments = ", ".join(f"{ops.quote_name(_field(n).column)} = %s" for n in names)
    sql = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608 (names come from the model)
    stamp = ops.adapt_datetimefield_value(batch.imported_at)
    ids = sorted(changed)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BULK_BATCH):
            rows = []
            for pk, batch_id, file_name, row_number, updated_at, raw, history in SourceRecord.objects.filter(
                pk__in=ids[start : start + BULK_BATCH]
            ).values_list("pk", "batch_id", "batch__file_name", "row_number", "updated_at", "raw", "history"):
                row = changed[pk]
                history = [
                    *history,
                    {
                        "batch": batch_id,
                        "file": file_name,
                        "row": row_number,
                        "imported_at": updated_at.isoformat(),
                        "raw": raw,
                    },
                ]
                rows.append(
                    (
                        batch.pk,
                        row.number,
                        stamp,
                        json.dumps(row.raw),
                        row.fingerprint,
                        json.dumps(history),
                        *_db_values(row.values),
                        pk,
                    )
                )
            cursor.executemany(sql, rows)


# --- an upload's check and import, in the task worker ---------------------------------------------
# A million-row file takes minutes to check and store, longer than a web request may last, so the pages
# queue the work (imports.services queues imports.tasks, which call the functions below) and show the
# progress the worker writes on the upload.

BUSY = (UploadState.CHECKING, UploadState.IMPORTING)
PROBLEMS_KEPT = 100  # problems kept for the page; every one is in the CSV


def upload_file(upload: Upload) -> ExtractFile:
    """The uploaded extract's name, bytes and the text encoding the user named for it."""
    return ExtractFile(name=upload.file_name, content=bytes(upload.content), encoding=upload.encoding)


def upload_set(upload_id: int, **values: Any) -> None:
    """Write these values on the upload (its state, stage or progress), with when it changed."""
    Upload.objects.filter(pk=upload_id).update(**values, changed_at=timezone.now())


def _progress(upload_id: int) -> Progress:
    """Write the worker's progress on the upload about once a second; never let it stop the work."""
    last_at, last_stage = 0.0, ""

    def report(stage: str, done: int, total: int) -> None:
        nonlocal last_at, last_stage
        now = time.monotonic()
        if stage == last_stage and now - last_at < 1.0 and done < total:
            return
        last_at, last_stage = now, stage
        with contextlib.suppress(
            OperationalError
        ):  # SQLite busy with another writer: the next report will do
            upload_set(upload_id, stage=stage, rows_done=done, rows_total=total)

    return report


def _keep_report(upload_id: int, report: ValidationReport, **values: Any) -> None:
    problems = [[p.row, p.column, p.problem] for p in report.problems[:PROBLEMS_KEPT]]
    summary = {
        "ok": report.ok,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "unmapped_columns": report.unmapped_columns,
        "problem_count": len(report.problems),
        "rows_with_problems": report.rows_with_problems,
        "notes": report.notes,
        "refusal": report.refusal,
        "already_imported": report.already_imported is not None,
        "problems": problems,
    }
    upload_set(
        upload_id,
        report=summary,
        problems_csv=gzip.compress(report.problems_csv().encode()) if report.problems else b"",
        stage="",
        **values,
    )


def upload_check_run(*, upload_id: int) -> dict[str, Any]:
    """The worker's check of an upload: read and check every row, writing progress, then keep the report.
    Safe to run again (it only reads the file and rewrites the report)."""
    upload = Upload.objects.select_related("agency", "mapping").get(pk=upload_id)
    if upload.state != UploadState.CHECKING or upload.mapping is None:
        return {"skipped": upload.state}
    upload_set(upload_id, stage="reading", rows_done=0, rows_total=0)
    report = import_validate(
        agency=upload.agency, file=upload_file(upload), mapping=upload.mapping, progress=_progress(upload_id)
    )
    _keep_report(upload_id, report, state=UploadState.CHECKED)
    return {"rows": report.rows, "problems": len(report.problems)}


def upload_import_run(*, upload_id: int) -> dict[str, Any]:
    """The worker's import of a checked upload, whole or not at all (see import_extract).

    Safe to run again after a worker stopped: the upload is tied to its batch inside the import's own
    transaction, so a second attempt either finds the import done or does it from the start."""
    upload = Upload.objects.select_related("agency", "mapping", "imported_by").get(pk=upload_id)
    if upload.batch_id is not None:
        upload_set(upload_id, state=UploadState.IMPORTED, stage="", content=b"")
        return {"batch": upload.batch_id}
    if upload.state != UploadState.IMPORTING or upload.mapping is None:
        return {"skipped": upload.state}
    actor = actor_for_user(upload.imported_by, channel=Channel.IMPORT, purpose="administration")
    file = upload_file(upload)
    upload_set(upload_id, stage="reading", rows_done=0, rows_total=0)
    report = import_validate(
        agency=upload.agency, file=file, mapping=upload.mapping, progress=_progress(upload_id)
    )
    if not report.ok:
        # Something changed since the check (the same file imported meanwhile): show why, import nothing.
        _keep_report(upload_id, report, state=UploadState.CHECKED)
        return {"refused": report.refusal}
    upload_set(upload_id, stage="storing", rows_done=0, rows_total=report.rows)
    try:
        batch = import_checked(
            actor=actor,
            agency=upload.agency,
            file=file,
            mapping=upload.mapping,
            report=report,
            then=lambda batch: upload_set(
                upload_id, state=UploadState.IMPORTED, batch=batch, stage="", content=b""
            ),
        )
    except ImportRefused as refused:
        _keep_report(upload_id, refused.report, state=UploadState.CHECKED)
        return {"refused": refused.report.refusal}
    return {
        "batch": batch.pk,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
    }


def upload_stopped(*, task_id: str, reason: str, retried: bool) -> None:
    """A check or import task ended without finishing (an error, or its worker stopped): say so on the
    upload, unless the task is queued again. An import's writes were rolled back with its transaction."""
    if retried:
        Upload.objects.filter(task_id=task_id, state__in=BUSY).update(
            stage="queued", changed_at=timezone.now()
        )
        return
    Upload.objects.filter(task_id=task_id, state__in=BUSY).update(
        state=UploadState.FAILED, stage="", error=reason[:2000], changed_at=timezone.now()
    )
