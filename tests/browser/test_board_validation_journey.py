"""An analyst reads the predictor validation page: the error rates at the threshold by group and the
calibration within a group, accessible (issue 18, docs/fairness.md)."""

import pytest
from playwright.sync_api import Page, expect

from tests.app.board.figures import store_figures
from tests.app.board.test_board_validation import _fresh_live_figures, cohort  # noqa: F401  (the fixtures)
from tests.app.builders import PASSWORD
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_analyst_reads_error_rates_and_calibration_by_group(page: Page, live_server, cohort):  # noqa: F811
    store_figures()  # as the background refresh would
    login(page, live_server, "analyst", PASSWORD)
    page.goto(f"{live_server.url}/board/validation/")
    expect(page.get_by_role("heading", name="Predictor validation on local outcomes")).to_be_visible()
    rates = page.locator("table", has_text="At the threshold")
    expect(rates.get_by_role("columnheader", name="False positive rate")).to_be_visible()
    expect(rates.get_by_role("rowheader", name="Everyone")).to_be_visible()
    assert_accessible(page, context="predictor validation")
    page.get_by_text("Calibration by tenth of people by score: Female").click()
    expect(page.locator("table", has_text="Calibration by tenth of people by score (Female)")).to_be_visible()
    assert_accessible(page, context="predictor validation with a group's calibration open")
