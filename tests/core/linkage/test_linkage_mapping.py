"""Mapping files and reading agency CSV files: clear errors for bad mappings and bad values."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from desist.core.linkage import MappingError, RecordValueErrors, parse_mapping, read_sources
from desist.core.linkage.mapping import load_mapping, read_source

GOOD = """
[police]
record_id = "Custody Ref"
date_format = "%d/%m/%Y"

[police.columns]
"Forename" = "first_name"
"Surname" = "last_name"
"DOB" = "date_of_birth"
"Gender" = "sex"
"Post Code" = "postcode"
"PNC ID" = "pnc"
"Warrant" = "local:warrant"
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_mapping_reads_each_source() -> None:
    mapping = parse_mapping(GOOD)
    police = mapping["police"]
    assert police.record_id == "Custody Ref"
    assert police.date_format == "%d/%m/%Y"
    assert police.columns["PNC ID"] == "pnc"
    assert police.columns["Warrant"] == "local:warrant"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[police\nrecord_id = 'x'", "not valid TOML"),
        ("", "no sources"),
        ("[police]\n[police.columns]\nSurname = 'last_name'", "record_id must name the column"),
        ("[police]\nrecord_id = 'id'", "add a [police.columns] table"),
        ("[police]\nrecord_id = 'id'\n[police.columns]\nForename = 'forename'", "did you mean 'first_name'"),
        (
            "[police]\nrecord_id = 'id'\n[police.columns]\nA = 'last_name'\nB = 'last_name'",
            "both map to 'last_name'",
        ),
        (
            "[police]\nrecord_id = 'id'\ndate_format = 'dd/mm/yyyy'\n[police.columns]\nA = 'last_name'",
            "has no strptime codes",
        ),
        (
            "[police]\nrecord_id = 'id'\ndate_format = '%Y'\n[police.columns]\nA = 'last_name'",
            "must have a day (%d), a month (%m)",
        ),
        ("[police]\nrecordid = 'id'\n[police.columns]\nA = 'last_name'", "did you mean 'record_id'"),
        ("[police]\nrecord_id = 'id'\n[police.columns]\nid = 'last_name'", "is the record_id column"),
        ("police = 3", "must be a table"),
    ],
)
def test_a_bad_mapping_says_what_to_fix(text: str, message: str) -> None:
    with pytest.raises(MappingError, match=re.escape(message)):
        parse_mapping(text, path="m.toml")


def test_a_missing_mapping_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="no such mapping file"):
        load_mapping(tmp_path / "absent.toml")


def test_values_are_trimmed_and_read_by_the_mapping(tmp_path: Path) -> None:
    mapping = parse_mapping(GOOD)["police"]
    csv = _write(
        tmp_path,
        "police.csv",
        "\ufeffCustody Ref,Forename,Surname,DOB,Gender,Post Code,PNC ID,Warrant,Ignored\n"
        "  KP1 , Bill ,  SMITH ,03/04/1980, M ,me14 1xx,04/12345D, w-9 ,anything\n"
        'KP2,"Mary, Jane",Jones,,F,,,,\n',
    )
    table = read_source(csv, mapping)
    rows = table.to_pylist()
    assert rows[0]["record_id"] == "KP1"
    assert rows[0]["first_name"] == "Bill"
    assert rows[0]["last_name"] == "SMITH"
    assert rows[0]["date_of_birth"] == date(1980, 4, 3)
    assert rows[0]["sex"] == "male"
    assert rows[0]["postcode"] == "ME14 1XX"
    assert rows[0]["pnc"] == "2004/0012345D"
    assert rows[0]["local:warrant"] == "W-9"
    assert rows[1]["first_name"] == "Mary, Jane"
    assert rows[1]["date_of_birth"] is None
    assert "Ignored" not in table.column_names


def test_bad_values_are_all_listed_with_file_row_and_column(tmp_path: Path) -> None:
    mapping = parse_mapping(GOOD)["police"]
    csv = _write(
        tmp_path,
        "police.csv",
        "Custody Ref,Forename,Surname,DOB,Gender,Post Code,PNC ID,Warrant\n"
        "KP1,Ann,Lee,1980-04-03,F,ME14 1XX,,\n"
        "KP2,Bob,Lee,03/04/1980,Q,ME14 1XX,,\n"
        "KP3,Cat,Lee,03/04/1980,F,NOT A CODE,,\n"
        "KP2,Dan,Lee,03/04/1980,M,,,\n"
        ",Eve,Lee,03/04/1980,F,,,\n",
    )
    with pytest.raises(RecordValueErrors) as caught:
        read_source(csv, mapping)
    problems = {(p.row, p.column) for p in caught.value.problems}
    # A postcode that is not in the UK format is kept (addresses are international), not refused.
    assert problems == {(2, "DOB"), (3, "Gender"), (5, "Custody Ref"), (6, "Custody Ref")}
    message = str(caught.value)
    assert "4 value(s) could not be read" in message
    assert f"{csv}, row 2, column 'DOB': '1980-04-03' is not a date in the format DD/MM/YYYY" in message
    assert "record id 'KP2' is also on row 3" in message
    assert "row 6, column 'Custody Ref': the record id is empty" in message


def test_a_file_without_a_mapped_column_names_it_and_the_columns_it_has(tmp_path: Path) -> None:
    mapping = parse_mapping(GOOD)["police"]
    csv = _write(tmp_path, "police.csv", "Custody Ref,Forname,Surname,DOB,Gender,Post Code,PNC ID,Warrant\n")
    with pytest.raises(
        MappingError, match=r"no column 'Forename' \(mapped to first_name\) \(did you mean 'Forname'\?\)"
    ):
        read_source(csv, mapping)


def test_other_delimiters_and_encodings(tmp_path: Path) -> None:
    mapping = parse_mapping(
        "[housing]\nrecord_id = 'Ref'\ndelimiter = ';'\nencoding = 'cp1252'\n"
        "[housing.columns]\nName = 'last_name'"
    )
    path = tmp_path / "housing.csv"
    path.write_bytes("Ref;Name\nH1;Zoë\n".encode("cp1252"))
    assert read_sources([("housing", path)], mapping).column("last_name").to_pylist() == ["Zoë"]


def test_sources_must_be_in_the_mapping_and_given_once(tmp_path: Path) -> None:
    mapping = parse_mapping(GOOD)
    with pytest.raises(MappingError, match=r"no source 'polce' in the mapping \(did you mean 'police'"):
        read_sources([("polce", tmp_path / "x.csv")], mapping)
    with pytest.raises(MappingError, match="no such file"):
        read_sources([("police", tmp_path / "x.csv")], mapping)
