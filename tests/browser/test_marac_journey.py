"""A MARAC coordinator records a victim, answers 14 "yes" on the SafeLives DASH checklist and the victim is
referred to MARAC by the route "DASH score"; the referral, the list and the VAWG figures read it (issue 15,
item 2). Each page is checked with axe."""

import pytest
from playwright.sync_api import Page, expect

from desist.marac.models import MaracReferral
from desist.partnership.models import Role
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_dash_score_of_14_refers_to_marac(page: Page, live_server, partnership):
    partnership.user("mara.coordinator", partnership.police, role=Role.MARAC_COORDINATOR)
    login(page, live_server, "mara.coordinator", PASSWORD)
    page.get_by_role("link", name="Work queue").click()
    page.get_by_role("link", name="MARAC referrals").click()
    expect(page.get_by_role("heading", name="MARAC referrals")).to_be_visible()
    assert_accessible(page, context="MARAC referrals")

    page.get_by_role("link", name="Record a MARAC victim").first.click()
    page.get_by_label("MARAC reference").fill("MARAC-2026-0001")
    page.get_by_label("Victim's name").fill("Vicky Synthetic")
    assert_accessible(page, context="record a MARAC victim")
    page.get_by_role("button", name="Record victim").click()

    expect(page.get_by_role("heading", name="DASH risk identification checklist")).to_be_visible()
    page.get_by_role("button", name="Save the checklist").click()  # nothing answered: refused, with errors
    expect(page.locator(".govuk-error-summary")).to_contain_text("Answer question 1")
    assert_accessible(page, context="DASH checklist with errors")
    page.locator("#id_incident_on").fill(TODAY.isoformat())
    for question in range(1, 25):
        # The first radio of each question is "Yes", the second "No".
        page.locator(f"#id_q{question}" if question <= 14 else f"#id_q{question}-2").check()
    assert_accessible(page, context="DASH checklist answered")
    page.get_by_role("button", name="Save the checklist").click()

    expect(page.get_by_role("heading", name="MARAC referral")).to_be_visible()
    expect(page.get_by_text("DASH score 14: referred to MARAC (DASH score).")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("DASH score: 14 of 24 yes")
    assert_accessible(page, context="MARAC referral")
    referral = MaracReferral.objects.get()
    assert (referral.route, referral.dash_score, referral.get_route_display()) == (
        "dash_score",
        14,
        "DASH score",
    )

    page.get_by_role("link", name="MARAC referrals").click()
    expect(page.locator("table")).to_contain_text("Vicky Synthetic")
    page.get_by_role("link", name="VAWG figures: repeat rate, routes and perpetrators").click()
    expect(page.get_by_role("heading", name="VAWG: MARAC repeat rate and perpetrators")).to_be_visible()
    expect(page.locator("table")).to_contain_text("DASH score")
    assert_accessible(page, context="VAWG figures")
