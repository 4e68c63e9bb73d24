"""Mapping files: which column of each agency's CSV file holds which desist field.

A mapping is TOML, one table per source::

    [police]
    record_id = "Custody Ref"          # the column holding the record's id in that source
    date_format = "%d/%m/%Y"           # optional; "auto" (the default) tries the usual formats

    [police.columns]                    # CSV column = desist field
    "Forename" = "first_name"
    "Surname" = "last_name"
    "DOB" = "date_of_birth"
    "PNC ID" = "pnc"
    "Warrant No" = "local:warrant"     # any other identifier: local:<name>

Fields are those of :mod:`desist.core.linkage.fields`. Values are trimmed of surrounding spaces. A bad
mapping raises MappingError; bad values raise RecordValueErrors listing every problem with its file,
row (as a spreadsheet numbers it: the header is row 1) and column. Nothing is silently dropped.
"""

from __future__ import annotations

import csv
import difflib
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from .fields import (
    COMBINABLE_FIELDS,
    DATE_FORMATS,
    MAPPING_FIELDS,
    FieldValueError,
    is_local_identifier,
    parse_field,
)

SOURCE_SETTINGS = ("record_id", "date_format", "columns", "delimiter", "encoding")
MAX_REPORTED_PROBLEMS = 50


class MappingError(ValueError):
    """A mapping file (or its use with a CSV file) that cannot work; the message says why."""


@dataclass(frozen=True)
class ValueProblem:
    """One value that could not be read."""

    file: str
    row: int  # as a spreadsheet numbers it: the header is row 1, the first record row 2
    column: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, column {self.column!r}: {self.problem}"


class RecordValueErrors(ValueError):
    """Values that could not be read, every one of them listed (the first MAX_REPORTED_PROBLEMS)."""

    def __init__(self, problems: Sequence[ValueProblem], total: int | None = None) -> None:
        self.problems = list(problems)
        self.total = total if total is not None else len(self.problems)
        lines = [str(p) for p in self.problems]
        if self.total > len(self.problems):
            lines.append(f"... and {self.total - len(self.problems)} more")
        super().__init__(f"{self.total} value(s) could not be read:\n" + "\n".join(lines))


@dataclass(frozen=True)
class SourceMapping:
    """How one source's file maps onto desist fields."""

    source: str
    record_id: str
    columns: dict[str, str]  # CSV column -> desist field
    date_format: str = "auto"
    delimiter: str = ","
    encoding: str = "utf-8"


