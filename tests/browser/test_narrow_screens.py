"""A practitioner's day on a phone: the caseload, a person's record (its summary) and the work queue fit a
375-pixel screen with nothing to scroll sideways, and stay accessible (issue 14, point 7)."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from desist.assessments.models import RiskScore, ScoreKind
from desist.enforcement import services as enforcement
from desist.people import services as people
from desist.supervision import services as supervision
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 375


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _fits(page: Page, path: str, context: str) -> None:
    page.goto(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{context} is {width} pixels wide at a {WIDTH}-pixel screen"
    assert_accessible(page, context=f"{context} at {WIDTH} pixels")


def test_the_practitioners_pages_fit_a_phone(page: Page, live_server, partnership):
    officer = partnership.user("ruth.responsible", partnership.probation)
    system = builders.actor()
    actor = builders.actor(officer)
    subject = None
    for n in range(4):
        subject = builders.person(
            first_name="Dean",
            last_name=f"Needham-Fotheringay{n}",
            district=partnership.medway,
            involved=[(partnership.probation, officer), (partnership.housing, None)],
        )
        people.identifier_add(actor=system, person=subject, kind="crn", value=f"X{subject.pk:06d}")
        builders.flag(subject, "mappa", mappa_category=2, mappa_level=1)
        builders.flag(subject, "domestic_abuse_perpetrator")
        order = builders.community_order(subject, start=TODAY - timedelta(days=60), months=18)
        RiskScore.objects.create(person=subject, kind=ScoreKind.TIER, as_of=TODAY, value="B2")
        RiskScore.objects.create(person=subject, kind=ScoreKind.ROSH, as_of=TODAY, value="High")
        start = timezone.make_aware(datetime.combine(TODAY + timedelta(days=1), time(10, 0)))
        supervision.book_appointment(
            actor=actor,
            person=subject,
            practitioner=officer,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
        enforcement.record_failure(
            actor=actor,
            person=subject,
            sentence=order,
            occurred_on=TODAY - timedelta(days=2),
            description="Did not attend the office appointment and gave no reason",
        )
    assert subject is not None
    people.identifier_add(actor=system, person=subject, kind="pnc", value="2009/0012345E")
    login(page, live_server, "ruth.responsible", PASSWORD)
    page.set_viewport_size({"width": WIDTH, "height": 800})
    _fits(page, "/caseload/", "the caseload")
    _fits(page, f"/people/{subject.pk}/", "a person's record (its summary)")
    _fits(page, f"/people/{subject.pk}/sentences/", "a person's sentences")
    _fits(page, "/work/", "the work queue")
