"""A victim liaison officer records a victim, links them to an offence of a perpetrator found by name, sees
the scheme eligibility and the notification raised, and completes it with an outcome (issue 6, part 5). Every
new page is checked with axe-core."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from desist.offences import services as offences
from desist.partnership.models import Role
from desist.victims.models import Victim, VictimNotification
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def perpetrator(partnership):
    officer = partnership.user("ruth.responsible", partnership.probation)
    partnership.user("val.liaison", partnership.probation, role=Role.VICTIM_LIAISON)
    person = builders.person(
        first_name="Dale",
        last_name="Harmer",
        district=partnership.medway,
        involved=[(partnership.probation, officer)],
    )
    sentence = builders.custody(
        person, sentence_date=TODAY - timedelta(days=200), length_days=500, release=TODAY + timedelta(days=30)
    )
    builders.offence_code("10400", "Violence", 0.1)
    offences.offence_record(
        actor=builders.actor(),
        person=person,
        offence_code="10400",
        offence_date=TODAY - timedelta(days=250),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=200),
        disposal="custody",
        sentence_id=sentence.pk,
    )
    return person


def test_record_a_victim_link_them_and_complete_the_notification(page: Page, live_server, perpetrator):
    login(page, live_server, "val.liaison", PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Victims", exact=True).click()
    expect(page.get_by_role("heading", name="Victims", exact=True)).to_be_visible()
    expect(page.get_by_text("No victims recorded yet.")).to_be_visible()
    assert_accessible(page, context="victims list, empty")

    page.get_by_role("link", name="Record a victim").click()
    page.get_by_role("button", name="Record victim").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the victim liaison unit's reference.")
    expect(summary).to_contain_text("Say whether the victim has opted in")
    assert_accessible(page, context="record a victim, errors")
    page.get_by_label("Victim liaison unit reference").fill("VLU-2024-0173")
    page.get_by_label("Telephone").check()
    page.get_by_label("Yes").check()
    page.get_by_label("Release dates, early release and Home Detention Curfew").check()
    assert_accessible(page, context="record a victim")
    page.get_by_role("button", name="Record victim").click()

    expect(page.get_by_text("Victim VLU-2024-0173 is recorded")).to_be_visible()
    expect(page.get_by_role("heading", name="Link to an offence")).to_be_visible()
    assert_accessible(page, context="link a victim, find the person")
    page.get_by_label("Name, date of birth or identifier").fill("Dale Harmer")
    page.get_by_role("button", name="Find the person").click()
    page.get_by_role("link", name="Dale Harmer").click()
    page.get_by_role("button", name="Link victim").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the offence the victim is linked to."
    )
    assert_accessible(page, context="link a victim, choose the offence, error")
    page.get_by_label("10400", exact=False).check()
    page.get_by_role("button", name="Link victim").click()

    expect(page.get_by_text("1 notification raised")).to_be_visible()
    expect(page.get_by_role("heading", name="VLU-2024-0173")).to_be_visible()
    expect(page.locator("#offences ~ table").first).to_contain_text("Eligible")
    expect(page.get_by_text("violence offence")).to_be_visible()
    assert_accessible(page, context="a victim's page")

    page.get_by_role("link", name="Release date set").click()
    page.get_by_label("Victim told", exact=True).check()
    page.get_by_label("Note").fill("Told by telephone.")
    page.get_by_role("button", name="Complete notification").click()
    expect(page.get_by_text("Notification complete")).to_be_visible()

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Victims", exact=True).click()
    expect(page.locator("table")).to_contain_text("HARMER, Dale")
    assert_accessible(page, context="victims list")
    page.get_by_role("link", name="VLU-2024-0173").click()
    expect(page.get_by_text("No outstanding notifications.")).to_be_visible()
    expect(page.get_by_text("Told by telephone.")).to_be_visible()

    # The person's record shows the victim to the victim liaison officer (loaded by HTMX).
    page.get_by_role("link", name="HARMER, Dale").click()
    # Victims sit with the offences, in the record's offence history section.
    page.get_by_role("navigation", name="Sections of this record").get_by_role(
        "link", name="Offence history"
    ).click()
    expect(page.locator("#person-victims")).to_contain_text("VLU-2024-0173")
    assert_accessible(page, context="person record with the Victims section")
    page.get_by_role("link", name="Link a victim").click()
    expect(page.get_by_role("heading", name="Link a victim")).to_be_visible()
    assert_accessible(page, context="link a victim from the person record")

    victim = Victim.objects.get()
    assert (victim.opted_in, victim.contact_preference, victim.wants_to_know) == (True, "phone", ["release"])
    assert VictimNotification.objects.get().outcome == "told"
