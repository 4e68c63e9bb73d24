"""The input of the measures: one row per proven offence, read and checked whole before anything is counted.

The events are read into an in-memory DuckDB database (CSV through pyarrow with every column as text,
Parquet by DuckDB's own reader, or an Arrow table as it is) and exposed as the view ``events`` with
clean types. Every bad cell is reported with the file, row, column and problem; one bad cell stops
the whole file (all or nothing).
"""

# SQL is built here from fixed column names and checked settings, never from user text: S608 is off.
# ruff: noqa: S608

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv

REQUIRED_COLUMNS: tuple[str, ...] = (
    "person_id",
    "date_of_birth",
    "sex",
    "offence_date",
    "proven_date",
    "outcome",
    "disposal",
    "release_date",
    "offence_code",
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("district", "ethnicity", "priority_group", "iom_strand")
DATE_COLUMNS: tuple[str, ...] = ("date_of_birth", "offence_date", "proven_date", "release_date")
OUTCOMES: tuple[str, ...] = ("conviction", "caution")
# As desist.offences.Disposal. A hospital order is not custody: its index date is the court date.
DISPOSALS: tuple[str, ...] = (
    "custody",
    "community",
    "suspended",
    "fine",
    "discharge",
    "other",
    "hospital_order",
)
SEXES: tuple[str, ...] = ("male", "female")
# Problems listed in full before the message says "and N more".
PROBLEMS_SHOWN = 200


@dataclass(frozen=True)
class EventProblem:
    """One bad cell (or a whole-file problem, when row and column are None)."""

    source: str
    row: int | None
    column: str | None
    problem: str

    def __str__(self) -> str:
        where = [self.source]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.problem}"


class EventsInvalid(ValueError):
    """The events cannot be used; ``problems`` says where and why.

    ``bad_rows`` counts every bad row (``problems`` lists the cells of the first PROBLEMS_SHOWN of them);
    for a problem with the whole file it is 0.
    """

    def __init__(self, problems: list[EventProblem], bad_rows: int = 0) -> None:
        self.problems = problems
        self.bad_rows = bad_rows
        lines = [str(p) for p in problems[:20]]
        if len(problems) > len(lines):
            lines.append(f"... and {len(problems) - len(lines):,} more problem(s)")
        if self.more_rows:
            lines.append(f"... and {self.more_rows:,} more bad row(s)")
        heading = f"{bad_rows:,} bad row(s)" if bad_rows else "the events cannot be read"
        super().__init__(f"{heading}; nothing was counted:\n" + "\n".join(lines))

    @property
    def more_rows(self) -> int:
        """Bad rows beyond those listed in ``problems``."""
        return max(0, self.bad_rows - len({p.row for p in self.problems if p.row is not None}))


@dataclass
class LoadedEvents:
    """Checked events in a DuckDB connection, as the view ``events``."""

    connection: duckdb.DuckDBPyConnection
    source: str
    optional_columns: tuple[str, ...]
    rows: int


