"""The purpose of access in a real browser (issue 10, item 8): signing in asks why, the choice shows at the
top of every page, "other" needs words, and the purpose can be changed; axe-clean throughout. Live search logs
the search the user settled on, once (item 9)."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from desist.audit.models import AccessLogEntry, Action
from tests.app import builders
from tests.app.builders import PASSWORD
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def william(partnership):
    worker = partnership.user("pat.probation", partnership.probation)
    return builders.person(
        first_name="William",
        last_name="Johnson",
        date_of_birth=date(1988, 4, 7),
        involved=[(partnership.probation, worker)],
    )


def test_state_use_and_change_the_purpose(page: Page, live_server, william, settings):
    settings.DESIST_SEARCH_SETTLE_SECONDS = 1
    login(page, live_server, "pat.probation", PASSWORD, purpose=None)
    expect(page.get_by_role("heading", name="Why are you using desist?", level=1)).to_be_visible()
    assert "/purpose/?next=%2Fwork%2F" in page.url
    expect(page.locator("#purpose")).to_contain_text("Not stated")
    assert_accessible(page, context="purpose page")

    # Nothing chosen: the GOV.UK error summary, and the title says so.
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the purpose of your access")
    assert page.title().startswith("Error: ")
    assert_accessible(page, context="purpose page, no choice")

    # "Other" needs words.
    page.get_by_label("Other (say why)").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why you are using desist")
    assert_accessible(page, context="purpose page, other without words")
    page.get_by_label("Say why you are using desist").fill("Preparing a court report")
    page.get_by_role("button", name="Continue").click()

    # Back to the page asked for, with the purpose shown and a way to change it.
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    expect(page.locator("#purpose")).to_contain_text("Other: Preparing a court report")

    # Search while typing, then open the result: one search entry, with the words for "other".
    page.get_by_role("link", name="Search", exact=True).click()
    box = page.get_by_label("Name, date of birth or identifier")
    box.press_sequentially("William Johnson", delay=120)
    expect(page.locator("#search-results")).to_contain_text("JOHNSON, William")
    page.get_by_role("link", name="JOHNSON, William").click()
    expect(page.get_by_role("heading", name="William Johnson", level=1)).to_be_visible()
    assert_accessible(page, context="person record with the purpose shown")
    searches = AccessLogEntry.objects.filter(summary__startswith="Searched for people")
    assert searches.count() == 1
    assert searches.get().detail["query"] == "William Johnson"
    record = AccessLogEntry.objects.get(action=Action.CONSULTATION, person_id=william.pk)
    assert (record.purpose, record.justification) == ("other", "Preparing a court report")

    # Change the purpose from the record, and come back to it.
    page.locator("#purpose").get_by_role("link", name="Change").click()
    expect(page.get_by_role("heading", name="Change the purpose of your access", level=1)).to_be_visible()
    expect(page.get_by_label("Other (say why)")).to_be_checked()
    assert_accessible(page, context="change purpose page")
    page.get_by_label("Safeguarding", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="William Johnson", level=1)).to_be_visible()
    expect(page.locator("#purpose")).to_contain_text("Safeguarding")
    latest = (
        AccessLogEntry.objects.filter(action=Action.CONSULTATION, person_id=william.pk)
        .order_by("-id")
        .first()
    )
    assert latest is not None and (latest.purpose, latest.justification) == ("safeguarding", "")
