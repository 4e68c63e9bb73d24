"""A MARAC coordinator runs a MARAC from the agenda to an action: the agenda is built from the referrals
awaiting (a repeat marked), the case is heard and housing is given an action that reaches the housing
officer's work queue, who never sees the victim's name. An IOM panel's chair builds the agenda from the people
proposed and records the panel's decision to adopt from the meeting (issue 15). Each page is checked with
axe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from desist.iom import services as iom_services
from desist.iom.models import CohortMembership
from desist.marac import services as marac_services
from desist.marac.models import MaracReferral
from desist.meetings import services
from desist.meetings.models import MeetingAction
from desist.partnership.models import Role
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YES14 = ["yes"] * 14 + ["no"] * 9 + ["not_known"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_marac_goes_from_agenda_to_an_action_in_the_owners_work_queue(page: Page, live_server, partnership):
    p = partnership
    coordinator = p.user("mo.marac", p.police, role=Role.MARAC_COORDINATOR)
    p.user("harriet.housing", p.housing)
    actor = builders.actor(coordinator)
    series = services.series_create(
        actor=actor, name="Medway MARAC", kind="marac", chair_agency=p.police, agencies=[p.police, p.housing]
    )
    held = timezone.localtime().replace(microsecond=0) - timedelta(hours=1)
    services.meeting_schedule(actor=actor, series=series, starts_at=held, place="Medway Police Station")
    victim = marac_services.victim_record(actor=actor, reference="MARAC-77", name="Vera Synthetic")
    marac_services.dash_record(actor=actor, victim=victim, answers=YES14, incident_on=TODAY)

    login(page, live_server, "mo.marac", PASSWORD)
    page.goto(f"{live_server.url}/meetings/")
    page.get_by_role("link", name="Medway MARAC").click()
    page.locator("main").get_by_role("link", name=f"{held:%-d %b %Y}").click()
    page.get_by_role("button", name="Build the agenda").click()
    expect(page.get_by_text("1 case added to the agenda.")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("Vera Synthetic")
    assert_accessible(page, context="a MARAC's agenda")

    page.get_by_role("link", name="Record attendance").click()
    for agency in ("Kent Police", "Medway Council Housing"):
        page.get_by_role("group", name=agency).get_by_label("Present").check()
    page.get_by_role("button", name="Save attendance").click()

    page.get_by_role("link", name="New referral (DASH score), from Kent Police").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("MARAC-77: Vera Synthetic")
    page.get_by_label("Discussion").fill("Safety plan agreed; the sanctuary scheme to be offered.")
    assert_accessible(page, context="a MARAC case")
    page.get_by_role("button", name="Record the item").click()
    expect(page.get_by_text("Item 1 recorded.")).to_be_visible()
    assert MaracReferral.objects.get().status == "heard"

    page.get_by_role("link", name="New referral (DASH score), from Kent Police").click()
    page.get_by_label("Action").fill("Assess the home for the sanctuary scheme")
    page.get_by_label("Owner agency").select_option(label="Medway Council Housing")
    page.get_by_label("Owner", exact=True).select_option(
        label="Harriet.Housing Worker (Medway Council Housing)"
    )
    page.get_by_label("Due by").fill((TODAY + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("Action added: it is in the owner's work queue.")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    login(page, live_server, "harriet.housing", PASSWORD)
    page.goto(f"{live_server.url}/work/")
    expect(page.get_by_role("heading", name="Meeting actions")).to_be_visible()
    page.get_by_role("link", name="Assess the home for the sanctuary scheme").click()
    assert_accessible(page, context="a MARAC action")
    expect(page.locator("main")).not_to_contain_text("Vera Synthetic")
    assert MeetingAction.objects.get().owner_user.username == "harriet.housing"


def test_an_iom_panel_decision_is_recorded_from_the_meeting(page: Page, live_server, partnership):
    p = partnership
    chair = p.user("ivy.iomchair", p.probation, role=Role.COORDINATOR)
    officer = p.user("oscar.officer", p.probation)
    p.user("pc.iom", p.police)
    actor = builders.actor(chair)
    series = services.series_create(
        actor=actor,
        name="Medway IOM panel",
        kind="iom_panel",
        chair_agency=p.probation,
        agencies=[p.probation, p.police],
    )
    held = timezone.localtime().replace(microsecond=0) - timedelta(hours=1)
    services.meeting_schedule(actor=actor, series=series, starts_at=held)
    candidate = builders.person(first_name="Cal", last_name="Candidate", involved=[(p.probation, officer)])
    iom_services.cohort_propose(actor=actor, person=candidate)

    login(page, live_server, "ivy.iomchair", PASSWORD)
    page.goto(f"{live_server.url}/meetings/")
    page.get_by_role("link", name="Medway IOM panel").click()
    page.locator("main").get_by_role("link", name=f"{held:%-d %b %Y}").click()
    page.get_by_role("button", name="Build the agenda").click()
    expect(page.get_by_text("1 case added to the agenda.")).to_be_visible()
    page.get_by_role("link", name="Record attendance").click()
    for agency in ("Kent Probation", "Kent Police"):
        page.get_by_role("group", name=agency).get_by_label("Present").check()
    page.get_by_role("button", name="Save attendance").click()

    page.get_by_role("link", name="Candidate for the cohort").click()
    expect(page.get_by_role("heading", name="1. Candidate for the cohort")).to_be_visible()
    assert_accessible(page, context="an IOM panel item")
    page.get_by_label("Adopt into the cohort").check()
    page.get_by_label("Discussion").fill("Prolific burglary; agreed to adopt.")
    page.get_by_label("Strand").select_option(label="Fixed (neighbourhood crime)")
    page.get_by_label("Next review").fill((TODAY + timedelta(weeks=12)).isoformat())
    page.get_by_label("Lead agency").select_option(label="Kent Police")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The panel's decision on item 1 is recorded.")).to_be_visible()
    expect(page.get_by_text("Prolific burglary; agreed to adopt.")).to_be_visible()
    assert_accessible(page, context="an IOM panel item decided")
    membership = CohortMembership.objects.get(person=candidate)
    assert membership.status == "adopted" and membership.strand == "fixed"
    assert membership.decisions.get(kind="adopted").decided_by == chair

    page.get_by_role("link", name="Back to the meeting").click()
    page.get_by_role("link", name="Back to Medway IOM panel").click()
    page.get_by_role("link", name="The IOM steering group's page").click()
    expect(page.get_by_role("heading", name="IOM steering group")).to_be_visible()
    assert_accessible(page, context="the IOM steering group's page")