def connect() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB that never fetches an extension (nothing may be downloaded here)."""
    con = duckdb.connect(":memory:")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    # Results are ordered where order matters (ORDER BY); keeping the input's order costs memory and time.
    con.execute("SET preserve_insertion_order = false")
    return con


def _quote(name: str, spark: bool = False) -> str:
    if spark:
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _read_csv(path: Path, source: str) -> pa.Table:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError) as exc:
        raise EventsInvalid([EventProblem(source, None, None, f"cannot read the file: {exc}")]) from exc
    if not header:
        raise EventsInvalid([EventProblem(source, None, None, "the file is empty (no header row)")])
    names = [name.strip() for name in header]
    try:
        return pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, encoding="utf-8"),
            # Every column as text: the checks below parse dates themselves, so they can say which cell.
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), null_values=[""], strings_can_be_null=True
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise EventsInvalid([EventProblem(source, None, None, f"not a readable CSV file: {exc}")]) from exc


def _with_row_numbers(table: pa.Table, first_row: int) -> pa.Table:
    import numpy as np

    rows = pa.array(np.arange(first_row, first_row + table.num_rows, dtype=np.int64))
    return table.append_column("source_row", rows)


def _register_raw(con: duckdb.DuckDBPyConnection, events: pa.Table | str | Path, source: str | None) -> str:
    """Make the view ``raw_events`` (the input as given, plus ``source_row``); return the source's name."""
    if isinstance(events, pa.Table):
        con.register("raw_arrow", _with_row_numbers(events, 1))
        con.execute("CREATE VIEW raw_events AS SELECT * FROM raw_arrow")
        return source or "events"
    path = Path(events)
    name = source or path.name
    if not path.is_file():
        raise EventsInvalid([EventProblem(name, None, None, f"no such file: {path}")])
    if path.suffix.lower() == ".parquet":
        try:
            # file_row_number counts from 0; rows are numbered from 1 in messages.
            con.execute(
                "CREATE VIEW raw_events AS SELECT * EXCLUDE (file_row_number), "
                "file_row_number + 1 AS source_row "
                f"FROM read_parquet({_literal(str(path))}, file_row_number = true)"
            )
            con.execute("SELECT * FROM raw_events LIMIT 0").fetchall()
        except duckdb.Error as exc:
            raise EventsInvalid(
                [EventProblem(name, None, None, f"not a readable Parquet file: {exc}")]
            ) from exc
        return name
    # A spreadsheet's row numbers: the header is row 1.
    con.register("raw_arrow", _with_row_numbers(_read_csv(path, name), 2))
    con.execute("CREATE VIEW raw_events AS SELECT * FROM raw_arrow")
    return name


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """A whole-number answer (fetching it whole: DuckDB allows no other work while a result is open)."""
    rows = con.execute(sql).fetchall()
    return int(rows[0][0]) if rows else 0


def _text(column: str, kind: str, spark: bool = False) -> str:
    """SQL for a column as trimmed text, empty as NULL."""
    if kind == "VARCHAR":
        return f"NULLIF(TRIM({_quote(column, spark)}), '')"
    return f"NULLIF(TRIM(CAST({_quote(column, spark)} AS STRING)), '')"


def _date(column: str, kind: str, spark: bool = False) -> str:
    if kind == "DATE":
        return _quote(column, spark)
    if kind.startswith("TIMESTAMP"):
        return f"CAST({_quote(column, spark)} AS DATE)"
    if spark:
        # As DuckDB's %Y-%m-%d: month and day with or without a leading zero.
        return f"try_to_date({_text(column, kind, spark)}, 'yyyy-M-d')"
    return f"CAST(TRY_STRPTIME({_text(column, kind)}, '%Y-%m-%d') AS DATE)"


def _offence_code(kind: str, spark: bool = False) -> str:
    if kind in {"INTEGER", "BIGINT", "SMALLINT", "HUGEINT", "UBIGINT", "UINTEGER"}:
        return "LPAD(CAST(offence_code AS STRING), 5, '0')"
    return f"REPLACE({_text('offence_code', kind, spark)}, '/', '')"


def define_views(
    execute: Callable[[str], object],
    types: dict[str, str],
    optional: tuple[str, ...],
    spark: bool = False,
    as_given: frozenset[str] = frozenset(),
) -> None:
    """``checked_events``: raw text beside clean values (for the checks); ``events``: the clean values.

    Both over the view ``raw_events``; ``types`` gives each raw column's type in DuckDB's names. Columns
    in ``as_given`` (``text_as_given``) are already clean: they are read as they are, not cleaned per row."""
    if types["person_id"] != "VARCHAR":
        person = _quote("person_id", spark)
    else:
        person = _text("person_id", "VARCHAR", spark)
    sex = _text("sex", types["sex"], spark)
    clean = {
        "person_id": person,
        "date_of_birth": _date("date_of_birth", types["date_of_birth"], spark),
        "sex": f"CASE LOWER({sex}) WHEN 'm' THEN 'male' WHEN 'f' THEN 'female' ELSE LOWER({sex}) END",
        "offence_date": _date("offence_date", types["offence_date"], spark),
        "proven_date": _date("proven_date", types["proven_date"], spark),
        "outcome": f"LOWER({_text('outcome', types['outcome'], spark)})",
        "disposal": f"LOWER({_text('disposal', types['disposal'], spark)})",
        "release_date": _date("release_date", types["release_date"], spark),
        "offence_code": _offence_code(types["offence_code"], spark),
    }
    for column in optional:
        clean[column] = _text(column, types[column], spark)
    for column in as_given:
        clean[column] = _quote(column, spark)
    raw = ", ".join(f"{_text(c, types[c], spark)} AS raw_{c}" for c in (*REQUIRED_COLUMNS, *optional))
    columns = ", ".join(f"{sql} AS {name}" for name, sql in clean.items())
    execute(f"CREATE OR REPLACE TEMPORARY VIEW events AS SELECT source_row, {columns} FROM raw_events")
    execute(
        "CREATE OR REPLACE TEMPORARY VIEW checked_events AS "
        f"SELECT source_row, {columns}, {raw} FROM raw_events"
    )


