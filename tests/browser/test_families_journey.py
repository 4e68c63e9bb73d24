"""A community safety coordinator finds where agencies overlap, filters, and opens a family (issue 4)."""

import pytest
from playwright.sync_api import Page, expect

from tests.app.builders import PASSWORD
from tests.app.families.test_families import family  # noqa: F401  (the fixture)
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_coordinator_filters_the_overlap_and_opens_a_family(page: Page, live_server, partnership, family):  # noqa: F811
    partnership.user("cara.coordinator", partnership.council, role="coordinator")
    login(page, live_server, "cara.coordinator", PASSWORD)
    page.get_by_role("link", name="Where agencies overlap").click()
    expect(page.get_by_role("heading", name="Where agencies overlap")).to_be_visible()
    assert_accessible(page, context="where agencies overlap")

    page.get_by_label("Flag").select_option(label="Duplication")
    page.get_by_label("Criteria met").select_option(label="Troubled Families 2012")
    page.get_by_label("At least this many agencies").fill("many")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a whole number of agencies")
    assert_accessible(page, context="where agencies overlap, with an error")
    page.get_by_label("At least this many agencies").fill("3")
    page.get_by_role("button", name="Apply").click()
    row = page.locator("tr", has_text="Tracy Harlow")
    expect(row).to_contain_text("Duplication")
    expect(row).to_contain_text("TF 2012")

    row.get_by_role("link", name=f"Family {family.grandfather.pk}").click()
    expect(page.get_by_role("heading", name=f"Family {family.grandfather.pk}")).to_be_visible()
    members = page.locator("table", has_text="Agencies involved")
    expect(members).to_contain_text("Tenancy support")
    expect(members).to_contain_text("A member not in your caseload")
    expect(page.get_by_text("All three criteria are met")).to_be_visible()
    assert_accessible(page, context="family view")

    page.get_by_role("link", name="Tracy Harlow").first.click()
    page.get_by_role("navigation", name="Sections of this record").get_by_role(
        "link", name="Family and household"
    ).click()
    expect(page.get_by_role("heading", name="Family and household")).to_be_visible()
    page.get_by_role("link", name="See the whole family").click()
    expect(page.get_by_role("heading", name=f"Family {family.grandfather.pk}")).to_be_visible()
