"""A MAPPA coordinator runs a level 2 meeting from the agenda to the minutes: builds the agenda from a new
referral and a review due, records who came, the discussion and a level change on a case, gives the police an
action and records the minutes; the action reaches the police officer's work queue, and the officer reads the
minutes (issue 15)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from desist.meetings import services
from desist.meetings.models import MappaCase, MeetingAction
from desist.partnership.models import Role
from desist.registers.models import RegisterEntry, RegisterKind
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_coordinator_runs_a_level_2_meeting_and_the_actions_reach_their_owners(
    page: Page, live_server, partnership
):
    p = partnership
    coordinator = p.user("marnie.mappa", p.probation, role=Role.COORDINATOR)
    officer = p.user("paul.probation", p.probation)
    p.user("pc.mappa", p.police)
    actor = builders.actor(coordinator)
    series = services.series_create(
        actor=actor,
        name="Medway MAPPA level 2",
        kind="mappa_2",
        chair_agency=p.probation,
        agencies=[p.probation, p.police, p.prison, p.housing],
    )
    # An hour ago: the new referral, made today, is in time for it.
    held = timezone.localtime().replace(microsecond=0) - timedelta(hours=1)
    services.meeting_schedule(
        actor=actor,
        series=series,
        starts_at=held,
        place="Medway Police Station",
    )
    reviewed = builders.person(first_name="Rita", last_name="Reviewed", involved=[(p.probation, officer)])
    builders.flag(reviewed, RegisterKind.MAPPA, mappa_category=2, mappa_level=2)
    MappaCase.objects.create(
        person=reviewed, level=2, category=2, next_review_on=TODAY - timedelta(days=2), opened_on=TODAY
    )
    referred = builders.person(first_name="Ned", last_name="Newcase", involved=[(p.probation, officer)])
    services.mappa_referral_make(
        actor=builders.actor(officer), person=referred, level=2, category=1, reason="Escalating risk"
    )

    login(page, live_server, "marnie.mappa", PASSWORD)
    page.goto(f"{live_server.url}/meetings/")
    assert_accessible(page, context="the meeting series")
    page.get_by_role("link", name="Medway MAPPA level 2").click()
    expect(page.get_by_text("NEWCASE, Ned")).to_be_visible()
    assert_accessible(page, context="a meeting series")
    page.locator("main").get_by_role("link", name=f"{held:%-d %b %Y}").click()
    page.get_by_role("button", name="Build the agenda").click()
    expect(page.get_by_text("2 cases added to the agenda.")).to_be_visible()
    assert_accessible(page, context="a meeting's agenda")

    page.get_by_role("link", name="Record attendance").click()
    for agency in ("Kent Probation", "Kent Police", "HMP Elmley"):
        page.get_by_role("group", name=agency).get_by_label("Present").check()
    page.get_by_role("group", name="Medway Council Housing").get_by_label("Apologies").check()
    assert_accessible(page, context="recording attendance")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance recorded.")).to_be_visible()

    page.get_by_role("link", name="Review: category 2, level 2").click()
    page.get_by_label("Discussion").fill("Two missed home visits; risk to a known adult is rising.")
    page.get_by_label("Level from now").select_option(label="Level 3: senior multi-agency management")
    page.get_by_label("Next review").fill((TODAY + timedelta(days=28)).isoformat())
    assert_accessible(page, context="recording a case")
    page.get_by_role("button", name="Record the item").click()
    expect(page.get_by_text("Item 2 recorded.")).to_be_visible()
    assert RegisterEntry.objects.get(person=reviewed, kind=RegisterKind.MAPPA).mappa_level == 3

    page.get_by_role("link", name="Review: category 2, level 2").click()
    page.get_by_label("Action").fill("Unannounced home visit with the offender manager")
    page.get_by_label("Owner agency").select_option(label="Kent Police")
    page.get_by_label("Owner", exact=True).select_option(label="Pc.Mappa Worker (Kent Police)")
    page.get_by_label("Due by").fill((TODAY + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("Action added: it is in the owner's work queue.")).to_be_visible()

    page.get_by_role("link", name="Back to the meeting").click()
    page.locator("main").get_by_role("link", name="Minutes", exact=True).click()
    page.get_by_label("General minutes").fill("Quorate. Housing sent apologies.")
    assert_accessible(page, context="the minutes")
    page.get_by_role("button", name="Save the minutes").click()
    expect(page.get_by_text("Minutes recorded.")).to_be_visible()
    expect(page.get_by_text("Two missed home visits")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    login(page, live_server, "pc.mappa", PASSWORD)
    page.goto(f"{live_server.url}/work/")
    expect(page.get_by_role("heading", name="Meeting actions")).to_be_visible()
    page.get_by_role("link", name="Unannounced home visit with the offender manager").click()
    assert_accessible(page, context="a meeting action")
    page.get_by_label("Done").check()
    page.get_by_label("Note").fill("Visited; no concerns.")
    page.get_by_role("button", name="Update").click()
    expect(page.get_by_text("The action is updated.")).to_be_visible()
    assert MeetingAction.objects.get().status == "done"