# (column, condition on checked_events that marks the cell bad): the message is worked out in Python for
# the few bad rows, so a good file costs one scan.
_CHECKS: tuple[tuple[str, str], ...] = (
    ("person_id", "person_id IS NULL"),
    ("date_of_birth", "date_of_birth IS NULL"),
    ("offence_date", "offence_date IS NULL"),
    ("proven_date", "proven_date IS NULL"),
    ("release_date", "raw_release_date IS NOT NULL AND release_date IS NULL"),
    ("sex", f"sex IS NULL OR sex NOT IN {SEXES}"),
    ("outcome", f"outcome IS NULL OR outcome NOT IN {OUTCOMES}"),
    ("disposal", f"disposal IS NOT NULL AND disposal NOT IN {DISPOSALS}"),
    ("disposal", "outcome = 'caution' AND disposal IS NOT NULL"),
    ("disposal", "outcome = 'conviction' AND disposal IS NULL"),
    ("release_date", "release_date IS NOT NULL AND disposal IS DISTINCT FROM 'custody'"),
    ("release_date", "release_date < proven_date"),
    ("proven_date", "proven_date < offence_date"),
    ("offence_date", "offence_date < date_of_birth"),
    ("offence_code", "offence_code IS NULL OR NOT regexp_full_match(offence_code, '[0-9]{5}')"),
)
# Spark SQL has no regexp_full_match: the same check anchored.
_SPARK_CHECKS = (
    *_CHECKS[:-1],
    ("offence_code", "offence_code IS NULL OR NOT (offence_code RLIKE '^[0-9]{5}$')"),
)

# A query's column names and rows (DuckDB's or Spark's).
Query = Callable[[str], tuple[list[str], list[tuple[Any, ...]]]]


def duckdb_query(con: duckdb.DuckDBPyConnection) -> Query:
    """``Query`` on DuckDB (each result fetched whole: DuckDB allows no other work while one is open)."""

    def query(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description or ()]
        return names, [tuple(row) for row in cursor.fetchall()]

    return query


def _message(check: int, row: dict[str, Any]) -> str:
    column = _CHECKS[check][0]
    raw = row.get(f"raw_{column}")
    if check in (0, 1, 2, 3):
        return f"{column} is empty" if raw is None else f"{raw!r} is not a date (use YYYY-MM-DD)"
    if check == 4:
        return f"{raw!r} is not a date (use YYYY-MM-DD)"
    if check == 5:
        return "sex is empty" if raw is None else f"{raw!r} is not a sex (use male or female)"
    if check == 6:
        return (
            "outcome is empty" if raw is None else f"{raw!r} is not an outcome (use {' or '.join(OUTCOMES)})"
        )
    if check == 7:
        return f"{raw!r} is not a disposal (use {', '.join(DISPOSALS)})"
    if check == 8:
        return f"a caution has no disposal, but this row has {raw!r}"
    if check == 9:
        return f"a conviction needs a disposal ({', '.join(DISPOSALS)})"
    if check == 10:
        return f"a release date is only for custody, but the disposal is {row['raw_disposal']!r}"
    if check == 11:
        return f"released on {row['release_date']} before the proven date {row['proven_date']}"
    if check == 12:
        return f"proven on {row['proven_date']} before the offence date {row['offence_date']}"
    if check == 13:
        return f"offence date {row['offence_date']} is before the date of birth {row['date_of_birth']}"
    return (
        "offence_code is empty"
        if raw is None
        else f"{raw!r} is not a Home Office offence code (five digits, as 04600 or 046/00)"
    )


