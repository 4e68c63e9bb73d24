"""A coordinator adopts a candidate into the IOM cohort and sees the tier and risk working (issue 3)."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from desist.assessments.services import assessment_record, risk_recalculate
from desist.iom.services import candidacy_refresh
from desist.offences.services import offence_record
from desist.priority.services import priority_groups_refresh
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def candidate(partnership):
    coordinator = partnership.user("cora.coordinator", partnership.probation, role="coordinator")
    officer = partnership.user("ian.iom", partnership.police)
    person = builders.person(
        first_name="Kyle",
        last_name="Burgess",
        district=partnership.medway,
        involved=[(partnership.probation, coordinator), (partnership.police, officer)],
    )
    order = builders.community_order(person, start=TODAY - timedelta(days=20))
    builders.offence_code("02800")
    for n in range(5):
        offence_record(
            actor=builders.actor(),
            person=person,
            offence_code="02800",
            offence_date=TODAY - timedelta(days=40 + 45 * n),
            outcome="conviction",
            outcome_date=TODAY - timedelta(days=20 + 45 * n),
            disposal="community",
            sentence_id=order.pk if n == 0 else None,
        )
    assessment_record(
        actor=builders.actor(),
        person=person,
        assessed_on=TODAY - timedelta(days=5),
        source="oasys",
        rosh={"public": "medium", "known_adult": "low", "children": "low", "staff": "low"},
        rsr_percent=2.1,
        sections={"accommodation": [2, 2, 1, 2], "drugs": [2, 1, 2, 2, 1]},
    )
    risk_recalculate(actor=builders.actor(), person_ids=[person.pk])
    priority_groups_refresh(actor=builders.actor(), person_ids=[person.pk])
    candidacy_refresh(actor=builders.actor(), person_ids=[person.pk])
    return person


def test_coordinator_adopts_a_candidate(page: Page, live_server, candidate):
    login(page, live_server, "cora.coordinator", PASSWORD)
    page.get_by_role("link", name="IOM candidates").click()
    expect(page.get_by_role("heading", name="IOM candidates")).to_be_visible()
    row = page.locator("tr", has_text="BURGESS, Kyle")
    expect(row).to_contain_text("Fixed")
    assert_accessible(page, context="IOM candidates")

    row.get_by_role("button", name="Propose").click()
    expect(page.get_by_text("is proposed to the panel")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Proposed")
    page.get_by_label("Fixed (neighbourhood crime)").check()
    page.get_by_label("Lead professional, Kent Police").select_option(label="Ian.Iom Worker")
    assert_accessible(page, context="IOM panel decision")
    page.get_by_role("button", name="Adopt into the cohort").click()
    expect(page.get_by_text("is adopted into the cohort")).to_be_visible()
    expect(page.get_by_role("heading", name="IOM panel decisions")).to_be_visible()
    expect(page.locator("table", has_text="Every IOM panel decision")).to_contain_text(
        "Adopted into the cohort"
    )

    page.get_by_role("link", name="Kyle Burgess").click()
    page.get_by_role("navigation", name="Sections of this record").get_by_role(
        "link", name="Risk and needs"
    ).click()
    expect(page.get_by_role("heading", name="Risk and needs")).to_be_visible()
    ogrs = page.locator(".govuk-summary-list__row", has_text="OGRS3 (proven reoffending)")
    expect(ogrs).to_contain_text("within two years")
    ogrs.get_by_text("Why: the working").click()
    expect(ogrs).to_contain_text("Copas")
    # The row whose key is "Tier" (the single-letter tier's working has a "Tier" cell of its own).
    tier = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(r"^\s*Tier\s*$"))
    )
    tier.get_by_text("Why: the working").click()
    expect(tier.locator("table")).to_be_visible()
    expect(page.locator("table", has_text="Severe need")).to_contain_text("Accommodation")
    assert_accessible(page, context="person record with risk")

    page.get_by_role("link", name="IOM cohort").click()
    expect(page.locator("table", has_text="People in the IOM cohort")).to_contain_text("BURGESS, Kyle")
