"""A record's information governance pages (issue 16, items 2 and 4): the offender manager excludes a
colleague from the case (after the error summary for a user who does not exist), then records the person's
consent to a voluntary service and withdraws it, axe on each page."""

import pytest
from playwright.sync_api import Page, expect

from desist.partnership.models import Agency, AgencyKind
from desist.sharing.demo import demo_sharing_build
from desist.sharing.models import CaseRestriction, Consent
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_offender_manager_restricts_the_case_and_records_and_withdraws_consent(
    page: Page, live_server, partnership
):
    demo_sharing_build(TODAY)
    mentors = Agency.objects.create(code="mentors", name="Medway Mentors", kind=AgencyKind.VOLUNTARY)
    om = partnership.user("olly.om", partnership.probation)
    colleague = partnership.user("colin.colleague", partnership.probation)
    mentor = partnership.user("mia.mentor", mentors)
    person = builders.person(last_name="Guarded", involved=[(partnership.probation, om), (mentors, mentor)])

    login(page, live_server, "olly.om", PASSWORD)
    page.goto(f"{live_server.url}/people/{person.pk}/")
    page.get_by_role("link", name="Restrictions", exact=True).click()
    expect(page.get_by_role("heading", name="Restrictions on this case")).to_be_visible()
    page.get_by_label("Exclude this user from the case").check()
    page.get_by_label("User", exact=True).fill("no.such.user")
    page.get_by_label("Why", exact=True).fill("Lives next door to the person")
    page.get_by_label("Whom a refused user should contact").fill("The head of the probation delivery unit")
    page.get_by_role("button", name="Save the restriction").click()
    expect(page.get_by_role("alert")).to_contain_text("No user has this username or name")
    assert page.title().startswith("Error: ")
    assert_accessible(page, context="restrictions, with an error")
    page.get_by_label("User", exact=True).fill("colin.colleague")
    page.get_by_role("button", name="Save the restriction").click()
    expect(page.get_by_text("is excluded from the case")).to_be_visible()
    expect(page.get_by_role("cell", name="Lives next door to the person")).to_be_visible()
    assert_accessible(page, context="restrictions in force")
    assert CaseRestriction.objects.get(person=person, ended_at__isnull=True).user == colleague

    page.get_by_role("link", name="Back to the record").click()
    page.get_by_role("link", name="Consent", exact=True).click()
    expect(page.get_by_role("heading", name="Consent to sharing")).to_be_visible()
    page.get_by_label("Agency or service the person agreed may see their record").select_option(
        label="Medway Mentors"
    )
    page.get_by_label("Addresses").check()
    page.get_by_label("Case management").check()
    page.get_by_label("What the person agreed to, in the words recorded with them").fill(
        "Mentoring may know where they live; signed form"
    )
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("Consent recorded. It applies from now.")).to_be_visible()
    assert_accessible(page, context="consent in force")
    page.get_by_role("button", name="Withdraw consent to Medway Mentors").click()
    expect(page.get_by_role("heading", name="Withdrawn (1)")).to_be_visible()
    assert Consent.objects.get(person=person).withdrawn_by == om
