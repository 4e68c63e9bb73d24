"""A reviewer works through the linkage review queue: opens it, turns blind review on, decides a pair
and lands on the next one (issue 4, part 3)."""

import pytest
from playwright.sync_api import Page, expect

from desist.linking import runs, selectors
from desist.linking.models import ReviewDecision
from desist.partnership.models import Role
from tests.app import builders
from tests.app.builders import PASSWORD
from tests.app.linking.test_linking import import_sources
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DESIST_LINK_AFTER_IMPORT = False


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    from desist.core.synth import generate_partnership, write_partnership

    out = tmp_path_factory.mktemp("synth")
    write_partnership(generate_partnership(people=400, seed=3), out, format="csv")
    return out / "extracts"


def test_reviewer_decides_a_pair_blind_and_moves_to_the_next(page: Page, live_server, partnership, extracts):
    import_sources(partnership, extracts)
    runs.link_run(actor=builders.actor())
    first, second = list(selectors.review_queue()[:2])
    partnership.user("rhea.reviewer", partnership.treatment, role=Role.ANALYST)
    login(page, live_server, "rhea.reviewer", PASSWORD)

    page.get_by_role("link", name="Linkage review").click()
    expect(page.get_by_role("heading", name="Records to review")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Match probability")).to_be_visible()
    assert_accessible(page, context="review queue")
    page.get_by_role("button", name="Turn blind review on").click()
    expect(page.get_by_text("Blind review is on")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Match probability")).to_have_count(0)

    page.get_by_role("link", name=f"Review pair {first.pk}").click()
    expect(page.get_by_role("heading", name="Are these the same person?")).to_be_visible()
    expect(page.get_by_text("The model suggests")).to_have_count(0)
    expect(page.get_by_role("cell", name=first.left.record_id)).to_be_visible()
    assert_accessible(page, context="review pair, blind")
    # Saving without a choice says what is missing and keeps the note.
    page.get_by_label("Note (optional)").fill("Checked against the custody record")
    page.get_by_role("button", name="Save and go to the next pair").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose match, not a match or unsure")
    expect(page.get_by_label("Note (optional)")).to_have_value("Checked against the custody record")
    assert_accessible(page, context="review pair, error")
    page.get_by_label("Not a match: different people").check()
    page.get_by_role("button", name="Save and go to the next pair").click()

    expect(page.get_by_text(f"Pair {first.pk}: Not a match")).to_be_visible()
    expect(page.get_by_role("cell", name=second.left.record_id)).to_be_visible()
    assert page.url.split("?")[0].endswith(f"/linkage/review/{second.pk}/")
    made = ReviewDecision.objects.get(pair=first)
    assert made.blind and made.note == "Checked against the custody record"
