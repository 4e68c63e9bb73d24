"""An agency analyst uploads an extract, maps its columns, sees the bad rows, fixes the file and
imports it (issue 4, part 1); the task worker checks and imports while the page shows its progress
(issue 10, item 11)."""

import csv
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from desist.imports.models import ImportBatch, SourceRecord
from tests.app.builders import PASSWORD
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["Client ID", "Forename", "Surname", "DOB", "Gender", "Post Code", "NI Number"]
ROWS = [
    ["HSG0001", "Amelia", "Hughes", "21/03/1984", "Female", "ME4 6TL", "AB123456C"],
    ["HSG0002", "Oliver", "Barnes", "31/02/1990", "Male", "ME7 1AB", ""],
    ["HSG0003", "Jack", "Patel", "05/06/1979", "Male", "not known", ""],
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def extract(tmp_path, name, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay")


def test_analyst_maps_checks_fixes_and_imports_an_extract(
    page: Page, live_server, partnership, tmp_path, settings
):
    settings.DESIST_LINK_AFTER_IMPORT = False  # linking three records says little; the page says it is off
    partnership.user("hana.analyst", partnership.housing, role="analyst")
    login(page, live_server, "hana.analyst", PASSWORD)
    page.get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", name="Import an agency extract")).to_be_visible()
    assert_accessible(page, context="imports page")

    page.get_by_label("Extract file").set_input_files(extract(tmp_path, "housing.csv", ROWS))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name="Map the columns of housing.csv")).to_be_visible()
    # desist guessed the mapping from the header names.
    expect(page.get_by_label("Surname")).to_have_value("last_name")
    expect(page.get_by_label("Record id column")).to_have_value("Client ID")
    expect(page.get_by_label("How dates are written")).to_have_value("%d/%m/%Y")
    assert_accessible(page, context="column mapping")
    page.get_by_label("Gender").select_option("")
    page.get_by_label("Forename").select_option("last_name")
    page.get_by_role("button", name="Save mapping and check the file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Last name is chosen for two columns")
    assert_accessible(page, context="column mapping, error state")
    page.get_by_label("Forename").select_option("first_name")
    page.get_by_label("Gender").select_option("sex")
    page.get_by_role("button", name="Save mapping and check the file").click()

    # The worker has not started: the page shows where the check is, and polls for more.
    expect(page.get_by_role("heading", name="Checking housing.csv")).to_be_visible()
    expect(page.locator("#progress")).to_contain_text("Waiting for the task worker")
    expect(page.get_by_role("link", name="Refresh this page")).to_be_visible()
    assert_accessible(page, context="check progress")
    run_worker()
    # HTMX sees the check finish and shows its outcome.
    expect(page.get_by_role("heading", name="housing.csv cannot be imported")).to_be_visible(timeout=15_000)
    problems = page.locator("#problems tbody tr")
    # Only the impossible date stops the import: a postcode outside the UK format ('not known') is a note, as
    # any other country's would be, so a partner abroad can import.
    expect(problems).to_have_count(1)
    expect(problems.nth(0)).to_contain_text("3")
    expect(problems.nth(0)).to_contain_text("'31/02/1990' is not a real date")
    assert_accessible(page, context="validation report")
    assert not SourceRecord.objects.exists()

    page.get_by_role("link", name="Back to imports").click()
    fixed = [ROWS[0], [*ROWS[1][:3], "28/02/1990", *ROWS[1][4:]], [*ROWS[2][:5], "", ""]]
    page.get_by_label("Extract file").set_input_files(extract(tmp_path, "housing-fixed.csv", fixed))
    page.get_by_role("button", name="Upload and check").click()
    run_worker()
    expect(page.get_by_role("heading", name="Import housing-fixed.csv")).to_be_visible(timeout=15_000)
    expect(page.locator(".govuk-summary-list").first).to_contain_text("New to desist")
    assert_accessible(page, context="import confirmation")
    page.get_by_role("button", name="Import 3 records").click()
    expect(page.get_by_role("heading", name="Importing housing-fixed.csv")).to_be_visible()
    run_worker()

    expect(page.get_by_role("heading", name="housing-fixed.csv is imported")).to_be_visible(timeout=15_000)
    expect(page.locator(".govuk-summary-list__value").first).to_have_text("3")
    expect(page.locator("#linking")).to_contain_text("Not linked yet")
    assert_accessible(page, context="import result")
    page.get_by_role("link", name="Back to imports").first.click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr").first).to_contain_text("housing-fixed.csv")
    assert_accessible(page, context="import history")
    assert ImportBatch.objects.get().rows == 3
    assert SourceRecord.objects.get(record_id="HSG0001").ni_number == "AB123456C"

    # A Central European file: desist cannot tell its encoding until the analyst names it on the form.
    polish = tmp_path / "polish.csv"
    polish.write_bytes(f"{','.join(HEADER)}\nHSG0009,Łukasz,Nowak,01/02/1980,Male,,\n".encode("iso-8859-2"))
    page.get_by_label("Extract file").set_input_files(polish)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("desist cannot tell which encoding")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "choose its text encoding and upload it again"
    )
    assert_accessible(page, context="upload, encoding cannot be told")
    page.get_by_label("Extract file").set_input_files(polish)
    page.get_by_label("Text encoding").select_option("iso-8859-2")
    page.get_by_role("button", name="Upload and check").click()
    run_worker()
    expect(page.get_by_role("heading", name="Import polish.csv")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="Import 1 record").click()
    run_worker()
    expect(page.get_by_role("heading", name="polish.csv is imported")).to_be_visible(timeout=15_000)
    assert SourceRecord.objects.get(record_id="HSG0009").first_name == "Łukasz"
