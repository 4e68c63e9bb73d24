"""A victim liaison officer completes a victim notification: sees it in the work queue and on the dashboard,
is refused without an outcome, records one, and the notification leaves the outstanding list
(issue 6, part 5)."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from desist.offences import services as offences
from desist.partnership.models import Role
from desist.victims import services as victims
from desist.victims.models import VictimNotification
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def notification(partnership):
    officer = partnership.user("ruth.responsible", partnership.probation)
    vlo = partnership.user("val.liaison", partnership.probation, role=Role.VICTIM_LIAISON)
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
    offence = offences.offence_record(
        actor=builders.actor(),
        person=person,
        offence_code="10400",
        offence_date=TODAY - timedelta(days=250),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=200),
        disposal="custody",
        domestic_abuse=True,
        sentence_id=sentence.pk,
    )
    actor = builders.actor(vlo)
    victim = victims.victim_record(
        actor=actor, reference="VLU-0042", opted_in=True, wants_to_know=["release", "licence_conditions"]
    )
    victims.victim_link(actor=actor, victim=victim, offence=offence)
    return VictimNotification.objects.get()


def test_complete_a_victim_notification(page: Page, live_server, notification):
    login(page, live_server, "val.liaison", PASSWORD)
    page.get_by_role("link", name="Work queue").click()
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    expect(page.locator("#group-victims")).to_contain_text("1")
    assert_accessible(page, context="work queue")
    page.get_by_role("button", name="Refresh").click()  # HTMX swaps the list in place
    expect(page.locator("#work-queue")).to_contain_text("Release date set")

    page.get_by_role("link", name="Victim notifications").click()
    expect(page.get_by_role("heading", name="Victim notifications")).to_be_visible()
    assert_accessible(page, context="victim notifications dashboard")
    page.get_by_role("link", name="VLU-0042").click()
    expect(page.get_by_text("A domestic abuse perpetrator's release")).to_be_visible()
    expect(page.get_by_text("Eligible: violence offence")).to_be_visible()
    assert_accessible(page, context="victim notification")

    page.get_by_role("button", name="Complete notification").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Record the outcome")
    assert_accessible(page, context="victim notification, no outcome")
    page.get_by_label("Victim told", exact=True).check()
    page.get_by_label("Note").fill("Told by telephone; she will make representations on the exclusion zone.")
    page.get_by_role("button", name="Complete notification").click()
    expect(page.get_by_text("Notification complete")).to_be_visible()
    expect(page.get_by_text("No outstanding notifications.")).to_be_visible()
    notification.refresh_from_db()
    assert (notification.status, notification.outcome) == ("done", "told")