def _suggest(word: str, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_date_format(where: str, fmt: object) -> str:
    if not isinstance(fmt, str) or not fmt:
        raise MappingError(f'{where}: date_format must be text such as "%d/%m/%Y" or "auto"')
    if fmt == "auto":
        return fmt
    if "%" not in fmt:
        raise MappingError(
            f'{where}: date_format {fmt!r} has no strptime codes; write e.g. "%d/%m/%Y" for 21/03/1984 '
            f'or "auto" to try {", ".join(DATE_FORMATS)}'
        )
    try:
        written = date(1984, 3, 21).strftime(fmt)
    except ValueError as exc:
        raise MappingError(f"{where}: date_format {fmt!r} is not a valid strptime format") from exc
    if not all(code in fmt for code in ("%d", "%m")) or not ("%Y" in fmt or "%y" in fmt):
        raise MappingError(
            f"{where}: date_format {fmt!r} must have a day (%d), a month (%m) and a year (%Y or %y); "
            f"it would write 21 March 1984 as {written!r}"
        )
    return fmt


def _source_mapping(path: str, source: str, table: object) -> SourceMapping:
    where = f"{path}: [{source}]"
    if not isinstance(table, dict):
        raise MappingError(f"{path}: {source!r} must be a table ([{source}]) with record_id and columns")
    unknown = [key for key in table if key not in SOURCE_SETTINGS]
    if unknown:
        raise MappingError(
            f"{where}: unknown setting {unknown[0]!r}{_suggest(unknown[0], SOURCE_SETTINGS)}; "
            f"a source may set {', '.join(SOURCE_SETTINGS)}"
        )
    record_id = table.get("record_id")
    if not isinstance(record_id, str) or not record_id.strip():
        raise MappingError(f"{where}: record_id must name the column that holds each record's id")
    columns = table.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise MappingError(
            f"{where}: add a [{source}.columns] table naming, for each CSV column, its desist field "
            f'(e.g. "Surname" = "last_name")'
        )
    mapped: dict[str, str] = {}
    by_field: dict[str, str] = {}
    for column, field_name in columns.items():
        if not isinstance(field_name, str):
            raise MappingError(f"{where}: column {column!r} must map to a field name in quotes")
        field_name = field_name.strip()
        if not (field_name in MAPPING_FIELDS or is_local_identifier(field_name)):
            raise MappingError(
                f"{where}: column {column!r} maps to {field_name!r}, which is not a desist field"
                f"{_suggest(field_name, list(MAPPING_FIELDS))}; fields are {', '.join(MAPPING_FIELDS)}, "
                f"or local:<name> for any other identifier"
            )
        # Address parts may be spread over columns ("Number", "Street"): joined in the mapping's order.
        if field_name in by_field and field_name not in COMBINABLE_FIELDS:
            raise MappingError(
                f"{where}: columns {by_field[field_name]!r} and {column!r} both map to {field_name!r}"
            )
        if column == record_id:
            raise MappingError(f"{where}: {column!r} is the record_id column; do not map it again")
        by_field[field_name] = column
        mapped[column] = field_name
    date_format = _check_date_format(where, table.get("date_format", "auto"))
    delimiter = table.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise MappingError(f"{where}: delimiter must be one character")
    encoding = table.get("encoding", "utf-8")
    if not isinstance(encoding, str):
        raise MappingError(f'{where}: encoding must be text such as "utf-8" or "cp1252"')
    return SourceMapping(
        source=source,
        record_id=record_id,
        columns=mapped,
        date_format=date_format,
        delimiter=delimiter,
        encoding=encoding,
    )


def parse_mapping(text: str, *, path: str = "mapping") -> dict[str, SourceMapping]:
    """Read a mapping from TOML text; raises MappingError with what to fix."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{path}: not valid TOML: {exc}") from exc
    if not data:
        raise MappingError(f"{path}: no sources; add a [<source>] table for each file to link")
    return {source: _source_mapping(path, source, table) for source, table in data.items()}


def load_mapping(path: str | Path) -> dict[str, SourceMapping]:
    """Read a mapping file; raises MappingError with what to fix."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise MappingError(f"{source}: no such mapping file") from exc
    except UnicodeDecodeError as exc:
        raise MappingError(f"{source}: not UTF-8 text") from exc
    return parse_mapping(text, path=str(source))


def _read_csv_text(path: Path, mapping: SourceMapping) -> pa.Table:
    try:
        with path.open(encoding=mapping.encoding, newline="") as handle:
            header = next(csv.reader(handle, delimiter=mapping.delimiter), [])
    except FileNotFoundError as exc:
        raise MappingError(f"{path}: no such file") from exc
    except (UnicodeDecodeError, LookupError) as exc:
        raise MappingError(f"{path}: cannot be read as {mapping.encoding} text: {exc}") from exc
    if not header:
        raise MappingError(f"{path}: the file is empty (a header row is needed)")
    header[0] = header[0].removeprefix("\ufeff")
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                encoding=mapping.encoding, column_names=header, skip_rows=1, block_size=1 << 24
            ),
            parse_options=pacsv.ParseOptions(delimiter=mapping.delimiter, newlines_in_values=True),
            # Every column as text: values are read by desist's own rules, not guessed.
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, LookupError) as exc:
        raise MappingError(f"{path}: cannot be read as CSV: {exc}") from exc


def read_source(
    path: str | Path, mapping: SourceMapping, *, blanked: list[ValueProblem] | None = None
) -> pa.Table:
    """One source's CSV file as engine records (see records.RECORD_FIELDS).

    Raises MappingError when the file lacks a mapped column, RecordValueErrors listing every value
    that cannot be read (a missing or repeated record id included).
    """
    file = Path(path)
    return read_source_table(_read_csv_text(file, mapping), mapping, file=str(file), blanked=blanked)


