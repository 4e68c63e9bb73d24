"""``desist measures proven-reoffending`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desist.cli import main

EVENTS = (
    "person_id,date_of_birth,sex,offence_date,proven_date,outcome,disposal,release_date,offence_code,"
    "district\n"
    """a,1990-01-01,male,2023-12-01,2024-01-15,conviction,community,,04600,Ashford
a,1990-01-01,male,2024-03-01,2024-05-01,conviction,fine,,10500,Ashford
b,2008-06-01,female,2023-06-01,2023-08-01,conviction,custody,2024-02-10,03400,
b,2008-06-01,female,2024-04-01,2024-04-02,caution,,,04600,
c,1980-01-01,male,2024-01-01,2024-01-01,caution,,,04600,Dover
"""
)


def run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str, events: str = EVENTS
) -> tuple[int, str, str]:
    path = tmp_path / "events.csv"
    path.write_text(events)
    status = main(
        [
            "measures",
            "proven-reoffending",
            "--events",
            str(path),
            "--from",
            "2024-01-01",
            "--to",
            "2024-03-31",
            *extra,
        ]
    )
    out, err = capsys.readouterr()
    return status, out, err


def test_prints_the_headline_measures_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(tmp_path, capsys, "--as-of", "2025-01-01", "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert {k: data[k] for k in ("cohort_size", "reoffenders", "reoffences", "provisional")} == {
        "cohort_size": 3,
        "reoffenders": 2,
        "reoffences": 2,
        "provisional": True,
    }
    assert data["binary_rate"] == pytest.approx(2 / 3)
    assert data["reoffences_per_reoffender"] == 1.0
    assert data["reoffences_per_offender"] == pytest.approx(2 / 3)
    assert data["average_days_to_first_reoffence"] == 48.5
    assert data["juvenile"]["cohort_size"] == 1
    assert "breakdowns" not in data


def test_breakdowns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(tmp_path, capsys, "--as-of", "2026-01-01", "--by", "sex", "district")
    data = json.loads(out)
    assert status == 0 and data["provisional"] is False
    assert [(r["value"], r["cohort_size"]) for r in data["breakdowns"]["district"]] == [
        ("Ashford", 1),
        ("Dover", 1),
        ("not recorded", 1),
    ]
    assert data["breakdowns"]["sex"][0]["value"] == "female"
    assert data["breakdowns"]["sex"][0]["juvenile"]["reoffenders"] == 1


def test_bad_input_is_listed_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        tmp_path, capsys, events=EVENTS.replace("caution,,,04600,\n", "caution,fine,,04600,\n")
    )
    assert status == 1 and out == ""
    assert "1 bad row(s)" in err
    assert "events.csv, row 5, column disposal: a caution has no disposal, but this row has 'fine'" in err


def test_a_breakdown_without_its_column_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(tmp_path, capsys, "--by", "ethnicity")
    assert status == 1 and "has no such column" in err
