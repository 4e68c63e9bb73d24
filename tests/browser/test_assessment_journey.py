"""A probation practitioner records an assessment and sees it, and the single-letter tier, on the record."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def subject(partnership):
    worker = partnership.user("pat.probation", partnership.probation)
    person = builders.person(
        first_name="Rhys",
        last_name="Walker",
        district=partnership.medway,
        involved=[(partnership.probation, worker)],
    )
    builders.community_order(person, start=TODAY - timedelta(days=20))
    return person


def test_practitioner_records_an_assessment(page: Page, live_server, subject):
    login(page, live_server, "pat.probation", PASSWORD)
    page.goto(f"/people/{subject.pk}/risk/")
    page.get_by_role("button", name="Record an assessment").click()
    expect(page.get_by_role("heading", name="Record an assessment")).to_be_visible()
    assert_accessible(page, context="record an assessment")

    # Nothing entered: the error summary says what to do, and links to the field.
    page.get_by_role("button", name="Record the assessment").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date of the assessment")
    assert_accessible(page, context="record an assessment, with errors")
    summary.get_by_role("link", name="Enter the date of the assessment").click()
    expect(page.get_by_label("Day")).to_be_focused()

    when = TODAY - timedelta(days=2)
    page.get_by_label("Day").fill(str(when.day))
    page.get_by_label("Month").fill(str(when.month))
    page.get_by_label("Year").fill(str(when.year))
    page.get_by_role("group", name="Risk of serious harm to the public").get_by_label(
        "High", exact=True
    ).check()
    page.get_by_label("ARP").fill("62")
    page.get_by_label("CSRP").fill("3.1")
    for number in (1, 2, 3, 4):
        page.get_by_role("group", name=f"3.{number} ").get_by_label("2", exact=True).check()
    page.get_by_role("group", name="Currently unemployed (OASys 4.2)").get_by_label("Yes").check()
    page.get_by_role("button", name="Record the assessment").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Assessment 1 is recorded")
    expect(page.locator("table", has_text="Needs by OASys section")).to_contain_text("Severe need")

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    page.reload()
    letter = page.locator(".govuk-summary-list__row").filter(
        has=page.get_by_text("Tier (single-letter model)")
    )
    expect(letter).to_contain_text("C")
    letter.get_by_text("Why: the working").click()
    expect(letter.locator("table")).to_contain_text("ARP 62% × CSRP 3.1%")
    assert_accessible(page, context="person record with the letter tier")
