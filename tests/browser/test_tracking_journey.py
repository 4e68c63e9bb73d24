"""An IOM police officer follows a tagged cohort member (issue 14; the seeds' satellite tracking with BUDDI):
from the IOM tracking list to the person's map, which refreshes itself when the supplier's next points arrive
and shows the zone entry they make; and the caseload's requirement progress fits a phone."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from desist.enforcement import services as enforcement
from desist.iom.models import CohortMembership, MembershipStatus, Strand
from desist.monitoring import selectors, services
from desist.people import services as people
from desist.sentences import services as sentences
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.app.monitoring.conftest import ZONE
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _feed(*rows: str) -> bytes:
    return ("event_id,device_id,event_type,timestamp,latitude,longitude\n" + "\n".join(rows) + "\n").encode()


def test_the_iom_police_officer_sees_the_zone_entered(page: Page, live_server, partnership, monkeypatch):
    monkeypatch.setattr(selectors, "TRACKING_POLL_SECONDS", 1)
    officer = partnership.user("owen.offender", partnership.probation)
    police = partnership.user("pc.iom", partnership.police)
    person = builders.person(
        first_name="Tam",
        last_name="Tracked",
        involved=[(partnership.probation, officer), (partnership.police, police)],
    )
    CohortMembership.objects.create(
        person=person,
        status=MembershipStatus.ADOPTED,
        strand=Strand.FIXED,
        proposed_on=TODAY - timedelta(days=60),
        adopted_on=TODAY - timedelta(days=60),
    )
    start = TODAY - timedelta(days=30)
    order = builders.community_order(person, start=start, months=6)
    requirement = sentences.requirement_add(
        actor=builders.actor(), sentence=order, kind="exclusion", start_date=start, amount=6, unit="months"
    )
    actor = builders.actor(officer)
    services.create_order(
        actor=actor,
        person=person,
        kind="exclusion_zone",
        requirement=requirement,
        start_date=start,
        supplier="acme",
        device_id="GPS1",
        zone=ZONE,
        zone_name="Canterbury city centre",
    )
    now = timezone.now().replace(microsecond=0)
    earlier = [
        f"P{n},GPS1,gps,{(now - timedelta(minutes=60 - 5 * n)).isoformat()},51.30,{1.15 + n / 1000}"
        for n in range(5)
    ]
    services.import_feed(actor=actor, supplier="acme", content=_feed(*earlier), file_name="a.csv")

    login(page, live_server, "pc.iom", PASSWORD)
    page.goto("/monitoring/tracking/")
    assert_accessible(page, context="the IOM location tracking list")
    page.get_by_role("link", name="TRACKED, Tam").click()
    expect(page.get_by_role("heading", name="Location tracking")).to_be_visible()
    expect(page.get_by_text("No zone entries or curfew violations.")).to_be_visible()
    expect(page.locator("svg polyline")).to_have_count(1)
    assert_accessible(page, context="a person's location tracking")

    # The supplier's next points: into the zone. The page polls and shows the entry without a reload.
    services.import_feed(
        actor=actor,
        supplier="acme",
        content=_feed(f"P9,GPS1,gps,{now.isoformat()},51.28,1.08"),
        file_name="b.csv",
    )
    expect(page.get_by_role("cell", name="Exclusion zone entered").first).to_be_visible(timeout=10_000)
    assert_accessible(page, context="a person's location tracking, refreshed")


def test_the_caseload_progress_fits_a_phone(page: Page, live_server, partnership):
    officer = partnership.user("ruth.responsible", partnership.probation)
    system = builders.actor()
    actor = builders.actor(officer)
    for n in range(3):
        subject = builders.person(
            first_name="Una", last_name=f"Unpaid-Workington{n}", involved=[(partnership.probation, officer)]
        )
        start = TODAY - timedelta(days=90)
        order = builders.community_order(subject, start=start, months=12)
        upw = sentences.requirement_add(
            actor=system, sentence=order, kind="unpaid_work", start_date=start, amount=120, unit="hours"
        )
        sentences.requirement_add(
            actor=system, sentence=order, kind="programme", start_date=start, amount=24, unit="sessions"
        )
        enforcement.log_unpaid_work(actor=actor, requirement=upw, worked_on=start, hours=Decimal(7))
    people.identifier_add(actor=system, person=subject, kind="crn", value="X123456")
    login(page, live_server, "ruth.responsible", PASSWORD)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/caseload/")
    expect(page.get_by_text("7 of 120 h").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the caseload is {width} pixels wide at a 375-pixel screen"
    assert_accessible(page, context="the caseload with requirement progress at 375 pixels")