def read_source_table(
    raw: pa.Table, mapping: SourceMapping, *, file: str = "", blanked: list[ValueProblem] | None = None
) -> pa.Table:
    """One source's raw table (columns as the agency wrote them) as engine records.

    The same rules as read_source, for data already in Arrow (an agency extract held in memory).
    With a ``blanked`` list, a value that cannot be read is left empty and its problem appended there
    instead of raised (the record is kept and linked on its other fields); record id problems are
    always raised.
    """
    file = file or mapping.source
    header = [str(name).strip() for name in raw.column_names]
    raw = raw.rename_columns(header)
    needed = [mapping.record_id, *mapping.columns]
    missing = [c for c in needed if c not in header]
    if missing:
        role = "record_id" if missing[0] == mapping.record_id else mapping.columns[missing[0]]
        raise MappingError(
            f"{file}: no column {missing[0]!r} (mapped to {role}){_suggest(missing[0], header)}; "
            f"the file's columns are {', '.join(repr(h) for h in header)}"
        )
    problems: list[ValueProblem] = []
    total = 0

    def problem(row: int, column: str, text: str) -> None:
        nonlocal total
        total += 1
        if len(problems) < MAX_REPORTED_PROBLEMS:
            problems.append(ValueProblem(file, row + 2, column, text))

    ids = ["" if v is None else str(v).strip() for v in raw.column(mapping.record_id).to_pylist()]
    seen: dict[str, int] = {}
    for row, value in enumerate(ids):
        if not value:
            problem(row, mapping.record_id, "the record id is empty")
        elif value in seen:
            problem(row, mapping.record_id, f"record id {value!r} is also on row {seen[value] + 2}")
        else:
            seen[value] = row
    columns: dict[str, list[Any]] = {
        "source": [mapping.source] * raw.num_rows,
        "record_id": ids,
    }
    for column, field_name in mapping.columns.items():
        cache: dict[object, object] = {}
        out: list[object] = []
        for row, value in enumerate(raw.column(column).to_pylist()):
            try:
                parsed = cache[value]
            except KeyError:
                try:
                    parsed = parse_field(
                        field_name, value, date_format=mapping.date_format, international=True
                    )
                except FieldValueError as exc:
                    parsed = exc
                cache[value] = parsed
            if isinstance(parsed, FieldValueError):
                if blanked is not None:
                    blanked.append(ValueProblem(file, row + 2, column, f"{parsed} (left empty)"))
                else:
                    problem(row, column, str(parsed))
                parsed = None
            out.append(parsed if parsed != "" else None)
        if field_name in columns:  # a combined field: this column's text after the earlier ones'
            out = [
                " ".join(str(v) for v in pair if v) or None
                for pair in zip(columns[field_name], out, strict=True)
            ]
        columns[field_name] = out
    if total:
        raise RecordValueErrors(problems, total)
    types = {name: (pa.date32() if name == "date_of_birth" else pa.string()) for name in columns}
    return pa.table({name: pa.array(values, type=types[name]) for name, values in columns.items()})


def read_sources(
    files: Sequence[tuple[str, str | Path]],
    mapping: dict[str, SourceMapping],
    *,
    blanked: list[ValueProblem] | None = None,
) -> pa.Table:
    """Every named file read with its source's mapping, as one records table.

    ``files`` are (source name, path) pairs. All problems across all files are reported together
    (or, with ``blanked``, bad values are left empty and listed there: see read_source_table).
    """
    tables: list[pa.Table] = []
    problems: list[ValueProblem] = []
    total = 0
    names_seen: set[str] = set()
    for name, path in files:
        if name not in mapping:
            raise MappingError(
                f"no source {name!r} in the mapping{_suggest(name, list(mapping))}; "
                f"it has {', '.join(mapping) or 'none'}"
            )
        if name in names_seen:
            raise MappingError(f"source {name!r} is given twice; link each source's file once")
        names_seen.add(name)
        try:
            tables.append(read_source(path, mapping[name], blanked=blanked))
        except RecordValueErrors as exc:
            problems.extend(exc.problems)
            total += exc.total
    if total:
        raise RecordValueErrors(problems[:MAX_REPORTED_PROBLEMS], total)
    return pa.concat_tables(tables, promote_options="default")
