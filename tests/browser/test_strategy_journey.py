"""The strategy board (issue 15, item 5): an action owner finds the plan action due an update in their work
queue and posts the quarter's RAG status and comment; a board member sees it on the plan and downloads the
meeting's board pack, which carries the update and the quarter's basket."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from desist.strategy.models import ActionUpdate
from tests.app.builders import PASSWORD
from tests.app.strategy.conftest import QUARTER, build_board, figure, publish
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_an_owner_posts_a_quarterly_update_and_the_board_downloads_the_pack(
    page: Page, live_server, partnership
):
    board = build_board(partnership)
    publish(
        QUARTER,
        [figure("accommodation_start", QUARTER, 11, 20), figure("proven_reoffending", QUARTER, 10, 40)],
    )

    login(page, live_server, "olly.owner", PASSWORD)
    page.goto(f"{live_server.url}/work/")
    expect(page.get_by_text("Strategy plan updates due")).to_be_visible()
    page.get_by_role("link", name="Agree a protocol with the district councils").click()
    expect(page.get_by_role("heading", name="Plan action 1")).to_be_visible()
    assert_accessible(page, context="a plan action")
    page.get_by_role(
        "button", name="Post the update"
    ).click()  # nothing chosen: the form says what is missing
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label("Amber: at risk").check()
    page.get_by_label("What has happened this quarter").fill("Protocol agreed with Medway; Swale next month")
    page.get_by_role("button", name="Post the update").click()
    expect(page.get_by_text("Your update is posted for the board.")).to_be_visible()
    assert ActionUpdate.objects.get().by == board["owner"]

    page.context.clear_cookies()
    login(page, live_server, "bob.board", PASSWORD)
    page.goto(f"{live_server.url}/strategy/")
    expect(page.get_by_text("Protocol agreed with Medway")).to_be_visible()
    assert_accessible(page, context="the strategy plan")
    page.get_by_role("link", name="The board", exact=True).click()
    assert_accessible(page, context="the strategy board")
    # The pack is laid out on request (the plan and the quarter's board pack with its charts): give it time.
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("link", name="Board pack (PDF)").click(no_wait_after=True)
    content = Path(download.value.path()).read_bytes()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages)
    assert "Protocol agreed with Medway; Swale next month" in text
    assert "Appendix: definitions" in text
    page.get_by_role("link", name="Annual review").click()
    assert_accessible(page, context="the annual review")
