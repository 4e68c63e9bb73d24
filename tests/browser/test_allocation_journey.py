"""Allocation (issue 19): a team manager finds a new case from court waiting in their work queue, allocates it
to the practitioner of the right grade with most room, and it appears in that practitioner's work queue."""

import pytest
from playwright.sync_api import Page, expect

from desist.allocation import selectors, services
from tests.app import builders
from tests.app.allocation.test_allocation import _case, office  # noqa: F401 - the fixture
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_manager_allocates_a_new_case_to_the_practitioner_with_most_room(
    page: Page,
    live_server,
    partnership,
    office,  # noqa: F811
):
    # The officer already holds a case; the part-time officer has more room; the PSO may not take high RoSH.
    _case(partnership, office["north"], tier="A3", lead=office["po"], last_name="Held")
    case = _case(partnership, office["north"], days=7, rosh="high", last_name="Newcourt")
    services.workloads_recompute(actor=builders.actor())
    choice = selectors.allocation_choice(
        selectors.case_for_actor(builders.actor(office["manager"]), case.pk, on=TODAY), on=TODAY
    )
    best = choice.members[0]
    assert best.eligible and best.grade == "PO"
    name = best.user.get_full_name()

    login(page, live_server, "spo", PASSWORD)
    page.goto(f"{live_server.url}/work/")
    expect(page.get_by_role("heading", name="Cases waiting for allocation")).to_be_visible()
    assert_accessible(page, context="the manager's work queue")
    page.get_by_role("link", name="Allocate the case of").first.click()
    expect(page.get_by_role("heading", name="Allocate Newcourt")).to_be_visible()
    assert_accessible(page, context="allocating a case")
    expect(page.get_by_text("Grade may not hold this case")).to_be_visible()
    page.get_by_label(name, exact=True).check()
    page.get_by_label("Note for the practitioner and the record").fill("New from court; most room")
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_role("heading", name="Who has room")).to_be_visible()
    assert_accessible(page, context="the team's queue and workload")
    case.refresh_from_db()
    assert case.lead_worker_id == best.user.pk

    page.context.clear_cookies()
    login(page, live_server, best.user.username, PASSWORD)
    page.goto(f"{live_server.url}/work/")
    expect(page.get_by_role("heading", name="Cases allocated to you")).to_be_visible()
    expect(page.get_by_text("New from court; most room")).to_be_visible()
