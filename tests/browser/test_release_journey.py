"""A probation officer plans a release to done: starts the plan from the record, works every pathway and task
(inline, with HTMX), records accommodation on release and sees the plan ready in the pipeline; then records
the release facts and, on the day, the release itself (issue 6)."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from desist.core.release import TASK_CATALOGUE
from desist.release.models import EarlyReleaseScheme
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DETAILS = {
    "Continuity of treatment handed over": "Forward Trust Medway, methadone 40 ml",
    "Someone to meet the person at the gate": "Sam, Gate Mentors",
    "Accommodation found and address confirmed": "12 Station Road, Chatham",
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def prisoner(partnership):
    officer = partnership.user("ruth.responsible", partnership.probation)
    person = builders.person(
        first_name="Dean",
        last_name="Gatehouse",
        district=partnership.medway,
        involved=[(partnership.probation, officer), (partnership.housing, None)],
    )
    builders.custody(
        person, sentence_date=TODAY - timedelta(days=150), length_days=365, release=TODAY + timedelta(days=40)
    )
    EarlyReleaseScheme.objects.create(
        name="Partnership early release",
        starts_on=TODAY - timedelta(days=10),
        days_early=20,
        excluded_offence_groups=["sexual"],
    )
    return person


def test_plan_a_release_to_done(page: Page, live_server, prisoner):
    login(page, live_server, "ruth.responsible", PASSWORD)
    page.goto(f"/people/{prisoner.pk}/sentences/")
    section = page.locator("#release-section")
    expect(section).to_contain_text("Home Detention Curfew")  # loaded into the record with HTMX
    expect(section).to_contain_text("waiting for an approved risk management plan")
    assert_accessible(page, context="person record with release")
    section.get_by_role("button", name="Start the release plan").click()

    expect(page.get_by_role("heading", name="Release plan")).to_be_visible()
    expect(page.locator("#plan-readiness")).to_contain_text("0% ready")
    assert_accessible(page, context="release plan")
    page.get_by_label("Settled", exact=True).check()
    page.get_by_role("button", name="Save accommodation on release").click()
    expect(page.get_by_text("Accommodation on release saved.")).to_be_visible()
    for select in page.locator("table", has_text="Pathway").locator("select").all():
        select.select_option("done")
    page.get_by_role("button", name="Save pathway statuses").click()
    expect(page.get_by_text("Pathway statuses saved.")).to_be_visible()
    page.get_by_role("button", name="Record the risk management plan as approved").click()
    expect(page.get_by_text("Approved on")).to_be_visible()

    for n, kind in enumerate(TASK_CATALOGUE, start=1):
        card = page.locator(
            ".govuk-summary-card", has=page.get_by_role("heading", name=kind.label, exact=True)
        )
        card.get_by_label("Status").select_option("done")
        if kind.label in DETAILS:
            card.get_by_label("Service, place or person").fill(DETAILS[kind.label])
        if kind.code == "treatment_continuity":
            card.get_by_label("First dose or appointment date").fill((TODAY + timedelta(days=40)).isoformat())
        card.get_by_role("button", name=f"Save {kind.label.lower()}").click()
        expect(card.get_by_role("status")).to_have_text("Saved.")
        expect(page.locator("#plan-readiness")).to_contain_text(f"{n} of {len(TASK_CATALOGUE)} tasks")
    expect(page.locator("#plan-readiness")).to_contain_text("100% ready")
    assert_accessible(page, context="release plan, done")

    page.get_by_role("link", name="Releases").click()
    row = page.locator("tr", has_text="GATEHOUSE, Dean")
    expect(row).to_contain_text("100%")
    expect(row).to_contain_text("Nothing")
    assert_accessible(page, context="release readiness")
    page.get_by_role("link", name="early release").click()
    expect(page.locator("table", has_text="Releasable early")).to_contain_text("GATEHOUSE, Dean")
    assert_accessible(page, context="early release")
    page.goto("/releases/escalations/")
    expect(page.get_by_role("heading", name="Release escalations")).to_be_visible()
    assert_accessible(page, context="escalations")

    page.goto(f"/people/{prisoner.pk}/release/")
    assert_accessible(page, context="release page with the facts and release forms")
    page.get_by_label("Liable to deportation").check()
    page.get_by_role("button", name="Save release facts").click()
    expect(page.get_by_text("Release facts saved")).to_be_visible()
    expect(page.locator("#release-section")).to_contain_text("Not eligible: liable to deportation")

    page.get_by_role("button", name="Record the release").click()  # no accommodation chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose where the person went to live on release."
    )
    assert_accessible(page, context="release page with an error")
    expect(page.get_by_label("Date of release")).to_have_value(TODAY.isoformat())
    page.get_by_label("Own home or tenancy: settled").check()
    page.get_by_label("Note (optional)").fill("Met at the gate by Sam")
    page.get_by_role("button", name="Record the release").click()
    expect(page.get_by_text("Release recorded")).to_be_visible()
    expect(page.locator("#releases-recorded")).to_contain_text("accommodation on release settled")
    expect(page.locator("#release-section")).to_contain_text("No custodial sentence awaiting release.")
    assert_accessible(page, context="release page after the release")
