"""Form errors the GOV.UK way on referrals, IOM adoption and bed booking (issue 10, item 14): an error summary
that takes focus, messages by each field, "Error: " at the start of the title, axe-clean; after an HTMX save
keyboard focus stays where the user was; and a second officer's stale change is refused with what they typed
kept (item 12)."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from desist.iom.services import cohort_propose
from desist.premises.models import BedSpace, Premises
from desist.referrals.models import Service
from desist.release.services import release_plan_start
from desist.victims import services as victims
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(partnership):
    officer = partnership.user("ruth.responsible", partnership.probation, role="coordinator")
    partnership.user("tina.treatment", partnership.treatment)
    person = builders.person(
        first_name="Dean",
        last_name="Needham",
        district=partnership.medway,
        involved=[(partnership.probation, officer), (partnership.police, None)],
    )
    return officer, person


def expect_error_page(page: Page, message: str, context: str) -> None:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(message)
    expect(summary).to_be_focused()  # GOV.UK Frontend's ErrorSummary moved focus to it
    assert page.title().startswith("Error: "), page.title()
    assert_accessible(page, context=context)


def test_referral_errors_are_summarised_by_field(page: Page, live_server, partnership, people):
    _, person = people
    Service.objects.create(
        name="Mental health treatment requirement",
        provider=partnership.treatment,
        pathway="health",
        capacity=2,
        response_days=10,
    )
    login(page, live_server, "ruth.responsible", PASSWORD)
    page.goto(f"/people/{person.pk}/referrals/")
    page.get_by_role("button", name="Make the referral").click()
    expect_error_page(page, "Choose the service to refer to.", "referral form with an error")
    expect(page.locator(".govuk-error-message")).to_contain_text("Choose the service to refer to.")
    page.get_by_role("link", name="Choose the service to refer to.").click()
    expect(page.get_by_label("Service Dean can be referred to")).to_be_focused()
    page.get_by_label("Service Dean can be referred to").select_option(
        label="Mental health treatment requirement (Forward Trust)"
    )
    page.get_by_role("button", name="Make the referral").click()
    expect(page.get_by_text("Referred to Mental health treatment requirement")).to_be_visible()

    page.context.clear_cookies()
    login(page, live_server, "tina.treatment", PASSWORD)
    page.goto("/referrals/inbox/")
    page.locator("tr", has_text="NEEDHAM, Dean").get_by_role("link").first.click()
    page.get_by_role("button", name="Decline").click()
    expect_error_page(page, "Say why the referral is declined.", "declining a referral without a reason")
    expect(page.get_by_label("Why the referral is declined")).to_be_visible()


def test_iom_adoption_errors_are_summarised_by_field(page: Page, live_server, partnership, people):
    _, person = people
    membership = cohort_propose(actor=builders.actor(), person=person)
    login(page, live_server, "ruth.responsible", PASSWORD)
    page.goto(f"/iom/decisions/{membership.pk}/")
    page.get_by_label("First review by (yyyy-mm-dd)").fill("")
    page.get_by_role("button", name="Adopt into the cohort").click()
    expect_error_page(page, "Enter the date of the first review.", "IOM adoption with an error")
    expect(page.locator(".govuk-form-group--error", has_text="First review by")).to_contain_text(
        "Enter the date of the first review."
    )
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the strand to adopt into.")
    page.get_by_role("button", name="Decline").click()
    expect_error_page(page, "Give the panel's reason.", "IOM decline without a reason")


def test_bed_booking_errors_are_summarised_by_field(page: Page, live_server, partnership, people):
    _, person = people
    hostel = Premises.objects.create(name="Medway Road Hostel", kind="hostel", provider=partnership.housing)
    BedSpace.objects.create(premises=hostel, name="Room 1")
    login(page, live_server, "ruth.responsible", PASSWORD)
    page.goto(f"/people/{person.pk}/accommodation/book/")
    page.get_by_role("button", name="Book the bed").click()
    expect_error_page(page, "Enter the expected arrival date.", "bed booking with errors")
    expect(page.locator(".govuk-error-summary li")).to_have_count(3)  # bed, arrival, departure
    page.get_by_label("Bed", exact=True).select_option(label="Medway Road Hostel: Room 1")
    page.get_by_label("Expected arrival").fill((TODAY + timedelta(days=10)).isoformat())
    page.get_by_label("Expected departure").fill(TODAY.isoformat())
    page.get_by_role("button", name="Book the bed").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_label("Expected arrival")).to_have_value((TODAY + timedelta(days=10)).isoformat())


def test_an_htmx_task_save_keeps_focus_and_an_error_takes_it(page: Page, live_server, partnership, people):
    officer, person = people
    sentence = builders.custody(
        person, sentence_date=TODAY - timedelta(days=150), length_days=365, release=TODAY + timedelta(days=40)
    )
    plan = release_plan_start(actor=builders.actor(officer), sentence=sentence)
    task = plan.tasks.get(kind="duty_to_refer")
    login(page, live_server, "ruth.responsible", PASSWORD)
    page.goto(f"/releases/plans/{plan.pk}/")
    card = page.locator(f"#task-{task.pk}")
    card.get_by_label("Status").select_option("not_needed")
    save = card.get_by_role("button", name=f"Save {task.title.lower()}")
    save.focus()
    page.keyboard.press("Enter")
    expect(card.get_by_role("status")).to_have_text("Saved.")
    expect(
        page.locator(f"#task-{task.pk}").get_by_role("button", name=f"Save {task.title.lower()}")
    ).to_be_focused()
    card.get_by_label("Due by").fill("")
    card.get_by_role("button", name=f"Save {task.title.lower()}").click()
    summary = page.locator(f"#task-{task.pk} .govuk-error-summary")
    expect(summary).to_contain_text("Enter the date this is due.")
    expect(summary).to_be_focused()
    assert_accessible(page, context="release plan task with an error")


def test_a_second_officers_stale_change_is_refused_with_their_values_kept(
    page: Page, live_server, partnership
):
    from desist.offences import services as offences
    from desist.partnership.models import Role

    vlo = partnership.user("val.liaison", partnership.probation, role=Role.VICTIM_LIAISON)
    subject = builders.person(last_name="Harmer", involved=[(partnership.probation, None)])
    sentence = builders.custody(
        subject,
        sentence_date=TODAY - timedelta(days=200),
        length_days=730,
        release=TODAY + timedelta(days=60),
    )
    builders.offence_code("00800", "Violence", 0.1)
    offence = offences.offence_record(
        actor=builders.actor(),
        person=subject,
        offence_code="00800",
        offence_date=TODAY - timedelta(days=260),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=200),
        disposal="custody",
        sentence_id=sentence.pk,
    )
    victim = victims.victim_record(actor=builders.actor(vlo), reference="VLU-2024-0099")
    victims.victim_link(actor=builders.actor(vlo), victim=victim, offence=offence)
    login(page, live_server, "val.liaison", PASSWORD)
    page.goto(f"/victims/records/{victim.pk}/change/")
    # Meanwhile a colleague changes the same victim.
    victims.victim_update(actor=builders.actor(vlo), victim=victim, version=1, contact_preference="phone")
    page.get_by_label("Name (optional)").fill("Sam")
    page.get_by_label("Email").check()
    page.get_by_role("button", name="Save changes").click()
    expect_error_page(
        page, "Someone else changed this record while you were editing it.", "stale victim change"
    )
    expect(page.get_by_label("Name (optional)")).to_have_value("Sam")
    expect(page.locator("#current-details")).to_contain_text("Telephone")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("details are changed")).to_be_visible()


def test_marking_a_notice_read_moves_focus_to_the_next_notice(page: Page, live_server, partnership, people):
    from django.contrib.auth import get_user_model

    from desist.referrals import services

    _, person = people
    other = builders.person(
        first_name="Alan",
        last_name="Already",
        district=partnership.medway,
        involved=[(partnership.probation, None)],
    )
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
    first = notices.locator("tbody tr").first.get_by_role("button", name="Mark as read")
    first.focus()
    page.keyboard.press("Enter")
    expect(notices.locator("tbody tr")).to_have_count(1)
    # The row went; keyboard focus went on to the next notice's button, not back to the top of the page.
    expect(notices.locator("tbody tr").first.get_by_role("button", name="Mark as read")).to_be_focused()
