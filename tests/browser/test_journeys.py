"""A practitioner's day in a real browser: sign in to the work queue, caseload, search, the record; axe-core
finds no serious or critical accessibility problems, and everything works from the keyboard (issue 2)."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from desist.people import services
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def caseload(partnership):
    worker = partnership.user("pat.probation", partnership.probation)
    housing = partnership.user("hana.housing", partnership.housing)
    system = builders.actor()
    william = builders.person(
        first_name="William",
        last_name="Johnson",
        date_of_birth=date(1988, 4, 7),
        district=partnership.medway,
        involved=[(partnership.probation, worker)],
    )
    services.identifier_add(actor=system, person=william, kind="crn", value="X123456")
    builders.custody(
        william, sentence_date=TODAY - timedelta(days=90), length_days=300, release=TODAY + timedelta(days=60)
    )
    builders.flag(william, "mappa", mappa_category=2, mappa_level=2)
    builders.flag(william, "domestic_abuse_perpetrator")
    services.address_add(
        actor=system,
        person=william,
        line1="12 Chatham Hill",
        town="Chatham",
        postcode="ME5 7AA",
        from_date=TODAY - timedelta(days=400),
        district_id=partnership.medway.pk,
    )
    for n, last_name in enumerate(["Carter", "Davies", "Evans"]):
        other = builders.person(
            first_name="Alex", last_name=last_name, involved=[(partnership.probation, worker)]
        )
        builders.community_order(other, start=TODAY - timedelta(days=30 * (n + 1)))
    tenant = builders.person(first_name="Tess", last_name="Tenant", involved=[(partnership.housing, housing)])
    return {"worker": worker, "housing": housing, "william": william, "tenant": tenant}


def test_sign_in_page_is_accessible(page: Page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in to desist")).to_be_visible()
    assert_accessible(page, context="sign in")
    # The partnership's own header: no GOV.UK crown or logotype.
    assert page.locator(".govuk-header__logotype, svg.govuk-header__logotype-crown").count() == 0
    expect(page.locator(".desist-header")).to_contain_text("desist")


def test_practitioner_journey(page: Page, live_server, caseload):
    login(page, live_server, "pat.probation", PASSWORD)
    # Signing in opens the work queue; the caseload is one link away in the navigation.
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    expect(page.get_by_role("link", name="Work queue")).to_have_attribute("aria-current", "page")
    assert_accessible(page, context="work queue")
    page.get_by_role("link", name="My caseload").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.locator("table.desist-caseload tbody tr")).to_have_count(4)
    assert_accessible(page, context="caseload")

    page.get_by_label("Status").select_option("custody")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("table.desist-caseload tbody tr")).to_have_count(1)
    expect(page.locator("table.desist-caseload")).to_contain_text("JOHNSON, William")
    expect(page.locator("table.desist-caseload")).to_contain_text("MAPPA C2 L2")

    page.get_by_role("link", name="JOHNSON, William").click()
    expect(page.get_by_role("heading", name="William Johnson", level=1)).to_be_visible()
    # The record opens on its summary and overview; the other sections are pages under its sub-navigation.
    expect(page.get_by_role("heading", name="Summary", level=2)).to_be_visible()
    for section in ["Identity and aliases", "Identifiers", "Addresses"]:
        expect(page.get_by_role("heading", name=section, level=2)).to_be_visible()
    assert_accessible(page, context="person record")
    sections = page.get_by_role("navigation", name="Sections of this record")
    for section in [
        "Family and household",
        "Registers and flags",
        "Sentences",
        "Offence history",
        "Agencies involved",
    ]:
        sections.get_by_role("link", name=section, exact=True).click()
        expect(page.get_by_role("heading", name=section, level=2)).to_be_visible()
        expect(sections.get_by_role("link", name=section, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
    assert_accessible(page, context="a section of the person record")

    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("Name, date of birth or identifier").fill("Bill Jonson")
    # HTMX fetches results as the user types.
    expect(page.locator("#search-results")).to_contain_text("JOHNSON, William")
    assert_accessible(page, context="search results")
    page.get_by_label("Name, date of birth or identifier").fill("X123456")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#search-results")).to_contain_text("Probation case reference")


def test_keyboard_only(page: Page, live_server, caseload):
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.press("Tab")
    expect(page.locator(".govuk-skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type("pat.probation")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The first page asks why: the first purpose is reached with Tab and chosen with Space.
    expect(page.get_by_role("heading", name="Why are you using desist?")).to_be_visible()
    first_purpose = page.get_by_label("Case management", exact=True)
    for _ in range(30):
        page.keyboard.press("Tab")
        if first_purpose.evaluate("el => el === document.activeElement"):
            break
    expect(first_purpose).to_be_focused()
    page.keyboard.press("Space")
    expect(first_purpose).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Say why you are using desist")).to_be_focused()  # the words for "other"
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Continue")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    caseload_link = page.get_by_role("link", name="My caseload")
    for _ in range(20):
        page.keyboard.press("Tab")
        if caseload_link.evaluate("el => el === document.activeElement"):
            break
    expect(caseload_link).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    first_person = page.locator("table.desist-caseload tbody a").first
    for _ in range(40):
        page.keyboard.press("Tab")
        if first_person.evaluate("el => el === document.activeElement"):
            break
    expect(first_person).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/people/" in page.url


def test_another_agencys_record_is_not_found(page: Page, live_server, caseload):
    login(page, live_server, "hana.housing", PASSWORD)
    response = page.goto(f"{live_server.url}/people/{caseload['william'].pk}/")
    assert response is not None and response.status == 404
    # The same page as for a record that does not exist (nothing says it does), with whom to ask.
    expect(page.get_by_role("heading", name="No such record is available to you")).to_be_visible()
    assert_accessible(page, context="not found")
    response = page.goto(f"{live_server.url}/people/{caseload['tenant'].pk}/")
    assert response is not None and response.status == 200


def test_access_log_page_is_accessible(page: Page, live_server, partnership, caseload):
    partnership.user("ada.admin", partnership.probation, role="administrator")
    login(page, live_server, "ada.admin", PASSWORD)
    page.goto(f"{live_server.url}/access-log/")
    expect(page.get_by_role("heading", name="Access log")).to_be_visible()
    assert_accessible(page, context="access log")