# The text columns whose values come from a short list; an already clean value is plain text (no space
# around it, not empty, lower case where the cleaning lowers it, no '/' in an offence code).
_LISTED = ("sex", "outcome", "disposal", "offence_code")
_LOWERED = ("sex", "outcome", "disposal")
# The checks a column's distinct values alone decide: check index -> (column, may be NULL, allowed).
_VALUE_CHECKS: dict[int, tuple[str, bool, Callable[[str], bool]]] = {
    5: ("sex", False, lambda v: v in SEXES),
    6: ("outcome", False, lambda v: v in OUTCOMES),
    7: ("disposal", True, lambda v: v in DISPOSALS),
    14: ("offence_code", False, lambda v: len(v) == 5 and v.isascii() and v.isdigit()),
}
DISTINCT_LIMIT = 10_000


def _already_clean(column: str, value: str) -> bool:
    if not value or value != value.strip() or not value.isascii():
        return False
    if column in _LOWERED and (value != value.lower() or value in ("m", "f")):
        return False
    return not (column == "offence_code" and "/" in value)


@dataclass(frozen=True)
class TextProfile:
    """What the distinct values of the text columns show: the columns already clean (read as they are)
    and the checks no row can fail (so no row is checked for them)."""

    as_given: frozenset[str] = frozenset()
    passed: frozenset[int] = frozenset()


def text_profile(
    query: Query, types: dict[str, str], optional: tuple[str, ...], spark: bool = False
) -> TextProfile:
    """One scan for the distinct values of each text column (a few, in a good file), instead of cleaning
    and checking every row's text. A column with a value that needs cleaning is cleaned row by row."""
    columns = [c for c in (*_LISTED, *optional) if types.get(c) == "VARCHAR"]
    if not columns:
        return TextProfile()
    parts = []
    for column in columns:
        name = _quote(column, spark)
        listed = (
            f"collect_set({name})" if spark else f"list(DISTINCT {name}) FILTER (WHERE {name} IS NOT NULL)"
        )
        parts.append(f"{listed}, max(CASE WHEN {name} IS NULL THEN 1 ELSE 0 END)")
    row = query(f"SELECT {', '.join(parts)} FROM raw_events")[1][0]
    as_given: set[str] = set()
    distinct: dict[str, tuple[list[str], bool]] = {}
    for n, column in enumerate(columns):
        found = [str(v) for v in row[2 * n] or []]
        if len(found) <= DISTINCT_LIMIT and all(_already_clean(column, v) for v in found):
            as_given.add(column)
            distinct[column] = (found, bool(row[2 * n + 1]))
    passed = set()
    for check, (column, nullable, allowed) in _VALUE_CHECKS.items():
        if column in distinct:
            found, has_null = distinct[column]
            if (nullable or not has_null) and all(allowed(v) for v in found):
                passed.add(check)
    if types.get("release_date") in ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"):
        passed.add(4)  # a date column has no text that fails to be a date
    return TextProfile(frozenset(as_given), frozenset(passed))


