"""A probation officer refers someone to mental health treatment and the provider accepts it; a housing
officer books a bed in the hostel, is refused a bed taken on those dates, and the hostel records the arrival
(issue 6, parts 3 and 4)."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from desist.premises.models import BedSpace, Premises
from desist.referrals.models import Service
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(partnership):
    officer = partnership.user("ruth.responsible", partnership.probation)
    partnership.user("tina.treatment", partnership.treatment)
    partnership.user("kim.keyworker", partnership.housing)
    person = builders.person(
        first_name="Dean",
        last_name="Needham",
        district=partnership.medway,
        involved=[(partnership.probation, officer)],
    )
    other = builders.person(
        first_name="Alan",
        last_name="Already",
        district=partnership.medway,
        involved=[(partnership.probation, officer)],
    )
    return person, other


def test_make_and_accept_a_referral(page: Page, live_server, partnership, people):
    person, _ = people
    Service.objects.create(
        name="Mental health treatment requirement",
        provider=partnership.treatment,
        pathway="health",
        capacity=2,
        response_days=10,
    )
    Service.objects.create(
        name="Women's centre",
        provider=partnership.treatment,
        sexes=["female"],
        pathway="attitudes_thinking_behaviour",
        capacity=5,
    )
    login(page, live_server, "ruth.responsible", PASSWORD)
    page.goto(f"/people/{person.pk}/")
    page.get_by_role("link", name="Referrals to services").click()
    expect(page.get_by_role("heading", name="Referrals", exact=True)).to_be_visible()
    page.get_by_text("Services Dean cannot be referred to").click()
    expect(page.get_by_text("The service is for female people only.")).to_be_visible()
    assert_accessible(page, context="a person's referrals")
    page.get_by_label("Service Dean can be referred to").select_option(
        label="Mental health treatment requirement (Forward Trust)"
    )
    page.get_by_label("What the provider needs to know (optional)").fill(
        "Low mood since sentence; agreed to treatment"
    )
    page.get_by_role("button", name="Make the referral").click()
    expect(page.get_by_text("Referred to Mental health treatment requirement")).to_be_visible()
    expect(page.locator("#referral-status")).to_have_text("Made")
    assert_accessible(page, context="a referral, as the referrer")

    page.context.clear_cookies()
    login(page, live_server, "tina.treatment", PASSWORD)
    page.goto("/referrals/inbox/")
    row = page.locator("tr", has_text="NEEDHAM, Dean")
    expect(row).to_contain_text("Mental health treatment requirement")
    assert_accessible(page, context="referral inbox")
    row.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged the referral of Dean Needham.")).to_be_visible()
    page.locator("tr", has_text="NEEDHAM, Dean").get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Accepted the referral of Dean Needham")).to_be_visible()
    expect(page.get_by_text("No referrals to answer.")).to_be_visible()
    page.get_by_role("link", name="Capacity of every service").click()
    expect(page.locator("tr", has_text="Mental health treatment requirement")).to_contain_text("1")
    assert_accessible(page, context="service capacity")
    page.get_by_role("link", name="Mental health treatment requirement").click()
    expect(page.locator("tr", has_text="NEEDHAM, Dean")).to_contain_text("A place is free")
    assert_accessible(page, context="waiting list")


def test_book_a_bed(page: Page, live_server, partnership, people):
    person, other = people
    hostel = Premises.objects.create(name="Medway Road Hostel", kind="hostel", provider=partnership.housing)
    for i in range(22):
        BedSpace.objects.create(premises=hostel, name=f"Room {i + 1}", step_free=i < 2)
    from desist.premises.services import booking_make

    booking_make(
        actor=builders.actor(),
        person=other,
        bed=hostel.beds.get(name="Room 3"),
        expected_arrival=TODAY,
        expected_departure=TODAY + timedelta(days=60),
    )
    login(page, live_server, "ruth.responsible", PASSWORD)
    page.goto(f"/people/{person.pk}/")
    page.get_by_role("link", name="Accommodation bookings").click()
    expect(page.get_by_role("heading", name="Book a bed")).to_be_visible()
    assert_accessible(page, context="book a bed")
    page.get_by_label("Bed", exact=True).select_option(label="Medway Road Hostel: Room 3")
    page.get_by_label("Expected arrival").fill(TODAY.isoformat())
    page.get_by_label("Expected departure").fill((TODAY + timedelta(days=84)).isoformat())
    page.get_by_role("button", name="Book the bed").click()
    expect(page.get_by_text("Room 3 at Medway Road Hostel is already booked from")).to_be_visible()
    expect(page.get_by_label("Expected arrival")).to_have_value(TODAY.isoformat())  # nothing entered is lost
    page.get_by_label("Bed", exact=True).select_option(label="Medway Road Hostel: Room 1 (step-free)")
    page.get_by_label("Needs a step-free bed").check()
    page.get_by_role("button", name="Book the bed").click()
    expect(page.get_by_text("Booked Room 1 at Medway Road Hostel for Dean Needham")).to_be_visible()
    expect(page.get_by_role("heading", name="Medway Road Hostel")).to_be_visible()
    assert_accessible(page, context="premises availability")
    row = page.locator("tr", has_text="NEEDHAM, Dean")
    row.get_by_role("button", name="Arrived").click()
    expect(page.get_by_text("Arrival recorded.")).to_be_visible()
    page.goto("/premises/")
    expect(page.locator("tr", has_text="Medway Road Hostel")).to_contain_text("2 (9%)")
    assert_accessible(page, context="accommodation places")


def test_the_provider_marks_notices_read(page: Page, live_server, partnership, people):
    from django.contrib.auth import get_user_model

    from desist.referrals import services

    person, other = people
    mhtr = Service.objects.create(
        name="Mental health treatment requirement",
        provider=partnership.treatment,
        pathway="health",
        capacity=2,
        response_days=10,
    )
    officer = builders.actor(get_user_model().objects.get(username="ruth.responsible"))
    for who, detail in ((person, "Now needs an interpreter"), (other, "Moved to Chatham")):
        referral = services.referral_make(actor=officer, person=who, service=mhtr, need="health")
        services.referral_details_change(actor=officer, referral=referral, detail=detail)
    login(page, live_server, "tina.treatment", PASSWORD)
    page.goto("/referrals/inbox/")
    notices = page.locator("#provider-notices")
    expect(notices.locator("tbody tr")).to_have_count(2)
    assert_accessible(page, context="referral inbox with notices")
    notices.locator("tr", has_text="NEEDHAM, Dean").get_by_role("button", name="Mark as read").click()
    expect(notices.locator("tbody tr")).to_have_count(1)  # HTMX took the row away, no reload
    expect(notices).to_contain_text("ALREADY, Alan")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("Marked 1 notice as read.")).to_be_visible()
    expect(page.locator("#provider-notices")).to_have_count(0)
