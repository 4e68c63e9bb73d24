"""Reading and checking the events: every bad cell named by file, row and column; all or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from desist.core.measures import EventsInvalid, load_events, proven_reoffending

from .builders import caution, events_table

HEADER = "person_id,date_of_birth,sex,offence_date,proven_date,outcome,disposal,release_date,offence_code"
GOOD = "p1,1990-01-01,male,2024-01-05,2024-01-06,conviction,fine,,04600"


def write(tmp_path: Path, *lines: str, header: str = HEADER) -> Path:
    path = tmp_path / "events.csv"
    path.write_text("\n".join([header, *lines]) + "\n")
    return path


def problems(path: Path) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(EventsInvalid) as caught:
        load_events(path)
    return [(p.row, p.column, p.problem) for p in caught.value.problems]


def test_a_good_csv_loads_with_codes_and_text_cleaned(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD, " p2 ,2001-02-03,F,2024-01-05,2024-01-05,Caution,,,046/00")
    loaded = load_events(path)
    assert loaded.rows == 2
    rows = loaded.connection.execute(
        "SELECT person_id, sex, outcome, offence_code FROM events ORDER BY 1"
    ).fetchall()
    assert rows == [("p1", "male", "conviction", "04600"), ("p2", "female", "caution", "04600")]


@pytest.mark.parametrize(
    ("line", "column", "fragment"),
    [
        (
            "p1,1990-02-30,male,2024-01-05,2024-01-06,conviction,fine,,04600",
            "date_of_birth",
            "'1990-02-30' is not a date",
        ),
        ("p1,1990-01-01,male,05/01/2024,2024-01-06,conviction,fine,,04600", "offence_date", "is not a date"),
        ("p1,1990-01-01,male,2024-01-05,,conviction,fine,,04600", "proven_date", "proven_date is empty"),
        (
            "p1,1990-01-01,male,2024-01-05,2024-01-06,conviction,fine,soon,04600",
            "release_date",
            "'soon' is not a date",
        ),
        (",1990-01-01,male,2024-01-05,2024-01-06,conviction,fine,,04600", "person_id", "person_id is empty"),
        ("p1,1990-01-01,x,2024-01-05,2024-01-06,conviction,fine,,04600", "sex", "'x' is not a sex"),
        (
            "p1,1990-01-01,male,2024-01-05,2024-01-06,acquitted,,,04600",
            "outcome",
            "'acquitted' is not an outcome",
        ),
        (
            "p1,1990-01-01,male,2024-01-05,2024-01-06,conviction,prison,,04600",
            "disposal",
            "'prison' is not a disposal",
        ),
        (
            "p1,1990-01-01,male,2024-01-05,2024-01-06,caution,fine,,04600",
            "disposal",
            "a caution has no disposal",
        ),
        (
            "p1,1990-01-01,male,2024-01-05,2024-01-06,conviction,,,04600",
            "disposal",
            "a conviction needs a disposal",
        ),
        (
            "p1,1990-01-01,male,2024-01-05,2024-01-06,conviction,fine,2024-02-01,04600",
            "release_date",
            "a release date is only for custody",
        ),
        (
            "p1,1990-01-01,male,2024-01-05,2024-01-06,conviction,custody,2024-01-01,04600",
            "release_date",
            "released on 2024-01-01 before the proven date 2024-01-06",
        ),
        (
            "p1,1990-01-01,male,2024-01-05,2024-01-04,conviction,fine,,04600",
            "proven_date",
            "proven on 2024-01-04 before the offence date 2024-01-05",
        ),
        (
            "p1,1990-01-01,male,1989-01-05,1989-01-06,conviction,fine,,04600",
            "offence_date",
            "before the date of birth",
        ),
        (
            "p1,1990-01-01,male,2024-01-05,2024-01-06,conviction,fine,,4600",
            "offence_code",
            "'4600' is not a Home Office offence code",
        ),
    ],
)
def test_each_bad_cell_is_named(tmp_path: Path, line: str, column: str, fragment: str) -> None:
    found = problems(write(tmp_path, GOOD, line))
    assert len(found) == 1
    row, bad_column, problem = found[0]
    assert (row, bad_column) == (3, column)  # the header is row 1
    assert fragment in problem


def test_a_person_keeps_one_date_of_birth_and_sex(tmp_path: Path) -> None:
    found = problems(write(tmp_path, GOOD, "p1,1991-01-01,female,2024-02-05,2024-02-06,caution,,,04600"))
    assert [(r, c) for r, c, _ in found] == [(3, "date_of_birth"), (3, "sex")]
    assert "on row 2 for the same person_id" in found[0][2]


def test_every_bad_row_is_reported_and_nothing_is_counted(tmp_path: Path) -> None:
    lines = [GOOD] + [
        f"p{n},1990-01-01,male,2024-01-05,2024-01-06,conviction,jail,,04600" for n in range(300)
    ]
    path = write(tmp_path, *lines)
    with pytest.raises(EventsInvalid) as caught:
        proven_reoffending(path, period_start=date(2024, 1, 1), period_end=date(2024, 3, 31))
    error = caught.value
    assert error.bad_rows == 300
    assert len(error.problems) == 200
    assert error.more_rows == 100
    assert "events.csv, row 3, column disposal: 'jail' is not a disposal" in str(error)
    assert "300 bad row(s)" in str(error)


def test_missing_columns_are_named(tmp_path: Path) -> None:
    found = problems(write(tmp_path, "p1,1990-01-01", header="person_id,date_of_birth"))
    assert [c for _, c, _ in found] == [
        "sex",
        "offence_date",
        "proven_date",
        "outcome",
        "disposal",
        "release_date",
        "offence_code",
    ]
    assert all(r is None for r, _, _ in found)


def test_file_problems(tmp_path: Path) -> None:
    assert "no such file" in problems(tmp_path / "absent.csv")[0][2]
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "empty" in problems(empty)[0][2]
    ragged = write(tmp_path, GOOD + ",extra")
    assert "not a readable CSV file" in problems(ragged)[0][2]


def test_parquet_rows_are_numbered_from_1(tmp_path: Path) -> None:
    table = events_table([caution(on=date(2024, 1, 5)), caution("p2", on=date(2024, 1, 5), sex="other")])
    path = tmp_path / "events.parquet"
    pq.write_table(table, path)
    assert problems(path) == [(2, "sex", "'other' is not a sex (use male or female)")]
    result = proven_reoffending(
        events_table([caution(on=date(2024, 1, 5))]),
        period_start=date(2024, 1, 1),
        period_end=date(2024, 3, 31),
    )
    assert result.headline.cohort_size == 1
