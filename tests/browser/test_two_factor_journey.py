"""An administrator sets up two-factor sign-in, signs in again with a code and resets a colleague's sign-in,
in Chromium, with axe-core checks on each new page (issue 10, item 17)."""

import pytest
from playwright.sync_api import Page, expect

from tests.app.builders import PASSWORD
from tests.browser.conftest import assert_accessible, login, two_factor_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def two_factor_step_set_up_only(page: Page) -> None:
    """The login helper's set-up step, stopping on the backup codes page."""
    from base64 import b32decode

    from tests.browser.conftest import totp_code

    key = b32decode(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.fill("#id_code", totp_code(key))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()


def test_administrator_sets_up_two_factor_and_resets_a_colleague(page: Page, live_server, partnership):
    partnership.user("ada.admin", partnership.probation, role="administrator")
    partnership.user("pat.probation", partnership.probation)
    page.goto("/accounts/login/")
    page.fill("#id_username", "ada.admin")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to add desist to your authenticator app")).to_be_visible()
    assert_accessible(page, context="two-factor set-up")
    page.fill("#id_code", "12")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the 6-digit code")
    assert page.title().startswith("Error:")
    assert_accessible(page, context="two-factor set-up, error")
    two_factor_step_set_up_only(page)
    expect(page.get_by_text("Two-factor sign-in is set up")).to_be_visible()
    expect(page.locator("#backup-codes li")).to_have_count(10)
    assert_accessible(page, context="backup codes")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.fill("#id_username", "ada.admin")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your two-factor code")).to_be_visible()
    assert_accessible(page, context="two-factor code")
    two_factor_step(page, "ada.admin")

    page.goto("/accounts/")
    expect(page.locator(".govuk-summary-list")).to_contain_text("On: a code from your authenticator app")
    assert_accessible(page, context="account")
    page.get_by_role("link", name="Reset a user's password and two-factor sign-in").click()
    assert_accessible(page, context="users")
    page.get_by_role("link", name="Reset the sign-in of pat.probation").click()
    assert_accessible(page, context="reset confirmation")
    page.get_by_role("button", name="Reset password and two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Sign-in of pat.probation reset")).to_be_visible()
    assert_accessible(page, context="reset done")
    link = page.locator("#set-password-link").inner_text()
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert_accessible(page, context="choose a new password")
    page.get_by_label("New password", exact=True).fill("another-long-passphrase")
    page.get_by_label("The new password again").fill("another-long-passphrase")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your new password is set")).to_be_visible()
    login(page, live_server, "pat.probation", "another-long-passphrase")