def cell_problems(
    query: Query, source: str, spark: bool = False, profile: TextProfile | None = None
) -> tuple[list[EventProblem], int]:
    """The bad cells of ``checked_events`` (the first PROBLEMS_SHOWN rows') and how many rows are bad.

    With a ``profile``, a good file costs one scan for the checks its text values did not settle; any bad
    row found sends the whole file through every check, so the count and messages are the same."""
    checks = _SPARK_CHECKS if spark else _CHECKS
    if profile is not None and profile.passed:
        rest = " OR ".join(
            f"COALESCE({condition}, false)"
            for i, (_, condition) in enumerate(checks)
            if i not in profile.passed
        )
        if int(query(f"SELECT count(*) FROM checked_events WHERE {rest or 'false'}")[1][0][0]) == 0:
            return [], 0
    flags = ", ".join(f"COALESCE({condition}, false) AS bad_{i}" for i, (_, condition) in enumerate(checks))
    any_bad = " OR ".join(f"COALESCE({condition}, false)" for _, condition in checks)
    count = int(query(f"SELECT count(*) FROM checked_events WHERE {any_bad}")[1][0][0])
    if count == 0:
        return [], 0
    names, rows = query(
        f"SELECT *, {flags} FROM checked_events WHERE {any_bad} ORDER BY source_row LIMIT {PROBLEMS_SHOWN}"
    )
    problems: list[EventProblem] = []
    for values in rows:
        row = dict(zip(names, values, strict=True))
        for i, (column, _) in enumerate(_CHECKS):
            if row[f"bad_{i}"]:
                problems.append(EventProblem(source, int(row["source_row"]), column, _message(i, row)))
    return problems, count


def person_problems(query: Query, source: str) -> tuple[list[EventProblem], int]:
    """Rows whose date of birth or sex differs from the person's first row."""
    # A good file costs one grouping with no row numbers carried; only a bad one is looked at closely.
    differing = """
        SELECT count(*) FROM (
            SELECT person_id FROM events WHERE person_id IS NOT NULL GROUP BY person_id
            HAVING min(date_of_birth) <> max(date_of_birth) OR min(sex) <> max(sex)
        ) AS people
    """
    if int(query(differing)[1][0][0]) == 0:
        return [], 0
    sql = """
        WITH firsts AS (
            SELECT person_id,
                   min_by(date_of_birth, source_row) AS first_dob,
                   min_by(sex, source_row) AS first_sex,
                   min(source_row) AS first_row
            FROM events WHERE person_id IS NOT NULL
            GROUP BY person_id
            HAVING min(date_of_birth) <> max(date_of_birth) OR min(sex) <> max(sex)
        )
        SELECT e.source_row, e.date_of_birth, e.sex, f.first_dob, f.first_sex, f.first_row
        FROM events e JOIN firsts f ON e.person_id = f.person_id
        WHERE e.date_of_birth IS DISTINCT FROM f.first_dob OR e.sex IS DISTINCT FROM f.first_sex
        ORDER BY e.source_row
    """
    problems: list[EventProblem] = []
    rows = query(sql)[1]
    for row_number, dob, sex, first_dob, first_sex, first_row in rows[:PROBLEMS_SHOWN]:
        if dob != first_dob:
            problems.append(
                EventProblem(
                    source,
                    int(row_number),
                    "date_of_birth",
                    f"{dob} differs from {first_dob} on row {first_row} for the same person_id",
                )
            )
        if sex != first_sex:
            problems.append(
                EventProblem(
                    source,
                    int(row_number),
                    "sex",
                    f"{sex} differs from {first_sex} on row {first_row} for the same person_id",
                )
            )
    return problems, len(rows)


def load_events(events: pa.Table | str | Path, *, source: str | None = None) -> LoadedEvents:
    """Read and check the events (a CSV or Parquet path, or an Arrow table); raise EventsInvalid if any
    cell is bad. ``source`` names the input in messages (default: the file name)."""
    con = connect()
    name = _register_raw(con, events, source)
    types = {str(row[0]): str(row[1]) for row in con.execute("DESCRIBE raw_events").fetchall()}
    missing = [column for column in REQUIRED_COLUMNS if column not in types]
    if missing:
        present = ", ".join(c for c in types if c != "source_row")
        raise EventsInvalid(
            [
                EventProblem(name, None, column, f"missing column (the header has: {present})")
                for column in missing
            ]
        )
    optional = tuple(column for column in OPTIONAL_COLUMNS if column in types)
    query = duckdb_query(con)
    profile = text_profile(query, types, optional)
    define_views(con.execute, types, optional, as_given=profile.as_given)
    problems, total = cell_problems(query, name, profile=profile)
    if not total:
        problems, total = person_problems(query, name)
    if total:
        raise EventsInvalid(problems, total)
    return LoadedEvents(con, name, optional, _scalar(con, "SELECT count(*) FROM raw_events"))
