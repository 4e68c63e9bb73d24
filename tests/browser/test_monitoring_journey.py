"""Monitoring staff upload a supplier's feed holding a curfew violation; the responsible officer finds the
alert in their work queue, opens it and judges it unacceptable, which records a failure to comply for
enforcement (issue 14, item 5)."""

from datetime import time, timedelta

import pytest
from playwright.sync_api import Page, expect

from desist.enforcement.models import Failure
from desist.monitoring import services
from desist.sentences import services as sentences
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_curfew_violation_from_the_feed_reaches_the_officer(page: Page, live_server, partnership, tmp_path):
    officer = partnership.user("ruth.responsible", partnership.probation)
    partnership.user("mona.monitoring", partnership.probation)
    person = builders.person(
        first_name="Cal", last_name="Curfew", involved=[(partnership.probation, officer)]
    )
    start = TODAY - timedelta(days=30)
    order = builders.community_order(person, start=start, months=6)
    requirement = sentences.requirement_add(
        actor=builders.actor(), sentence=order, kind="curfew", start_date=start, amount=3, unit="months"
    )
    services.create_order(
        actor=builders.actor(officer),
        person=person,
        kind="curfew",
        requirement=requirement,
        start_date=start,
        supplier="acme",
        device_id="TAG77",
        curfew_start=time(19),
        curfew_end=time(7),
    )
    when = (TODAY - timedelta(days=1)).isoformat()
    feed = tmp_path / "acme-events.csv"
    feed.write_text(f"Event ID,Device ID,Event Type,Timestamp\nA1,TAG77,Curfew Violation,{when}T22:40:00Z\n")

    login(page, live_server, "mona.monitoring", PASSWORD)
    page.goto("/monitoring/feeds/")
    page.get_by_label("Monitoring supplier").fill("acme")
    page.get_by_label("Event feed").set_input_files(str(feed))
    assert_accessible(page, context="the monitoring feed upload")
    page.get_by_role("button", name="Import the feed").click()
    expect(page.get_by_text("1 new event, 1 alert")).to_be_visible()
    assert_accessible(page, context="a monitoring feed's report")
    page.get_by_role("button", name="Sign out").click()

    login(page, live_server, "ruth.responsible", PASSWORD)
    page.goto("/work/")
    expect(page.get_by_role("heading", name="Monitoring alerts")).to_be_visible()
    page.get_by_role("link", name="Curfew violation", exact=False).click()
    expect(page.get_by_role("heading", name="Curfew violation")).to_be_visible()
    assert_accessible(page, context="a monitoring alert")
    page.get_by_label("Unacceptable").check()
    page.get_by_label("Reason").fill("Out until 01:00, no reason given")
    page.get_by_role("button", name="Record the judgement").click()
    expect(page.get_by_text("A failure to comply was recorded for enforcement.")).to_be_visible()
    assert Failure.objects.get(person=person).judgement == "unacceptable"

    page.goto(f"/people/{person.pk}/monitoring/")
    expect(page.get_by_role("heading", name="Electronic monitoring")).to_be_visible()
    expect(page.get_by_text("No open monitoring alerts.")).to_be_visible()
    assert_accessible(page, context="a person's electronic monitoring")
