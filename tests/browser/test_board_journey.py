"""A performance analyst reads the board's dashboard, filters it by district and reads the definitions
(issue 5)."""

import pytest
from playwright.sync_api import Page, expect

from tests.app.board.test_board import QUARTER, board  # noqa: F401  (the fixture)
from tests.app.builders import PASSWORD
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_analyst_filters_the_dashboard_and_reads_the_definitions(page: Page, live_server, board):  # noqa: F811
    login(page, live_server, "analyst", PASSWORD)
    page.get_by_role("link", name="Board measures").click()
    expect(page.get_by_role("heading", name=f"Board measures: {QUARTER.label}")).to_be_visible()
    headline = page.locator("table", has_text="Every measure for")
    expect(headline.locator("tr", has_text="Proven reoffending rate")).to_contain_text("16.7%")
    expect(page.get_by_role("img", name="Proven reoffending rate")).to_be_visible()
    assert_accessible(page, context="board dashboard")

    page.get_by_label("District").select_option(label="Canterbury")
    page.get_by_role("button", name="Show these figures").click()
    expect(page.get_by_text("Canterbury, everyone", exact=True)).to_be_visible()
    expect(
        page.locator("table", has_text="Every measure for").locator("tr", has_text="Proven reoffending rate")
    ).to_contain_text("0.0%")
    page.get_by_text("Figures by quarter for proven reoffending rate").click()
    expect(page.locator("table", has_text="Proven reoffending rate by quarter")).to_contain_text(
        QUARTER.label
    )
    assert_accessible(page, context="board dashboard filtered to a district")

    page.get_by_role("link", name="Definitions").first.click()
    expect(page.get_by_role("heading", name="Definitions of the board measures")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Settled accommodation at the start of supervision")
    ).to_be_visible()
    assert_accessible(page, context="board definitions")
