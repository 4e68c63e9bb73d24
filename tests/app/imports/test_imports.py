"""Importing agency extracts: mappings, validation of every row, all-or-nothing imports, idempotence,
provenance, Excel and CSV, the pages and their permissions, and the command line."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db.models import Q
from openpyxl import Workbook

from desist.audit.models import AccessLogEntry, Action
from desist.cli import main as desist_main
from desist.imports import importing, selectors, services
from desist.imports.extracts import (
    ExtractFile,
    ExtractFileError,
    guess_columns,
    guess_date_format,
    guess_record_id_column,
    read_extract,
)
from desist.imports.models import ColumnMapping, ImportBatch, SourceRecord, Upload
from desist.partnership.models import Role
from tests.app import builders
from tests.app.worker_process import worker_env  # noqa: F401 (a fixture)

pytestmark = pytest.mark.postgres

HEADER = [
    "Client ID",
    "Forename",
    "Surname",
    "DOB",
    "Gender",
    "Address 1",
    "Town",
    "Post Code",
    "PNC No",
    "Tenancy Ref",
]
GOOD_ROWS = [
    ["H001", "Amelia", "Hughes", "21/03/1984", "F", "4 Oak Road", "Chatham", "me4 6tl", "04/12345D", "T-77"],
    ["H002", "Oliver", "Barnes", "02/11/1990", "M", "12 Mill Lane", "Gillingham", "ME7 1AB", "", ""],
    ["H003", "Jack", "Patel", "", "", "", "", "", "2011/0000123A", "T-91"],
]
COLUMNS = {
    "Forename": "first_name",
    "Surname": "last_name",
    "DOB": "date_of_birth",
    "Gender": "sex",
    "Address 1": "street",
    "Town": "locality",
    "Post Code": "postcode",
    "PNC No": "pnc",
    "Tenancy Ref": "local:tenancy_ref",
}


def csv_file(
    rows: list[list[str]], name: str = "housing.csv", header: list[str] = HEADER, encoding: str = "utf-8"
) -> ExtractFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ExtractFile(name=name, content=out.getvalue().encode(encoding))


@pytest.fixture
def mapping(partnership):
    return services.mapping_save(
        actor=builders.actor(),
        agency=partnership.housing,
        record_id_column="Client ID",
        date_format="%d/%m/%Y",
        columns=COLUMNS,
    )


# --- reading files and guessing mappings --------------------------------------------------------


def test_headers_are_guessed_from_their_names():
    assert guess_columns(HEADER) == {
        "Forename": "first_name",
        "Surname": "last_name",
        "DOB": "date_of_birth",
        "Gender": "sex",
        "Address 1": "street",
        "Town": "locality",
        "Post Code": "postcode",
        "PNC No": "pnc",
    }
    assert guess_columns(["NHS Number", "NINO", "NOMS Number", "CRN", "Date of Birth", "Middle Names"]) == {
        "NHS Number": "nhs_number",
        "NINO": "ni_number",
        "NOMS Number": "prison_number",
        "CRN": "crn",
        "Date of Birth": "date_of_birth",
        "Middle Names": "middle_names",
    }
    assert guess_record_id_column(HEADER) == "Client ID"
    assert guess_record_id_column(["record_id", "first_name"]) == "record_id"
    assert guess_date_format(["21/03/1984", "02/11/1990", None]) == "%d/%m/%Y"
    assert guess_date_format(["1984-03-21"]) == "%Y-%m-%d"
    assert guess_date_format(["21/03/1984", "1984-03-21"]) == "auto"


def test_csv_is_read_as_utf8_or_windows_1252():
    accented = [["H001", "Zoë", "Brontë", "21/03/1984", "F", "", "", "", "", ""]]
    for encoding in ("utf-8", "utf-8-sig", "cp1252"):
        table = read_extract(csv_file(accented, encoding=encoding))
        assert table.columns == HEADER
        assert table.rows == [(2, accented[0])]
    assert read_extract(csv_file(accented, encoding="cp1252")).encoding == "cp1252"


def test_semicolon_and_tab_separated_files_are_read():
    for delimiter in (";", "\t"):
        text = (
            delimiter.join(["ID", "Surname", "Address"])
            + "\n"
            + delimiter.join(["1", "Lee", '"4, Oak Road"'])
            + "\n"
        )
        table = read_extract(ExtractFile(name="x.csv", content=text.encode()))
        assert table.columns == ["ID", "Surname", "Address"] and table.rows == [
            (2, ["1", "Lee", "4, Oak Road"])
        ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.csv", b"", "The file is empty"),
        ("x.csv", b"id,,surname\n1,a,b\n", "no name for column 2"),
        ("x.csv", b"id,Surname,surname\n1,a,b\n", "names the column 'surname' twice"),
        ("x.pdf", b"%PDF", "is not a CSV (.csv) or Excel (.xlsx) file"),
        ("x.xlsx", b"not a zip", "cannot be opened as an Excel workbook"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(name, content, message):
    with pytest.raises(ExtractFileError, match=re.escape(message)):
        read_extract(ExtractFile(name=name, content=content))


# --- mappings -----------------------------------------------------------------------------------


def test_a_saved_mapping_is_reused_and_saving_again_adds_a_version(partnership, mapping):
    assert selectors.current_mapping(partnership.housing) == mapping
    assert mapping.version == 1 and mapping.columns["Surname"] == "last_name"
    changed = services.mapping_save(
        actor=builders.actor(),
        agency=partnership.housing,
        record_id_column="Client ID",
        date_format="auto",
        columns={**COLUMNS, "Town": ""},
    )
    assert changed.version == 2 and "Town" not in changed.columns
    assert selectors.current_mapping(partnership.housing) == changed
    assert ColumnMapping.objects.filter(agency=partnership.housing).count() == 2
    assert selectors.current_mapping(partnership.police) is None
    assert AccessLogEntry.objects.filter(object_type="imports.columnmapping").count() == 2


def test_a_mapping_that_cannot_work_is_refused_with_every_reason(partnership):
    with pytest.raises(importing.MappingError) as refused:
        services.mapping_save(
            actor=builders.actor(),
            agency=partnership.housing,
            record_id_column="",
            date_format="%m/%d/%Y",
            columns={"Forename": "first_name", "Given": "first_name", "Colour": "favourite_colour"},
        )
    problems = refused.value.problems
    assert any("record id" in p for p in problems)
    assert any("'%m/%d/%Y' is not a date format" in p for p in problems)
    assert any("First name is chosen for two columns" in p for p in problems)
    assert any("'favourite_colour' is not a desist field" in p for p in problems)
    assert any("last name" in p for p in problems)
    assert not ColumnMapping.objects.exists()


# --- importing ----------------------------------------------------------------------------------


def test_an_extract_imports_with_typed_values_and_provenance(partnership, mapping):
    file = csv_file(GOOD_ROWS)
    report = importing.import_validate(agency=partnership.housing, file=file, mapping=mapping)
    assert report.ok and (report.rows, report.created, report.updated, report.unchanged) == (3, 3, 0, 0)
    assert not SourceRecord.objects.exists()  # checking writes nothing
    batch = importing.import_extract(
        actor=builders.actor(), agency=partnership.housing, file=file, mapping=mapping
    )
    assert (batch.file_name, batch.rows, batch.created, batch.file_sha256) == (
        "housing.csv",
        3,
        3,
        file.sha256,
    )
    assert batch.mapping == mapping and batch.imported_by_name == "system"
    amelia = SourceRecord.objects.get(agency=partnership.housing, record_id="H001")
    assert (amelia.first_name, amelia.last_name, amelia.date_of_birth, amelia.sex) == (
        "Amelia",
        "Hughes",
        date(1984, 3, 21),
        "female",
    )
    assert (amelia.street, amelia.locality, amelia.postcode, amelia.pnc) == (
        "4 Oak Road",
        "Chatham",
        "ME4 6TL",
        "2004/0012345D",
    )
    assert amelia.local_identifiers == {"tenancy_ref": "T-77"}
    # Provenance: agency, file (batch), row as the spreadsheet shows it, import time, the raw row.
    assert (amelia.batch, amelia.first_batch, amelia.row_number) == (batch, batch, 2)
    assert amelia.updated_at == batch.imported_at and amelia.person is None
    assert amelia.raw["Post Code"] == "me4 6tl" and amelia.raw["DOB"] == "21/03/1984"
    jack = SourceRecord.objects.get(record_id="H003")
    assert (jack.row_number, jack.date_of_birth, jack.sex, jack.postcode) == (4, None, "", "")
    entry = AccessLogEntry.objects.get(object_type="imports.importbatch")
    assert entry.action == Action.COLLECTION and entry.detail["created"] == 3


def test_every_bad_row_is_reported_and_nothing_is_written(partnership, mapping):
    rows = [
        GOOD_ROWS[0],
        ["H010", "Ann", "Lee", "31/02/1990", "F", "", "", "", "", ""],  # no such date
        ["H011", "Ann", "Lee", "01/01/2999", "F", "", "", "", "", ""],  # in the future
        ["H012", "Ann", "Lee", "01/01/1850", "F", "", "", "", "", ""],  # before 1900
        ["H013", "Ann", "Lee", "1990-01-01", "Q", "", "", "ME1 1AA", "", ""],  # wrong format, unreadable sex
        [
            "H014",
            "Ann",
            "Lee",
            "",
            "",
            "",
            "",
            "NOT A CODE",
            "",
            "",
        ],  # not a UK postcode: a note, not a problem
        ["", "Ann", "Lee", "", "", "", "", "", "", ""],  # no record id
        ["H001", "Ann", "Lee", "", "", "", "", "", "", ""],  # record id again
        ["H015", "Ann", "", "", "", "", "", "", "", ""],  # no last name
        ["H016", "Ann", "L" * 101, "", "", "", "", "", "", ""],  # too long
        ["H017", "Ann", "Lee", "", "", "", "", "", "", "", "surplus"],  # more cells than columns
    ]
    with pytest.raises(importing.ImportRefused) as refused:
        importing.import_extract(
            actor=builders.actor(), agency=partnership.housing, file=csv_file(rows), mapping=mapping
        )
    problems = [(p.row, p.column) for p in refused.value.report.problems]
    assert problems == [
        (3, "DOB"),
        (4, "DOB"),
        (5, "DOB"),
        (6, "DOB"),
        (6, "Gender"),
        (8, "Client ID"),
        (9, "Client ID"),
        (10, "Surname"),
        (11, "Surname"),
        (12, ""),
    ]
    messages = [p.problem for p in refused.value.report.problems]
    assert "'31/02/1990' is not a real date: that month has no such day" in messages[0]
    assert "in the future" in messages[1] and "before 1900" in messages[2]
    assert "not a sex desist can read" in messages[4]
    assert "record id is empty" in messages[5] and "is also on row 2" in messages[6]
    assert "last name is empty" in messages[7] and "longer than 100 characters" in messages[8]
    assert "11 cells but the header names 10" in messages[9]
    assert str(refused.value) == "housing.csv has 10 problems in 9 rows; nothing was imported."
    assert not SourceRecord.objects.exists() and not ImportBatch.objects.exists()
    csv_text = refused.value.report.problems_csv()
    assert csv_text.splitlines()[0] == "row,column,problem" and len(csv_text.splitlines()) == 11


def test_a_file_whose_columns_do_not_fit_the_mapping_is_reported_once(partnership, mapping):
    file = csv_file([["H001", "Amelia", "Hughes"]], header=["Client ID", "Forename", "Family name"])
    report = importing.import_validate(agency=partnership.housing, file=file, mapping=mapping)
    assert not report.ok and {p.row for p in report.problems} == {1}
    assert any(
        "no column 'Surname', which the mapping reads as the last name" in p.problem for p in report.problems
    )


def test_the_same_file_twice_adds_nothing(partnership, mapping):
    file = csv_file(GOOD_ROWS)
    importing.import_extract(actor=builders.actor(), agency=partnership.housing, file=file, mapping=mapping)
    already = r"already imported on .* by system .*would add nothing"
    with pytest.raises(importing.ImportRefused, match=already):
        importing.import_extract(
            actor=builders.actor(),
            agency=partnership.housing,
            file=ExtractFile(name="renamed.csv", content=file.content),
            mapping=mapping,
        )
    assert ImportBatch.objects.count() == 1 and SourceRecord.objects.count() == 3
    # Another agency may hold the same file (two agencies can share a supplier's extract).
    other = services.mapping_save(
        actor=builders.actor(),
        agency=partnership.police,
        record_id_column="Client ID",
        date_format="%d/%m/%Y",
        columns=COLUMNS,
    )
    importing.import_extract(actor=builders.actor(), agency=partnership.police, file=file, mapping=other)
    assert SourceRecord.objects.count() == 6


def test_a_later_file_updates_changed_records_and_keeps_their_history(partnership, mapping):
    first = importing.import_extract(
        actor=builders.actor(), agency=partnership.housing, file=csv_file(GOOD_ROWS), mapping=mapping
    )
    amelia = SourceRecord.objects.get(record_id="H001")
    amelia.person = builders.person(first_name="Amelia", last_name="Hughes")
    amelia.save()
    moved = [
        "H001",
        "Amelia",
        "Hughes",
        "21/03/1984",
        "F",
        "9 New Street",
        "Rochester",
        "ME1 1AA",
        "04/12345D",
        "T-77",
    ]
    new = ["H004", "Ruby", "Khan", "05/06/1979", "F", "", "", "", "", ""]
    later = csv_file([GOOD_ROWS[2], GOOD_ROWS[1], moved, new], name="housing-2.csv")
    batch = importing.import_extract(
        actor=builders.actor(), agency=partnership.housing, file=later, mapping=mapping
    )
    assert (batch.rows, batch.created, batch.updated, batch.unchanged) == (4, 1, 1, 2)
    amelia.refresh_from_db()
    assert (amelia.street, amelia.postcode, amelia.batch, amelia.row_number) == (
        "9 New Street",
        "ME1 1AA",
        batch,
        4,
    )
    assert amelia.first_batch == first and amelia.person is not None  # the link survives the update
    assert amelia.history == [
        {
            "batch": first.pk,
            "file": "housing.csv",
            "row": 2,
            "imported_at": first.imported_at.isoformat(),
            "raw": dict(zip(HEADER, GOOD_ROWS[0], strict=True)),
        }
    ]
    oliver = SourceRecord.objects.get(record_id="H002")
    assert oliver.batch == first and oliver.history == []  # unchanged rows are left alone


def test_an_excel_extract_imports_with_its_dates_and_numbers(partnership):
    book = Workbook()
    sheet = book.active
    sheet.append(["ID", "Surname", "Forename", "Date of Birth", "NHS Number", "Sex"])
    sheet.append(["KMH000001", "Jones", "Sian", datetime(1975, 8, 1), 9434765919, 2])
    sheet.append(["KMH000002", "Evans", "Rhys", "03/04/1988", "485 777 3457", "1"])
    sheet.append([None, None, None, None, None, None])  # a blank row, as spreadsheets leave
    content = io.BytesIO()
    book.save(content)
    file = ExtractFile(name="health.xlsx", content=content.getvalue())
    table = read_extract(file)
    mapping = services.mapping_save(
        actor=builders.actor(),
        agency=partnership.treatment,
        record_id_column=guess_record_id_column(table.columns),
        date_format="auto",
        columns=guess_columns(table.columns),
    )
    importing.import_extract(actor=builders.actor(), agency=partnership.treatment, file=file, mapping=mapping)
    sian, rhys = SourceRecord.objects.order_by("record_id")
    assert (sian.date_of_birth, sian.nhs_number, sian.sex, sian.row_number) == (
        date(1975, 8, 1),
        "9434765919",
        "female",
        2,
    )
    assert (rhys.date_of_birth, rhys.nhs_number, rhys.sex, rhys.row_number) == (
        date(1988, 4, 3),
        "4857773457",
        "male",
        3,
    )
    assert sian.raw["Date of Birth"] == "1975-08-01"


def test_a_synthetic_agency_extract_imports_whole(partnership, tmp_path):
    from desist.core.synth import generate_partnership, write_partnership

    write_partnership(generate_partnership(people=300, seed=3), tmp_path, format="csv")
    file = ExtractFile.from_path(tmp_path / "extracts" / "police.csv")
    table = read_extract(file)
    mapping = services.mapping_save(
        actor=builders.actor(),
        agency=partnership.police,
        record_id_column=guess_record_id_column(table.columns),
        date_format="auto",
        columns=guess_columns(table.columns),
    )
    batch = importing.import_extract(
        actor=builders.actor(), agency=partnership.police, file=file, mapping=mapping
    )
    assert batch.created == len(table.rows) > 0
    arrow = selectors.source_records_table(agency_ids=[partnership.police.pk])
    assert arrow.num_rows == batch.created
    assert set(arrow.column("source").to_pylist()) == {"police"}
    assert arrow.schema.field("date_of_birth").type == "date32[day]"
    assert all(p is None or "/" in p for p in arrow.column("pnc").to_pylist())


# --- pages --------------------------------------------------------------------------------------


@pytest.fixture
def analyst(partnership):
    return partnership.user("hana.analyst", partnership.housing, role=Role.ANALYST)


def upload(client, rows, name="housing.csv", **extra):
    file = csv_file(rows, name=name)
    return client.post("/imports/", {"file": SimpleUploadedFile(name, file.content), **extra})


def run_worker():
    """The real task worker, until the queue is empty (checks, imports and the linking after them)."""
    call_command("db_worker", "--batch", "--no-startup-delay")


@pytest.mark.django_db(transaction=True)
def test_upload_map_check_and_import_in_the_pages(client, partnership, analyst, settings):
    settings.DESIST_LINK_AFTER_IMPORT = False  # linking three records says little; its status is tested below
    client.force_login(analyst)
    page = client.get("/imports/")
    assert page.status_code == 200 and b"Medway Council Housing" in page.content
    bad = [GOOD_ROWS[0], ["H002", "Oliver", "Barnes", "31/02/1990", "M", "", "", "", "", ""]]
    response = upload(client, bad)
    pending = Upload.objects.get()
    assert response.url == f"/imports/uploads/{pending.pk}/mapping/"  # no mapping yet
    form = client.get(response.url).content.decode()
    assert '<option value="last_name" selected>' in form and '<option value="Client ID" selected>' in form
    assert '<option value="%d/%m/%Y" selected>' in form and "For example: Amelia, Oliver" in form
    # A mapping that reads two columns as the same detail is refused, keeping the choices made.
    choices = {f"column_{i}": COLUMNS.get(column, "") for i, column in enumerate(HEADER)}
    choices["column_9"] = "local"
    refused = client.post(
        response.url,
        {**choices, "column_1": "last_name", "record_id_column": "Client ID", "date_format": "%d/%m/%Y"},
    )
    assert refused.status_code == 200 and b"Last name is chosen for two columns" in refused.content
    saved = client.post(response.url, {**choices, "record_id_column": "Client ID", "date_format": "%d/%m/%Y"})
    assert saved.url == f"/imports/uploads/{pending.pk}/"
    assert selectors.current_mapping(partnership.housing).columns["Tenancy Ref"] == "local:tenancy_ref"
    # The worker checks the file; until it has, the page shows its progress and polls for more.
    waiting = client.get(saved.url).content.decode()
    assert "Checking housing.csv" in waiting and 'aria-live="polite"' in waiting and "<progress" in waiting
    assert f'hx-get="/imports/uploads/{pending.pk}/progress/"' in waiting and "Refresh this page" in waiting
    assert (
        "Waiting for the task worker"
        in client.get(f"/imports/uploads/{pending.pk}/progress/").content.decode()
    )
    run_worker()
    finished = client.get(f"/imports/uploads/{pending.pk}/progress/", headers={"HX-Request": "true"})
    assert finished.status_code == 204 and finished["HX-Refresh"] == "true"
    check = client.get(saved.url).content.decode()
    assert "cannot be imported" in check and "&#x27;31/02/1990&#x27; is not a real date" in check
    problems = client.get(f"/imports/uploads/{pending.pk}/problems.csv")
    assert problems["Content-Type"].startswith("text/csv")
    assert problems.content.decode().splitlines()[1].startswith("3,DOB,")
    refused = client.post(
        f"/imports/uploads/{pending.pk}/import/",
        {"mapping": selectors.current_mapping(partnership.housing).pk},
        follow=True,
    )
    assert b"only be imported once its check has found it good" in refused.content
    run_worker()
    assert not SourceRecord.objects.exists()
    # The corrected file goes straight to the check: the mapping is saved.
    response = upload(client, GOOD_ROWS, name="housing-fixed.csv")
    fixed = Upload.objects.get(file_name="housing-fixed.csv")
    assert response.url == f"/imports/uploads/{fixed.pk}/"
    run_worker()
    check = client.get(response.url).content.decode()
    assert "Import 3 records" in check and "New to desist" in check
    queued = client.post(
        f"/imports/uploads/{fixed.pk}/import/",
        {"mapping": selectors.current_mapping(partnership.housing).pk},
        follow=True,
    )
    assert b"Importing housing-fixed.csv" in queued.content and not SourceRecord.objects.exists()
    run_worker()
    done = client.get(f"/imports/uploads/{fixed.pk}/").content.decode()
    assert "housing-fixed.csv is imported" in done and "3 records" in done
    assert "Not linked yet</strong>" in done and "hx-get" not in done
    assert SourceRecord.objects.count() == 3
    fixed.refresh_from_db()
    assert fixed.state == "imported" and bytes(fixed.content) == b"" and fixed.batch.created == 3
    waiting = client.get("/imports/").content.split(b"Waiting to be imported")[1].split(b"</ul>")[0]
    assert b"housing.csv" in waiting and b"housing-fixed.csv" not in waiting
    # The same file again is refused at the check.
    upload(client, GOOD_ROWS, name="again.csv")
    run_worker()
    again = client.get(f"/imports/uploads/{Upload.objects.get(file_name='again.csv').pk}/").content.decode()
    assert "already imported on" in again and "Import 3 records" not in again


def test_the_result_page_shows_the_linking_after_the_import(
    client, partnership, analyst, mapping, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from desist.linking.models import FailureKind, LinkRun, LinkRunBatch, RunStatus

    file = csv_file(GOOD_ROWS)
    batch = importing.import_extract(
        actor=builders.actor(), agency=partnership.housing, file=file, mapping=mapping
    )
    done = Upload.objects.create(
        agency=partnership.housing,
        file_name=file.name,
        content=b"",
        state="imported",
        file_sha256=file.sha256,
        uploaded_by=analyst,
        batch=batch,
        mapping=mapping,
    )
    client.force_login(analyst)
    page = f"/imports/uploads/{done.pk}/"
    fragment = f"{page}progress/?part=linking"
    # Waiting: no run has taken the batch's records up yet.
    with django_assert_max_num_queries(12):
        html = client.get(page).content.decode()
    assert (
        "Waiting to be linked</strong>" in html
        and f'hx-get="{fragment}"' in html
        and 'aria-live="polite"' in html
    )
    run = LinkRun.objects.create(started_by_name="system", task_id="t")
    counts = LinkRunBatch.objects.create(run=run, batch=batch)
    assert "Being linked</strong>" in client.get(fragment).content.decode()
    run.status, run.finished_at = RunStatus.DONE, timezone.now()
    run.save()
    counts.records, counts.people_created, counts.records_joined, counts.sent_to_review = 3, 2, 1, 1
    counts.save()
    finished = client.get(fragment, headers={"HX-Request": "true"})
    assert finished.status_code == 286  # HTMX stops polling
    text = finished.content.decode()
    assert (
        "Linked</strong>" in text and "3 records from this file made 2 new people, 1 joined a person" in text
    )
    assert "1 pair went to the review queue" in text
    # A failed run is explained in plain words, never the engine's; it says when it is tried again.
    again = LinkRun.objects.create(
        started_by_name="system",
        task_id="u",
        status=RunStatus.FAILED,
        failure=FailureKind.ENGINE,
        error="ValueError: math domain error",
        finished_at=timezone.now(),
        retry_at=timezone.now() + timedelta(minutes=4),
    )
    LinkRunBatch.objects.create(run=again, batch=batch)
    html = client.get(page).content.decode()
    assert "Linking failed</strong>" in html and "The linking engine stopped on these records." in html
    assert (
        "It will be tried again at" in html and "math domain error" not in html and "ValueError" not in html
    )
    assert "Retry now" in html and "hx-get" not in html


def test_an_unreadable_upload_is_refused_on_the_form(client, partnership, analyst):
    client.force_login(analyst)
    response = client.post("/imports/", {"file": SimpleUploadedFile("notes.pdf", b"%PDF-1.4")})
    assert response.status_code == 200 and b"is not a CSV (.csv) or Excel (.xlsx) file" in response.content
    assert not Upload.objects.exists()


POLISH_ROWS = [["H001", "Łukasz", "Nowak", "21/03/1984", "M", "", "", "", "", ""]]


@pytest.mark.django_db(transaction=True)
def test_a_file_whose_encoding_cannot_be_told_is_read_in_the_encoding_chosen_on_the_form(
    client, partnership, analyst, mapping, settings
):
    settings.DESIST_LINK_AFTER_IMPORT = False
    client.force_login(analyst)
    content = csv_file(
        POLISH_ROWS, encoding="iso-8859-2"
    ).content  # 'Łukasz' reads as '£ukasz' in Windows-1252
    form = client.get("/imports/").content.decode()
    assert '<option value="" selected>Work it out (UTF-8)</option>' in form
    assert '<option value="iso-8859-2">ISO-8859-2 (Central European)</option>' in form
    refused = client.post("/imports/", {"file": SimpleUploadedFile("polish.csv", content)})
    html = refused.content.decode()
    assert refused.status_code == 200 and not Upload.objects.exists()
    assert "desist cannot tell which encoding it was saved in" in html and '<a href="#id_encoding">' in html
    assert (
        "or choose its text encoding and upload it again." in html and "desist import --encoding" not in html
    )
    chosen = client.post(
        "/imports/", {"file": SimpleUploadedFile("polish.csv", content), "encoding": "iso-8859-2"}
    )
    upload = Upload.objects.get()
    assert chosen.url == f"/imports/uploads/{upload.pk}/" and upload.encoding == "iso-8859-2"
    run_worker()
    page = client.get(chosen.url).content.decode()
    assert "Import 1 record" in page and "read as ISO-8859-2 (Central European)" in page
    client.post(f"/imports/uploads/{upload.pk}/import/", {"mapping": mapping.pk})
    run_worker()
    assert SourceRecord.objects.get().first_name == "Łukasz"


@pytest.mark.django_db(transaction=True)
def test_the_encoding_can_be_chosen_again_on_the_upload_page(client, partnership, analyst, settings):
    settings.DESIST_LINK_AFTER_IMPORT = False
    client.force_login(analyst)
    content = csv_file(POLISH_ROWS, encoding="iso-8859-2").content
    # Named wrongly (Windows-1252), with no mapping yet: the mapping page shows the wrong letters.
    sent = client.post("/imports/", {"file": SimpleUploadedFile("polish.csv", content), "encoding": "cp1252"})
    upload = Upload.objects.get()
    assert (
        sent.url == f"/imports/uploads/{upload.pk}/mapping/"
        and "£ukasz" in client.get(sent.url).content.decode()
    )
    choices = {f"column_{i}": COLUMNS.get(column, "") for i, column in enumerate(HEADER)}
    saved = client.post(
        sent.url, {**choices, "column_9": "local", "record_id_column": "Client ID", "date_format": "%d/%m/%Y"}
    )
    assert saved.url == f"/imports/uploads/{upload.pk}/"
    run_worker()
    page = client.get(f"/imports/uploads/{upload.pk}/").content.decode()
    assert "Import 1 record" in page and "read as Windows-1252 (Western European)" in page
    assert f'action="/imports/uploads/{upload.pk}/encoding/"' in page
    # An encoding the text is not in is refused, saying so; the upload keeps its check.
    wrong = client.post(f"/imports/uploads/{upload.pk}/encoding/", {"encoding": "utf-8"}, follow=True)
    assert "Line 2 is not UTF-8 text" in wrong.content.decode()
    assert "or choose its text encoding and check it again." in wrong.content.decode()
    upload.refresh_from_db()
    assert upload.encoding == "cp1252" and upload.state == "checked"
    assert client.post(f"/imports/uploads/{upload.pk}/encoding/", {"encoding": "koi8-r"}).status_code == 302
    upload.refresh_from_db()
    assert upload.encoding == "cp1252"
    # The right one queues the check again, reading the file in it.
    again = client.post(f"/imports/uploads/{upload.pk}/encoding/", {"encoding": "iso-8859-2"})
    assert again.url == f"/imports/uploads/{upload.pk}/"
    upload.refresh_from_db()
    assert upload.encoding == "iso-8859-2" and upload.state == "checking"
    assert AccessLogEntry.objects.filter(action=Action.ALTERATION, summary__contains="as ISO-8859-2").exists()
    run_worker()
    assert "£ukasz" not in client.get(f"/imports/uploads/{upload.pk}/mapping/").content.decode()
    mapping = selectors.current_mapping(partnership.housing)
    client.post(f"/imports/uploads/{upload.pk}/import/", {"mapping": mapping.pk})
    run_worker()
    assert SourceRecord.objects.get().first_name == "Łukasz"


def test_only_import_roles_see_the_pages_and_only_their_agency(client, partnership, analyst):
    practitioner = partnership.user("pat.practitioner", partnership.housing)
    client.force_login(practitioner)
    assert client.get("/imports/").status_code == 403
    assert b'href="/imports/"' not in client.get("/caseload/").content
    client.force_login(analyst)
    assert b'href="/imports/"' in client.get("/caseload/").content
    police_admin = partnership.user("pc.admin", partnership.police, role=Role.ADMINISTRATOR)
    client.force_login(police_admin)
    upload(client, GOOD_ROWS)
    theirs = Upload.objects.get()
    assert theirs.agency == partnership.police
    client.force_login(analyst)
    for url in (
        f"/imports/uploads/{theirs.pk}/",
        f"/imports/uploads/{theirs.pk}/mapping/",
        f"/imports/uploads/{theirs.pk}/problems.csv",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/imports/uploads/{theirs.pk}/import/").status_code == 404
    assert AccessLogEntry.objects.filter(action=Action.DENIED, username="hana.analyst").count() == 4
    # An analyst cannot choose another agency on the form either.
    response = client.post(
        "/imports/",
        {"file": SimpleUploadedFile("x.csv", csv_file(GOOD_ROWS).content), "agency": partnership.police.pk},
    )
    assert response.status_code == 200 and not Upload.objects.filter(uploaded_by=analyst).exists()
    client.logout()
    assert client.get("/imports/").status_code == 302


def test_the_history_page_makes_a_fixed_number_of_queries(
    client, partnership, analyst, mapping, django_assert_max_num_queries
):
    for i in range(30):
        rows = [[f"H{i:03d}", "Amelia", "Hughes", "", "", "", "", "", "", ""]]
        importing.import_extract(
            actor=builders.actor(),
            agency=partnership.housing,
            file=csv_file(rows, name=f"{i}.csv"),
            mapping=mapping,
        )
    client.force_login(analyst)
    # Ten for the page, two-factor sign-in's device, and two for the linking of every batch shown.
    with django_assert_max_num_queries(13):
        page = client.get("/imports/")
    assert page.status_code == 200 and page.content.count(b"version 1</td>") == 25
    assert "Linking after the latest import" in page.content.decode() and "29.csv" in page.content.decode()


# --- command line -------------------------------------------------------------------------------


def test_the_command_line_imports_checks_and_refuses(partnership, tmp_path, capsys):
    path = tmp_path / "housing.csv"
    path.write_bytes(csv_file(GOOD_ROWS).content)
    # Without a saved mapping it shows its guess and stops.
    assert desist_main(["import", "--agency", "housing", "--file", str(path)]) == 1
    assert "has no saved mapping 'default'" in capsys.readouterr().err
    assert (
        desist_main(
            ["import", "--agency", "housing", "--file", str(path), "--save-guessed-mapping", "--check"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Surname -> Last name" in out and "ready to import: 3 rows, 3 new" in out
    assert not SourceRecord.objects.exists()
    assert desist_main(["import", "--agency", "housing", "--file", str(path)]) == 0
    assert "Imported housing.csv as batch" in capsys.readouterr().out
    assert SourceRecord.objects.count() == 3
    assert AccessLogEntry.objects.get(object_type="imports.importbatch").channel == "import"
    assert desist_main(["import", "--agency", "housing", "--file", str(path)]) == 1
    assert "already imported on" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file([["H009", "Ann", "Lee", "99/99/1999", "", "", "", "", "", ""]]).content)
    with pytest.raises(CommandError, match="1 problem in 1 row"):
        call_command("import_extract", agency="housing", file=str(bad))
    assert "2\tDOB\t'99/99/1999' is not a date" in capsys.readouterr().err
    with pytest.raises(CommandError, match="no agency with the code 'nowhere'"):
        call_command("import_extract", agency="nowhere", file=str(bad))
    assert SourceRecord.objects.count() == 3


def test_source_records_table_is_empty_without_records(db):
    table = selectors.source_records_table()
    assert table.num_rows == 0 and "local_ids" in table.schema.names


def test_the_import_command_exists_in_the_cli_help(capsys):
    with pytest.raises(SystemExit):
        desist_main(["import", "--help"])
    assert "--save-guessed-mapping" in capsys.readouterr().out


def test_files_from_disk_keep_their_name(tmp_path):
    path = Path(tmp_path / "probation.csv")
    path.write_text("record_id,last_name\nX1,Smith\n")
    assert ExtractFile.from_path(path).name == "probation.csv"


def test_the_admin_shows_batches_and_records_read_only_and_versions_mappings(client, partnership, mapping):
    from django.contrib.auth.models import User

    from desist.partnership.models import Membership

    importing.import_extract(
        actor=builders.actor(), agency=partnership.housing, file=csv_file(GOOD_ROWS), mapping=mapping
    )
    root = User.objects.create_superuser("root.admin", "admin@example.org", "a-long-admin-password")
    # Source records are person data: the admin shows an administrator only their own agency's
    # (issue 10, item 7).
    Membership.objects.create(user=root, agency=partnership.housing, role="administrator")
    client.force_login(root)
    record = SourceRecord.objects.get(record_id="H001")
    for url in (
        "/admin/imports/importbatch/",
        "/admin/imports/sourcerecord/",
        "/admin/imports/columnmapping/",
        f"/admin/imports/sourcerecord/{record.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/imports/sourcerecord/add/").status_code == 403
    response = client.post(
        f"/admin/imports/columnmapping/{mapping.pk}/change/",
        {
            "agency": partnership.housing.pk,
            "name": "default",
            "record_id_column": "Client ID",
            "date_format": "auto",
            "columns": '{"Surname": "last_name"}',
        },
    )
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert mapping.date_format == "%d/%m/%Y"  # the version a batch used never changes
    latest = selectors.current_mapping(partnership.housing)
    assert (latest.version, latest.date_format, latest.columns) == (2, "auto", {"Surname": "last_name"})
    refused = client.post(
        f"/admin/imports/columnmapping/{mapping.pk}/change/",
        {
            "agency": partnership.housing.pk,
            "name": "default",
            "record_id_column": "",
            "date_format": "auto",
            "columns": '{"Surname": "first_name"}',
        },
    )
    assert refused.status_code == 200 and selectors.current_mapping(partnership.housing).version == 2


# --- in the task worker: a worker killed mid-import, and a retried import -----------------------


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_is_killed_is_done_once_by_the_next_worker(
    partnership,
    analyst,
    mapping,
    worker_env,  # noqa: F811
    tmp_path,
):
    import signal

    from tests.app.worker_process import start_worker, wait_until

    rows = [
        [f"H{i:06d}", "Amelia", f"Hughes{i}", "21/03/1984", "F", "4 Oak Road", "Chatham", "ME4 6TL", "", ""]
        for i in range(40_000)
    ]
    env, log = {**worker_env, "DESIST_LINK_AFTER_IMPORT": "false"}, tmp_path / "worker.log"
    pending = services.upload_receive(
        actor=builders.actor(analyst), agency=partnership.housing, file=csv_file(rows)
    )
    services.upload_check_later(actor=builders.actor(analyst), upload=pending, mapping=mapping)
    assert start_worker(env, "--batch", log=log).wait(timeout=300) == 0, log.read_text()
    pending.refresh_from_db()
    assert pending.state == "checked" and pending.report["ok"] and pending.report["created"] == 40_000
    services.upload_import_later(actor=builders.actor(analyst), upload=pending, mapping=mapping)
    first = start_worker(env, log=log)
    try:
        # The worker writes its progress as it goes: part way through (re-checking the rows, or storing them
        # in the import's one transaction), kill it. Either stage will do: on a fast machine the re-check can
        # pass between two looks, so waiting for it alone made this test flaky.
        wait_until(
            lambda: (
                Upload.objects.filter(pk=pending.pk, state="importing")
                .filter(Q(stage="checking", rows_done__gt=0, rows_done__lt=40_000) | Q(stage="storing"))
                .exists()
            ),
            what="the import's progress",
            seconds=120,
        )
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    pending.refresh_from_db()
    assert (
        pending.state == "importing"
        and not SourceRecord.objects.exists()
        and not ImportBatch.objects.exists()
    )
    assert start_worker(env, "--batch", log=log).wait(timeout=300) == 0, log.read_text()
    pending.refresh_from_db()
    assert pending.state == "imported", (pending.error, log.read_text())
    assert ImportBatch.objects.get() == pending.batch and SourceRecord.objects.count() == 40_000


def test_an_import_task_run_again_after_it_committed_finds_it_done(partnership, analyst, mapping):
    pending = services.upload_receive(
        actor=builders.actor(analyst), agency=partnership.housing, file=csv_file(GOOD_ROWS)
    )
    Upload.objects.filter(pk=pending.pk).update(state="importing", mapping=mapping, imported_by=analyst)
    assert importing.upload_import_run(upload_id=pending.pk)["batch"]
    # The worker stopped after the import committed but before the task was marked done: it runs again.
    Upload.objects.filter(pk=pending.pk).update(state="importing")
    again = importing.upload_import_run(upload_id=pending.pk)
    pending.refresh_from_db()
    assert again == {"batch": pending.batch_id} and pending.state == "imported" and not pending.error
    assert ImportBatch.objects.count() == 1 and SourceRecord.objects.count() == 3
    # A task that lapsed for good says so on the page, and nothing was stored by it.
    Upload.objects.filter(pk=pending.pk).update(state="checking", task_id="t-1")
    importing.upload_stopped(
        task_id="t-1", retried=False, reason="Attempt 3 of 3 stopped: its worker has stopped."
    )
    pending.refresh_from_db()
    assert pending.state == "failed" and pending.error.startswith("Attempt 3 of 3 stopped")


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_sqlite_stages_the_rows_and_copies_them_in_one_statement(partnership, mapping):
    from django.db import connection

    first = importing.import_extract(
        actor=builders.actor(), agency=partnership.housing, file=csv_file(GOOD_ROWS), mapping=mapping
    )
    moved = [
        [*GOOD_ROWS[0][:7], "ME1 1AA", *GOOD_ROWS[0][8:]],
        GOOD_ROWS[1],
        ["H004", "Ruby", "Khan", "", "", "", "", "", "", ""],
    ]
    second = importing.import_extract(
        actor=builders.actor(),
        agency=partnership.housing,
        file=csv_file(moved, name="next.csv"),
        mapping=mapping,
    )
    assert (second.created, second.updated, second.unchanged) == (1, 1, 1)
    records = {r.record_id: r for r in SourceRecord.objects.all()}
    assert sorted(records) == ["H001", "H002", "H003", "H004"]
    assert records["H001"].postcode == "ME1 1AA" and records["H001"].history[0]["batch"] == first.pk
    assert (
        records["H004"].batch == second
        and records["H004"].row_number == 4
        and records["H004"].raw["Surname"] == "Khan"
    )
    assert records["H003"].batch == first and records["H003"].last_name == "Patel"
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # the temporary table is gone
            cursor.execute("SELECT count(*) FROM sqlite_temp_master WHERE name = %s", [importing.STAGE])
            assert cursor.fetchone()[0] == 0
